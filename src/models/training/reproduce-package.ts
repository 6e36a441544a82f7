/**
 * `paddock models reproduce`: rebuilds a package from its lineage alone — the recorded git
 * commit checked out in a temporary worktree, the training data restored there by its md5
 * (cache, else the default remote), the recorded params — and compares the new model file with
 * the registered one byte for byte. Data committed to git (not tracked by a .dvc file) is already
 * in the worktree and is used when its md5 matches.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fail, isPaddockError } from '../../core/errors.js';
import { git } from '../../core/git.js';
import type { Project } from '../../core/project.js';
import { md5File, restoreFileByHash } from '../../data/index.js';
import type { ModelPackage } from '../package/package-io.js';
import { parseTrainerParams } from '../trainers/params.js';
import { trainPackage, type BuildMonitoringProfile } from './train-package.js';

/** Where the training data came from: the commit itself, the cache, or the default remote. */
export type DataOrigin = 'git' | 'cache' | 'remote';

/** The verdict. */
export interface ReproduceResult {
  readonly identical: boolean;
  readonly original: { readonly file: string; readonly sha256: string; readonly bytes: number };
  readonly rebuilt: { readonly sha256: string; readonly bytes: number };
  readonly gitCommit: string;
  readonly data: readonly { readonly path: string; readonly md5: string; readonly from: DataOrigin }[];
  /** Differences in the toolchain that could explain a mismatch (Paddock or Node version). */
  readonly toolchain: readonly string[];
  readonly seconds: number;
}

const TRAIN_KEYS = new Set(['task', 'target', 'features']);

/** Rebuilds `pkg` in a temporary worktree of `project` and compares the model bytes; `buildMonitoringProfile` as trainPackage takes it. */
export async function reproducePackage(project: Project, pkg: ModelPackage, versions: { readonly paddock: string }, buildMonitoringProfile: BuildMonitoringProfile): Promise<ReproduceResult> {
  const started = performance.now();
  const lineage = pkg.manifest.lineage;
  const where = `${pkg.dir}: lineage`;
  if (!lineage?.git_commit) fail('INVALID_ARGUMENT', `${where} has no git_commit; only packages trained by \`paddock train\` in a git repository can be reproduced`, { field: 'lineage.git_commit' });
  const data = Object.entries(lineage.data_hashes ?? {});
  if (data.length !== 1) fail('INVALID_ARGUMENT', `${where} must name exactly one training data file by hash (it names ${data.length})`, { field: 'lineage.data_hashes' });
  const recorded = lineage.params ?? {};
  const task = recorded.task;
  if (task !== 'classification' && task !== 'regression') fail('INVALID_ARGUMENT', `${where}.params has no task; was it trained by \`paddock train\`?`, { field: 'lineage.params.task' });
  const params = parseTrainerParams(Object.fromEntries(Object.entries(recorded).filter(([k]) => !TRAIN_KEYS.has(k))), `${where}.params`);
  const features = String(recorded.features ?? '').split(',').filter(Boolean);

  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'paddock-reproduce-'));
  const worktree = path.join(tmp, 'worktree');
  await git(project.root, ['worktree', 'add', '--detach', worktree, lineage.git_commit]).catch((err: unknown) =>
    fail('NOT_FOUND', `${where}: commit ${lineage.git_commit} is not in this repository (${String((err as Error).message).split('\n')[0]}); fetch it first`, { commit: lineage.git_commit }, err));
  try {
    const [[rel, md5]] = data as [[string, string]];
    const dataPath = path.join(worktree, ...rel.split('/'));
    const from = await restoreData(project, md5, dataPath, rel);
    const rebuilt = await trainPackage({
      data: dataPath, task, target: String(recorded.target), features, params,
      name: pkg.manifest.name, outDir: path.join(tmp, `rebuilt-${randomBytes(3).toString('hex')}`),
      lineage: {}, producerVersion: versions.paddock, buildMonitoringProfile,
    });
    const [a, b] = await Promise.all([fs.readFile(pkg.modelPath), fs.readFile(rebuilt.pkg.modelPath)]);
    return {
      identical: Buffer.compare(a, b) === 0,
      original: { file: pkg.modelPath, sha256: sha256(a), bytes: a.length },
      rebuilt: { sha256: sha256(b), bytes: b.length },
      gitCommit: lineage.git_commit,
      data: [{ path: rel, md5, from }],
      toolchain: [
        ...(lineage.paddock_version && lineage.paddock_version !== versions.paddock ? [`Paddock ${lineage.paddock_version} then, ${versions.paddock} now`] : []),
        ...(lineage.node_version && lineage.node_version !== process.version ? [`Node ${lineage.node_version} then, ${process.version} now`] : []),
      ],
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await git(project.root, ['worktree', 'remove', '--force', worktree]).catch(() => undefined);
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** The data file as the commit has it when its md5 matches, else restored by hash. */
async function restoreData(project: Project, md5: string, dest: string, rel: string): Promise<DataOrigin> {
  const committed = await md5File(dest).catch(() => undefined);
  if (committed === md5) return 'git';
  try {
    return await restoreFileByHash(project, md5, dest);
  } catch (err) {
    if (isPaddockError(err, 'CACHE_MISSING')) fail('CACHE_MISSING', `${rel}: the training data (md5 ${md5}) is neither committed in git nor in the cache: ${err.message}`, { ...err.details, path: rel }, err);
    throw err;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
