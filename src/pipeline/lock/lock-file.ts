import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Node, type Document } from 'yaml';
import { fail, fromSystemError } from '../../core/errors.js';
import type { LockEntry, LockStage } from '../model.js';
import { dumpDvcYaml } from './dvc-yaml.js';
import { lockStageToPlain, sameValue } from './lock-entry.js';
import { parseLockStage } from './lock-schema.js';

/**
 * A dvc.lock as read from disk: the parsed stage entries plus what is needed to write it back
 * the way DVC does (`modify_yaml`): untouched stages and other top-level keys keep their exact
 * text, changed stages are replaced in place, new ones are appended.
 */
export interface LockFile {
  /** Absolute path of the dvc.lock. */
  readonly file: string;
  /** Stage entries in file order. */
  readonly stages: ReadonlyMap<string, LockStage>;
  /**
   * @internal the source text split into reusable pieces; null for a new file; 'lazy' when
   * the stages came from the parse cache (the text is parsed again before a rewrite).
   */
  readonly source: LockSource | null | 'lazy';
}

interface Slice {
  readonly key: string;
  readonly text: string;
}

/** @internal */
export interface LockSource {
  /** Top-level keys in order with their text; `stages` is rebuilt from `stageSlices`. */
  readonly top: readonly Slice[];
  /** `stages:` line (and anything before the first stage). */
  readonly stagesHeader: string;
  readonly stageSlices: ReadonlyMap<string, string>;
  /** Other top-level values (datasets…), for a canonical rewrite. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** dvc.lock sits beside its dvc.yaml: `dvc.yaml` → `dvc.lock`. */
export function lockPathFor(dvcYaml: string): string {
  return path.join(path.dirname(dvcYaml), `${path.basename(dvcYaml).replace(/\.ya?ml$/, '')}.lock`);
}

/** Reads and validates a dvc.lock; a missing file is an empty lock. */
export async function readLockFile(file: string): Promise<LockFile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file, stages: new Map(), source: null };
    throw fromSystemError(err, file);
  }
  return parseLockText(file, text);
}

const RESTORE = 'restore it from git (`git checkout -- dvc.lock`) or delete it; `paddock repro` writes it again';

/** Parses dvc.lock text (schema 2.0, or DVC 1's unversioned layout, which DVC migrates). */
export function parseLockText(file: string, text: string): LockFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line ?? 0;
    fail('YAML_INVALID', `${file}:${line}: ${err.message.split('\n')[0]}`, { file, line });
  }
  const data: unknown = doc.toJS() ?? {};
  const where = (keys: readonly (string | number)[]) => locate(doc, lines, file, keys);
  if (typeof data !== 'object' || Array.isArray(data) || data === null) {
    fail('POINTER_INVALID', `${file}: expected a mapping with 'schema' and 'stages'; ${RESTORE}`, { file });
  }
  const record = data as Record<string, unknown>;
  const versioned = 'schema' in record;
  if (versioned && record.schema !== '2.0') {
    fail('POINTER_INVALID', `${where(['schema'])}: unsupported lock file schema '${String(record.schema)}' (expected '2.0'); ${RESTORE}`, { file });
  }
  const rawStages = versioned ? (record.stages ?? {}) : record;
  if (typeof rawStages !== 'object' || rawStages === null || Array.isArray(rawStages)) {
    fail('POINTER_INVALID', `${where(['stages'])}: 'stages' must be a mapping of stage names; ${RESTORE}`, { file });
  }
  const stages = new Map<string, LockStage>();
  for (const [name, raw] of Object.entries(rawStages as Record<string, unknown>)) {
    const keyPath = versioned ? ['stages', name] : [name];
    stages.set(name, parseLockStage(raw, (sub, message) => fail('POINTER_INVALID', `${where([...keyPath, ...sub])}: stage '${name}': ${message}; ${RESTORE}`, { file, stage: name })));
  }
  return { file, stages, source: versioned ? sliceSource(doc, text, record) : null };
}

