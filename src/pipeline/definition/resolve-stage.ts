import path from 'node:path';
import { fail } from '../../core/errors.js';
import type { Stage } from '../model.js';
import { addVars, type TemplateContext } from './context.js';
import { describe, type StageInstance } from './expand.js';
import { resolveValue, TemplateError } from './interpolate.js';
import { normalizeOuts, normalizeParams } from './normalize.js';
import { rejectUnknownKeys, STAGE_FIELDS, stageError, validateStage, type Origin } from './schema.js';
import type { Tree } from './tree.js';
import { plain } from './yaml-source.js';

/**
 * Templates one stage instance and turns it into a Stage: `wdir` first (with the file's
 * context only, as DVC does), then stage `vars` relative to wdir, then every other field.
 */
export async function resolveStage(tree: Tree, dvcFile: string, context: TemplateContext, instance: StageInstance, lineOf: (keyPath: readonly (string | number)[]) => number): Promise<Stage> {
  const origin: Origin = { file: dvcFile, stage: instance.name, line: lineOf, rawPath: instance.rawPath };
  const def = instance.definition;
  rejectUnknownKeys(def, STAGE_FIELDS, origin, [], 'field');
  const base = { ...context.values, ...instance.extras };
  const wdirText = def.wdir === undefined ? '.' : template(def.wdir, base, 'wdir', origin);
  if (typeof wdirText !== 'string' || wdirText === '') stageError(origin, ['wdir'], "'wdir' must be a path");
  const wdir = path.resolve(path.dirname(dvcFile), wdirText as string);
  const withVars = await addVars(tree, { values: base, imported: context.imported }, wdir, def.vars, {
    file: dvcFile,
    what: `stage '${instance.name}'`,
    line: (i) => lineOf([...instance.rawPath, 'vars', ...(i >= 0 ? [i] : [])]),
  });
  const values = { ...withVars.values, ...instance.extras };
  const resolved: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(def)) {
    if (field === 'vars') continue;
    resolved[field] = field === 'wdir' ? wdirText : plain(template(value, values, field, origin));
  }
  const valid = validateStage(resolved, origin);
  return {
    name: instance.name,
    file: dvcFile,
    wdir,
    cmd: valid.cmd,
    deps: valid.deps ?? [],
    params: normalizeParams(valid.params ?? [], origin),
    outs: [...normalizeOuts(valid.outs ?? [], 'outs', origin), ...normalizeOuts(valid.metrics ?? [], 'metrics', origin), ...normalizeOuts(valid.plots ?? [], 'plots', origin)],
    frozen: valid.frozen ?? false,
    alwaysChanged: valid.always_changed ?? false,
    ...(valid.desc !== undefined ? { desc: valid.desc } : {}),
    ...(valid.meta !== undefined ? { meta: valid.meta } : {}),
  };
}

function template(value: unknown, context: Readonly<Record<string, unknown>>, field: string, origin: Origin): unknown {
  try {
    return resolveValue(value, context, field);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const line = origin.line([...origin.rawPath, field]);
    return fail('TEMPLATE_INVALID', `${origin.file}:${line}: stage '${origin.stage}': ${field}: ${describe(err)}`, {
      file: origin.file,
      line,
      stage: origin.stage,
      field,
      key: err.missingKey,
    });
  }
}
