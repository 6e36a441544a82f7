import { existsSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../../core/errors.js';
import { readPointerFile } from '../../data/index.js';
import { lockPathFor, readLockFile } from '../../pipeline/index.js';

/**
 * The current version of each tracked path: the md5 in its `.dvc` pointer file (a directory's
 * `.dir` hash). An untracked path is a config error naming the key.
 */
export async function readDataVersions(root: string, paths: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of paths) {
    const pointer = path.resolve(root, `${p}.dvc`);
    if (!existsSync(pointer)) fail('CONFIG_INVALID', `retraining triggers.data: '${p}' is not tracked (no ${p}.dvc): track it with \`paddock add ${p}\``, { key: 'retraining.pipelines.triggers.data', path: p });
    const md5 = readPointerFile(pointer).outs[0]?.md5;
    if (!md5) fail('CONFIG_INVALID', `retraining triggers.data: ${p}.dvc records no md5: run \`paddock add ${p}\` again`, { key: 'retraining.pipelines.triggers.data', path: p });
    out[p] = md5;
  }
  return out;
}

/**
 * The md5 the pipeline last ran on for `p`: its entry among the deps in dvc.lock (the baseline
 * for a pipeline no retraining has run yet). Undefined when no stage has consumed it.
 */
export async function lockedDataVersion(root: string, p: string): Promise<string | undefined> {
  const lock = await readLockFile(lockPathFor(path.join(root, 'dvc.yaml')));
  const wanted = path.normalize(p);
  for (const stage of lock.stages.values()) {
    const dep = stage.deps?.find((d) => path.normalize(d.path) === wanted);
    if (dep) return dep.md5;
  }
  return undefined;
}
