/** CLI glue for model packages: a package reference (directory or `models:/` URI) and registration. */
import path from 'node:path';
import type { Command } from 'commander';
import { openProject } from '../../app.js';
import { findJobVersion, RETRAINING_JOB_ENV, RETRAINING_JOB_TAG } from '../../automation/index.js';
import { artifactStoreOpener, modelsCacheDir, packageUploader } from '../../app-model-packages.js';
import { isModelUri, materializePackage, readModelPackage, registerPackage, type MaterializedPackage, type RegisterPackageInput } from '../../models/index.js';
import type { ModelVersion } from '../../registry/index.js';
import { commandCwd } from '../context.js';
import { actorOf, withRegistry } from './models-store.js';

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
  // Inside a retraining's pipeline, registration is keyed on the job: a retried job (its worker
  // killed after this stage registered) gets the version its earlier attempt registered.
  const jobId = process.env[RETRAINING_JOB_ENV];
  return withRegistry(cmd, async (registry) => {
    const earlier = jobId ? await findJobVersion(registry, input.name, jobId) : undefined;
    if (earlier) return earlier;
    return registerPackage({ ...input, dir, ...(jobId ? { tags: { [RETRAINING_JOB_TAG]: jobId } } : {}) }, { registry, upload: packageUploader(project) }, actorOf(cmd));
  });
}