function locate(doc: Document.Parsed, lines: LineCounter, file: string, keys: readonly (string | number)[]): string {
  let node: Node | null | undefined = doc.contents as Node | null;
  let offset: number | undefined = node?.range?.[0];
  for (const key of keys) {
    if (isSeq(node) && typeof key === 'number') {
      node = node.items[key] as Node | undefined;
      offset = node?.range?.[0] ?? offset;
      continue;
    }
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
    if (!pair) break;
    offset = (pair.key as Node).range?.[0] ?? offset;
    node = pair.value as Node | null;
  }
  return offset === undefined ? file : `${file}:${lines.linePos(offset).line}`;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Splits the text at top-level keys and at stage names, when the layout allows reuse. */
function sliceSource(doc: Document.Parsed, text: string, record: Record<string, unknown>): LockSource | null {
  const root = doc.contents;
  if (!isMap(root) || root.flow) return null;
  const starts = root.items.map((p) => (p.key as Node).range?.[0]);
  if (starts.some((s) => s === undefined)) return null;
  const top: Slice[] = [];
  let stagesHeader = 'stages:\n';
  const stageSlices = new Map<string, string>();
  for (const [i, pair] of root.items.entries()) {
    const from = i === 0 ? 0 : lineStart(text, starts[i]!);
    const to = i + 1 < starts.length ? lineStart(text, starts[i + 1]!) : text.length;
    const key = String((pair.key as { value?: unknown }).value);
    top.push({ key, text: withNewline(text.slice(from, to)) });
    if (key !== 'stages') continue;
    const value = pair.value;
    if (value === null || (isScalar(value) && value.value === null)) continue;
    if (!isMap(value) || value.flow) {
      if (isMap(value) && value.items.length === 0) continue;
      return null;
    }
    const stageStarts = value.items.map((p) => lineStart(text, (p.key as Node).range![0]));
    stagesHeader = text.slice(from, stageStarts[0] ?? to);
    for (const [j, sp] of value.items.entries()) {
      const end = j + 1 < stageStarts.length ? stageStarts[j + 1]! : to;
      stageSlices.set(String((sp.key as { value?: unknown }).value), withNewline(text.slice(stageStarts[j]!, end)));
    }
  }
  const extra = Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'schema' && k !== 'stages'));
  return { top, stagesHeader: stagesHeader.includes('{') ? 'stages:\n' : withNewline(stagesHeader), stageSlices, extra };
}

function withNewline(s: string): string {
  return s === '' || s.endsWith('\n') ? s : `${s}\n`;
}

/** The stage's text at the indentation it has under `stages:`. */
function stageText(name: string, stage: LockStage): string {
  const full = dumpDvcYaml({ stages: { [name]: lockStageToPlain(stage) } });
  return full.slice(full.indexOf('\n') + 1);
}

/**
 * Renders the lock with `stages` applied over what was read: an entry whose value did not
 * change keeps its original text, a changed one is replaced where it stood, a new one goes at
 * the end; names in `removed` are dropped. A new file starts with `schema: '2.0'` as DVC's does.
 */
export function renderLockFile(lock: LockFile, stages: ReadonlyMap<string, LockStage>, removed: ReadonlySet<string> = new Set()): string {
  return applyLockUpdates(lock, stages, removed).text;
}

/** {@link renderLockFile}, also returning the lock as it will read back (no re-parse needed). */
export function applyLockUpdates(lock: LockFile, stages: ReadonlyMap<string, LockStage>, removed: ReadonlySet<string> = new Set()): { text: string; lock: LockFile } {
  const merged = new Map<string, LockStage>();
  for (const [name, s] of lock.stages) if (!removed.has(name)) merged.set(name, stages.get(name) ?? s);
  for (const [name, s] of stages) if (!removed.has(name)) merged.set(name, s);
  if (lock.source === 'lazy') throw new Error('applyLockUpdates needs the parsed text: read the lock with readLockFile');
  const src: LockSource = lock.source ?? { top: [{ key: 'schema', text: "schema: '2.0'\n" }, { key: 'stages', text: '' }], stagesHeader: 'stages:\n', stageSlices: new Map(), extra: {} };
  const slices = new Map<string, string>();
  for (const [name, s] of merged) {
    const old = lock.stages.get(name);
    const slice = src.stageSlices.get(name);
    slices.set(name, old && slice !== undefined && sameValue(lockStageToPlain(old), lockStageToPlain(s)) ? slice : stageText(name, s));
  }
  const stagesText = slices.size ? src.stagesHeader + [...slices.values()].join('') : 'stages: {}\n';
  const top = src.top.map((t) => (t.key === 'stages' ? { key: t.key, text: stagesText } : t));
  if (!top.some((t) => t.key === 'stages')) top.push({ key: 'stages', text: stagesText });
  const text = top.map((t) => t.text).join('');
  const source: LockSource = { ...src, top, stageSlices: slices, stagesHeader: slices.size ? src.stagesHeader : 'stages:\n' };
  return { text, lock: { file: lock.file, stages: merged, source } };
}

/** An entry's hash as a comparable value: DVC 2 entries (no `hash:` key) compare by md5 too. */
export function entryHash(entry: LockEntry | undefined): string | undefined {
  return entry?.md5 || undefined;
}
