/**
 * The project-side ports of model packages: opening artifact URIs as object stores with the
 * project's artifact settings, uploading a package under the artifact root, and resolving a
 * package reference (directory or `models:/` URI) for the CLI. Kept free of commander state
 * except in the two `…ForCommand` helpers, so the SDK can use the project-level ones too.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { artifactStoreConfig, artifactsRootOf, openProject } from '../../app.js';
import type { ObjectStore } from '../../core/object-store.js';
import { STATE_DIR, type Project } from '../../core/project.js';
import {
  isModelUri, materializePackage, packageContentHash, packageFiles, readModelPackage, registerPackage,
  type MaterializedPackage, type RegisterPackageInput,
} from '../../models/index.js';
import type { ModelVersion } from '../../registry/index.js';
import { openObjectStore } from '../../storage/artifacts/open-object-store.js';
import { commandCwd } from '../context.js';
import { actorOf, withRegistry } from './models-store.js';

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
 * A package for a CLI command: a directory as it is (no project needed), or a `models:/` URI
 * through the project's registry (or --tracking-uri's), downloaded into the project's cache.
 */
export async function packageForCommand(cmd: Command, ref: string): Promise<MaterializedPackage> {
  const cwd = commandCwd(cmd);
  if (!isModelUri(ref)) return { pkg: await readModelPackage(path.resolve(cwd, ref)) };
  const project = openProject({ cwd, logLevel: 'silent' });
  return withRegistry(cmd, (registry, tracking) => materializePackage(ref, {
    registry, tracking, openStore: artifactStoreOpener(project), cacheDir: modelsCacheDir(project), cwd,
  }));
}

/** `paddock models register <package-dir> --name …`: uploads under the project's artifact root and registers. */
export async function registerPackageForCommand(cmd: Command, input: RegisterPackageInput): Promise<ModelVersion> {
  const project = openProject({ cwd: commandCwd(cmd), logLevel: 'silent' });
  const dir = path.resolve(commandCwd(cmd), input.dir);
  return withRegistry(cmd, (registry) => registerPackage({ ...input, dir }, { registry, upload: packageUploader(project) }, actorOf(cmd)));
}
