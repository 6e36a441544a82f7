/**
 * The project-side ports of model packages: opening artifact URIs as object stores with the
 * project's artifact settings, and uploading a package under the artifact root. Part of the
 * composition root (it picks object-store adapters by URI); the CLI and the SDK both use it.
 */
import path from 'node:path';
import { artifactStoreConfig, artifactsRootOf } from './app.js';
import type { ObjectStore } from './core/object-store.js';
import { STATE_DIR, type Project } from './core/project.js';
import { fail } from './core/errors.js';
import { isModelUri, materializePackage, packageContentHash, packageFiles, readModelPackage, type BuildMonitoringProfile } from './models/index.js';
import { formatMonitoringProfile, profileColumns } from './monitoring/index.js';
import type { RegistryStore } from './registry/index.js';
import type { PackageResolver } from './serving/index.js';
import type { TrackingStore } from './tracking/index.js';
import { openObjectStore } from './storage/artifacts/open-object-store.js';

type ProjectSettings = Pick<Project, 'root' | 'config'>;

const PROXY_SCHEME = 'mlflow-artifacts:';
/** Files uploaded at once. */
const UPLOAD_CONCURRENCY = 8;

/** Where `models:/` packages are downloaded to: `<project>/.paddock/models`. */
export function modelsCacheDir(project: Pick<Project, 'root'>): string {
  return path.join(project.root, STATE_DIR, 'models');
}

/**
 * Opens the object store an artifact URI names: a directory or `file:` (relative to the
 * project root), `s3://…` with the project's artifact settings, or `mlflow-artifacts:/…` (the
 * server's proxy form) mapped onto the project's artifact root, as the server maps it.
 */
export function artifactStoreOpener(project: ProjectSettings): (uri: string) => ObjectStore {
  return (uri) => {
    let url = uri;
    if (uri.startsWith(PROXY_SCHEME)) {
      const rest = uri.slice(PROXY_SCHEME.length).replace(/^\/\/[^/]*/, '').replace(/^\/+/, '');
      const base = artifactsRootOf(project).replace(/\/+$/, '');
      url = rest ? `${base}/${rest}` : base;
    }
    return openObjectStore(artifactStoreConfig(project, url), { root: project.root, name: 'artifacts' });
  };
}

/**
 * The uploader registerPackage takes: copies the package's files to
 * `<artifact root>/packages/<name>/<content hash>/` and returns that URI. Content-addressed, so
 * registering the same package again uploads nothing new, and no upload overwrites another's files.
 */
export function packageUploader(project: ProjectSettings): (dir: string, name: string) => Promise<string> {
  return async (dir, name) => {
    const files = await packageFiles(dir);
    const hash = await packageContentHash(dir, files);
    const prefix = `packages/${encodeURIComponent(name).replace(/^\./, '%2E')}/${hash}`;
    const root = artifactsRootOf(project).replace(/\/+$/, '');
    const store = artifactStoreOpener(project)(root);
    try {
      const keys = files.map((f) => `${prefix}/${f}`);
      const present = await store.hasMany(keys);
      const todo = files.filter((_, i) => !present.has(keys[i]!));
      for (let i = 0; i < todo.length; i += UPLOAD_CONCURRENCY) {
        await Promise.all(todo.slice(i, i + UPLOAD_CONCURRENCY).map((f) => store.putFile(`${prefix}/${f}`, path.join(dir, ...f.split('/')))));
      }
    } finally {
      await store.close?.();
    }
    return `${root}/${prefix}`;
  };
}


/**
 * The serving pool's resolver: a package directory as it is, or a `models:/` URI through the
 * registry (downloaded into the project's model cache). Without a project, directories only.
 */
export function packageResolver(cwd: string, registry?: { project: ProjectSettings; registry: RegistryStore; tracking: Pick<TrackingStore, 'getRun'> }): PackageResolver {
  return {
    async resolve(ref) {
      if (!isModelUri(ref)) return { pkg: await readModelPackage(path.resolve(cwd, ref)) };
      if (!registry) fail('INVALID_ARGUMENT', `${ref}: models:/ URIs need a project (run inside one, or pass --tracking-uri)`, { ref });
      const m = await materializePackage(ref, { registry: registry.registry, tracking: registry.tracking, openStore: artifactStoreOpener(registry.project), cacheDir: modelsCacheDir(registry.project), cwd });
      return { pkg: m.pkg, ...(m.version ? { version: String(m.version.version) } : {}) };
    },
  };
}

/**
 * The monitoring profile trainPackage writes into every package (`monitoring-profile.json`):
 * monitoring profiles the columns models picks. Composed here because monitoring imports models,
 * so models cannot import monitoring.
 */
export const buildMonitoringProfile: BuildMonitoringProfile = ({ inputs, outputs }) =>
  formatMonitoringProfile({ inputs: profileColumns(inputs), outputs: profileColumns(outputs) });
