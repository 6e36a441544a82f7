import { existsSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, loadConfig, type Config, type RemoteConfig } from './core/config.js';
import { fail } from './core/errors.js';
import { createLogger } from './core/logging.js';
import type { ObjectStore } from './core/object-store.js';
import { noProgress, type ProgressFactory } from './core/progress.js';
import { findProjectRoot, STATE_DIR, type Project } from './core/project.js';
import { openObjectStore } from './storage/artifacts/open-object-store.js';
import { openMetadataStore, type MetadataStore } from './storage/sql/open-metadata-store.js';
import { readDvcConfig, type DvcConfig } from './storage/dvc-config.js';

/** What a caller (CLI, server, test) decides when opening a project. */
export interface OpenOptions {
  readonly cwd: string;
  readonly progress?: ProgressFactory;
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'silent' | undefined;
  /** Config overrides at flag precedence, as dotted keys (`core.jobs`). */
  readonly flags?: Record<string, unknown>;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The composition root: config → adapters → the Project every use-case receives. The only
 * place that picks backends (remotes by URL scheme, metadata by URI).
 */
export function openProject(options: OpenOptions): Project {
  const root = findProjectRoot(options.cwd);
  const dvc = readDvcConfig(root);
  // A DVC repository without paddock.yaml is used as it is: its cache, its remotes.
  const dvcRepo = dvc.present && !existsSync(path.join(root, CONFIG_FILE));
  const config = withDvcSettings(loadConfig(root, { env: options.env, flags: options.flags }), dvc);
  const logger = createLogger(options.logLevel ?? config.core.log_level);
  const cacheDir = dvcRepo ? path.resolve(root, dvc.cacheDir ?? '.dvc/cache') : path.resolve(root, config.cache.dir);
  const opened = new Map<string, ObjectStore>();
  return {
    root,
    config,
    logger,
    cacheDir,
    stateDir: path.join(root, STATE_DIR),
    dvcRepo,
    progress: options.progress ?? noProgress,
    openRemote(name) {
      const remoteName = name || config.core.remote || soleRemote(config);
      const remote = config.remotes[remoteName];
      if (!remote) {
        const known = Object.keys(config.remotes).join(', ') || 'none';
        fail('REMOTE_NOT_CONFIGURED', remoteName ? `remote '${remoteName}' is not configured (known: ${known})` : 'no remote given and no default remote is set', { remote: remoteName });
      }
      let store = opened.get(remoteName);
      if (!store) {
        store = openObjectStore(remote, { root, name: remoteName });
        opened.set(remoteName, store);
      }
      return store;
    },
  };
}

/**
 * Opens the project's metadata database (`metadata.uri`: `sqlite:<path>` relative to the root,
 * or `postgres://…`), migrated, with the tracking store over it. Other SQL stores (registry,
 * tokens) are built on the returned `db`. The caller closes it.
 */
export function openMetadata(project: Pick<Project, 'root' | 'config'>): Promise<MetadataStore> {
  return openMetadataStore(project.config.metadata.uri, { root: project.root, artifactsRoot: artifactsRootOf(project) });
}

/**
 * How to open an object store under the artifact root: the URL plus the artifact settings
 * (S3 endpoint, region, credentials). The server and the SDK open artifact stores with this.
 */
export function artifactStoreConfig(project: Pick<Project, 'config'>, url: string): RemoteConfig {
  const a = project.config.artifacts;
  return { url, endpoint: a.endpoint, region: a.region, access_key_id: a.access_key_id, secret_access_key: a.secret_access_key, force_path_style: true };
}

/** The artifact root as stores see it: a URI (s3://…) as is, a directory (or file:dir) absolute. */
export function artifactsRootOf(project: Pick<Project, 'root' | 'config'>): string {
  const root = project.config.artifacts.root;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(root) ? root : path.resolve(project.root, root.replace(/^file:/, ''));
}

/** Remotes and the default remote from .dvc/config fill in what paddock.yaml leaves unset. */
function withDvcSettings(config: Config, dvc: DvcConfig): Config {
  if (!dvc.present) return config;
  return Object.freeze({
    ...config,
    core: Object.freeze({ ...config.core, remote: config.core.remote || dvc.defaultRemote || '' }),
    remotes: Object.freeze({ ...dvc.remotes, ...config.remotes }),
  });
}

function soleRemote(config: Config): string {
  const names = Object.keys(config.remotes);
  return names.length === 1 ? names[0]! : '';
}
