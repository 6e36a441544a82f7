import path from 'node:path';
import { fail } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { DEFAULT_PARAMS_FILE } from '../definition/normalize.js';
import { workspaceTree, type Tree } from '../definition/tree.js';
import type { Stage } from '../model.js';
import { getDotted, parseParamsText } from './params-file.js';

/**
 * The values of a stage's params as dvc.lock records them: params.yaml first, then the other
 * files alphabetically; keys sorted (not recursively) and kept as written (`train.lr`), each
 * with its nested value. A whole-file entry records every top-level key. A missing file or
 * key → PARAM_MISSING naming both.
 */
export async function readParams(project: Pick<Project, 'root'>, stage: Stage, tree: Tree = workspaceTree(project.root)): Promise<Record<string, Record<string, unknown>>> {
  const files = [...stage.params].sort((a, b) => order(a.file, b.file));
  const out: Record<string, Record<string, unknown>> = {};
  for (const spec of files) {
    const abs = path.resolve(stage.wdir, spec.file);
    const text = await tree.read(abs);
    if (text === undefined) {
      fail('PARAM_MISSING', `stage '${stage.name}' (${stage.file}): params file '${spec.file}' does not exist (looked for ${abs})`, { stage: stage.name, file: abs });
    }
    const config = parseParamsText(abs, text);
    const values: Record<string, unknown> = {};
    if (spec.keys === null) {
      for (const key of Object.keys(config).sort()) values[key] = config[key];
    } else {
      const missing = spec.keys.filter((k) => !getDotted(config, k).found);
      if (missing.length) {
        fail('PARAM_MISSING', `stage '${stage.name}' (${stage.file}): ${missing.map((k) => `'${k}'`).join(', ')} missing from params file ${abs}`, { stage: stage.name, file: abs, keys: missing });
      }
      for (const key of [...spec.keys].sort()) values[key] = getDotted(config, key).value;
    }
    out[spec.file] = values;
  }
  return out;
}

function order(a: string, b: string): number {
  if (a === b) return 0;
  if (a === DEFAULT_PARAMS_FILE) return -1;
  if (b === DEFAULT_PARAMS_FILE) return 1;
  return a < b ? -1 : 1;
}
