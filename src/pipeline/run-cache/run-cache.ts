import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import { sha256Hex } from '../../core/hashing.js';
import type { Project } from '../../core/project.js';
import { dumpDvcYaml } from '../lock/dvc-yaml.js';
import { lockStageToPlain } from '../lock/lock-entry.js';
import { parseLockStage } from '../lock/lock-schema.js';
import { parseYaml } from '../definition/yaml-source.js';
import type { LockStage, Stage } from '../model.js';
import { compareCodePoints, pyJsonDumps } from '../lock/python-format.js';

/**
 * DVC's run cache (`dvc/stage/cache.py`): `<cache>/runs/<key[:2]>/<key>/<value>`, where the key
 * is the sha256 of the stage's lock entry with its outs reduced to their paths, and the value
 * the sha256 of the full entry (both over `json.dumps(sort_keys=True)`, without size and
 * nfiles). The file holds the lock entry as YAML. Same layout and hashes as DVC, so a run cache
 * DVC wrote (or pushed) is used by Paddock and the other way round.
 */

const EXCLUDED = new Set(['size', 'nfiles']);

function filtered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(filtered);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !EXCLUDED.has(k)).map(([k, v]) => [k, filtered(v)]));
  }
  return value;
}

/** sha256 of `json.dumps(entry minus size/nfiles, sort_keys=True)`: DVC's `_get_cache_hash`. */
function cacheHash(plain: Record<string, unknown>): string {
  return sha256Hex(pyJsonDumps(filtered(plain)));
}

/** The run-cache key of a stage about to run: its entry with outs as a list of paths. */
export function runCacheKey(entryWithoutOuts: LockStage, outPaths: readonly string[]): string {
  const plain = lockStageToPlain({ ...entryWithoutOuts, outs: [] });
  plain.outs = [...outPaths].sort(compareCodePoints);
  return cacheHash(plain);
}

/** The run-cache value (file name) of a completed stage's entry. */
export function runCacheValue(entry: LockStage): string {
  return cacheHash(lockStageToPlain(entry));
}

/**
 * DVC's `_can_hash`: not always_changed, not a callback stage, has a command, deps (files or
 * params) and outs, and no persist outs. Paddock also leaves out stages with `cache: false`
 * outs, which it cannot restore from the cache.
 */
export function runCacheEligible(stage: Stage): boolean {
  if (stage.alwaysChanged) return false;
  if (stage.deps.length + stage.params.length === 0 || stage.outs.length === 0) return false;
  return stage.outs.every((o) => !o.persist && o.cache);
}

function runsDir(project: Pick<Project, 'cacheDir'>): string {
  return path.join(project.cacheDir, 'runs');
}

/** Records a completed stage's entry (written atomically; an existing identical entry is kept). */
export async function saveRunCache(project: Pick<Project, 'cacheDir'>, key: string, entry: LockStage): Promise<void> {
  const file = path.join(runsDir(project), key.slice(0, 2), key, runCacheValue(entry));
  try {
    await fs.access(file);
    return;
  } catch {
    // Not recorded yet.
  }
  await writeFileAtomic(file, dumpDvcYaml(lockStageToPlain(entry)), { durable: false });
}

/**
 * The newest readable entry recorded under `key`, or undefined. Unreadable entries are skipped
 * (DVC deletes them; Paddock leaves the cache for `fsck` to judge).
 */
export async function lookupRunCache(project: Pick<Project, 'cacheDir'>, key: string): Promise<LockStage | undefined> {
  const dir = path.join(runsDir(project), key.slice(0, 2), key);
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => /^[0-9a-f]{64}$/.test(n));
  } catch {
    return undefined;
  }
  const dated = await Promise.all(names.map(async (n) => ({ n, t: (await fs.stat(path.join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })));
  for (const { n } of dated.sort((a, b) => b.t - a.t)) {
    try {
      const file = path.join(dir, n);
      const raw = parseYaml(file, await fs.readFile(file, 'utf8'));
      return parseLockStage(raw, (_k, message) => {
        throw new Error(message);
      });
    } catch {
      continue;
    }
  }
  return undefined;
}
