import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, parseDocument, type Document } from 'yaml';
import { CONFIG_FILE, configSchema } from '../../core/config.js';
import { fail } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import type { Project } from '../../core/project.js';

/** One configured remote, as `remote list` shows it. */
export interface RemoteEntry {
  readonly name: string;
  readonly url: string;
  readonly endpoint?: string;
  readonly default: boolean;
}

/** Settings `remote add` can write besides the URL. */
export interface AddRemoteOptions {
  readonly endpoint?: string;
  readonly region?: string;
  readonly jobs?: number;
  /** Make it the default remote (core.remote). */
  readonly default?: boolean;
  /** Replace a remote of the same name. */
  readonly force?: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Every remote the project knows (paddock.yaml and .dvc/config), default first. */
export function listRemotes(project: Project): RemoteEntry[] {
  const def = project.config.core.remote;
  return Object.entries(project.config.remotes)
    .map(([name, r]) => ({ name, url: r.url, endpoint: r.endpoint, default: name === def }))
    .sort((a, b) => Number(b.default) - Number(a.default) || a.name.localeCompare(b.name));
}

/** Adds (or with `force` replaces) `remotes.<name>` in paddock.yaml, keeping comments. */
export async function addRemote(project: Project, name: string, url: string, options: AddRemoteOptions = {}): Promise<void> {
  if (!NAME.test(name)) fail('INVALID_ARGUMENT', `invalid remote name '${name}': use letters, digits, '.', '_' and '-'`, { name });
  if (url.trim() === '') fail('INVALID_ARGUMENT', 'the remote URL is empty: give a directory path or s3://bucket/prefix', { name });
  await editConfig(project, (doc) => {
    if (doc.hasIn(['remotes', name]) && !options.force) {
      fail('INVALID_ARGUMENT', `remote '${name}' already exists in ${CONFIG_FILE}; pass --force to replace it`, { name });
    }
    const remote: Record<string, unknown> = { url };
    if (options.endpoint) remote.endpoint = options.endpoint;
    if (options.region) remote.region = options.region;
    if (options.jobs) remote.jobs = options.jobs;
    if (!isMap(doc.get('remotes'))) doc.set('remotes', doc.createNode({}));
    doc.setIn(['remotes', name], doc.createNode(remote));
    if (options.default) setIn(doc, ['core', 'remote'], name);
  });
}

/** Makes `name` the default remote (core.remote); it must be configured. */
export async function setDefaultRemote(project: Project, name: string): Promise<void> {
  if (!project.config.remotes[name]) {
    fail('REMOTE_NOT_CONFIGURED', `remote '${name}' is not configured (known: ${Object.keys(project.config.remotes).join(', ') || 'none'})`, { remote: name });
  }
  await editConfig(project, (doc) => setIn(doc, ['core', 'remote'], name));
}

/** Removes `remotes.<name>` from paddock.yaml, and core.remote if it named it. */
export async function removeRemote(project: Project, name: string): Promise<void> {
  await editConfig(project, (doc) => {
    if (!doc.hasIn(['remotes', name])) {
      fail('REMOTE_NOT_CONFIGURED', `remote '${name}' is not in ${CONFIG_FILE} (remotes from .dvc/config are edited with dvc)`, { remote: name });
    }
    doc.deleteIn(['remotes', name]);
    if (doc.getIn(['core', 'remote']) === name) doc.deleteIn(['core', 'remote']);
    for (const section of ['remotes', 'core']) dropIfEmpty(doc, section);
  });
}

function dropIfEmpty(doc: Document, key: string): void {
  const node = doc.get(key);
  if (isMap(node) && node.items.length === 0) doc.delete(key);
}

function setIn(doc: Document, keys: readonly string[], value: unknown): void {
  if (!isMap(doc.get(keys[0]!))) doc.set(keys[0]!, doc.createNode({}));
  doc.setIn(keys, value);
}

/**
 * Applies `edit` to paddock.yaml through yaml's Document API (comments and layout survive),
 * validates the result against the config schema, and writes it atomically.
 */
async function editConfig(project: Project, edit: (doc: Document) => void): Promise<void> {
  const file = path.join(project.root, CONFIG_FILE);
  if (!existsSync(file)) {
    fail('NOT_A_PROJECT', `${file} does not exist: this is a DVC repository used as it is; add remotes with \`dvc remote add\`, or run \`paddock init\` first`, { file });
  }
  const doc: Document = parseDocument(readFileSync(file, 'utf8'));
  if (doc.errors.length > 0) fail('YAML_INVALID', `${file}: ${doc.errors[0]!.message.split('\n')[0]}`, { file });
  if (doc.contents === null) doc.contents = doc.createNode({});
  edit(doc);
  const result = configSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    fail('CONFIG_INVALID', `${file}: the change would make '${issue.path.join('.')}' invalid: ${issue.message}`, { file });
  }
  await writeFileAtomic(file, doc.toString());
}
