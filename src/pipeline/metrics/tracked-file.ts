import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Project } from '../../core/project.js';
import type { Tree } from '../definition/tree.js';
import { isRecord, parseYaml } from '../definition/yaml-source.js';
import type { Stage } from '../model.js';

/**
 * The text of a stage output at a tree. Metrics and plots are usually committed to git
 * (`cache: false`); when one is not in the tree, its md5 from the dvc.lock of that tree is
 * looked up in the cache (DVC 3 layout), as `dvc metrics diff` does for cached outputs.
 */
export async function readOutput(project: Pick<Project, 'cacheDir'>, tree: Tree, absPath: string, producer?: Stage): Promise<string | undefined> {
  const text = await tree.read(absPath);
  if (text !== undefined || !producer || tree.name === 'workspace') return text;
  const lockFile = path.join(path.dirname(producer.file), 'dvc.lock');
  const lockText = await tree.read(lockFile);
  if (lockText === undefined) return undefined;
  let md5: unknown;
  try {
    const lock = parseYaml(lockFile, lockText);
    const stage = isRecord(lock) && isRecord(lock.stages) ? lock.stages[producer.name] : undefined;
    const outs = isRecord(stage) && Array.isArray(stage.outs) ? stage.outs : [];
    md5 = outs.find((o) => isRecord(o) && typeof o.path === 'string' && path.resolve(producer.wdir, o.path) === absPath)?.md5;
  } catch {
    return undefined;
  }
  if (typeof md5 !== 'string' || !/^[0-9a-f]{32}$/.test(md5)) return undefined;
  return readFile(path.join(project.cacheDir, 'files', 'md5', md5.slice(0, 2), md5.slice(2)), 'utf8').catch(() => undefined);
}
