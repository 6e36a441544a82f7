import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { headState } from '../../core/git.js';
import { md5File } from '../../data/index.js';
import type { ModelLineage } from '../../models/index.js';
import { paddockVersion } from '../paddock-version.js';

/** What a training run records so `models reproduce` can rebuild it from the lineage alone. */
export interface LineageInput {
  readonly root: string;
  readonly data: string;
  readonly runId?: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The lineage of a package: the data file by its DVC md5 (path relative to the project, so
 * `reproduce` can fetch it by hash), the commit, the params and the toolchain versions.
 */
export async function buildLineage(input: LineageInput): Promise<ModelLineage> {
  const rel = path.relative(input.root, path.resolve(input.root, input.data)).split(path.sep).join('/');
  const head = await headState(input.root).catch(() => undefined);
  const lock = await readFile(path.join(input.root, 'package-lock.json')).catch(() => undefined);
  return {
    ...(input.runId ? { run_id: input.runId } : {}),
    data_hashes: { [rel]: await md5File(path.resolve(input.root, input.data)) },
    params: { ...input.params },
    ...(head ? { git_commit: head.commit } : {}),
    paddock_version: paddockVersion(),
    node_version: process.version,
    ...(lock ? { lock_file_hash: `sha256:${createHash('sha256').update(lock).digest('hex')}` } : {}),
  };
}
