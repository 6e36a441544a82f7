import { fail } from '../../core/errors.js';
import { resolveValue, TemplateError, toStr } from './interpolate.js';
import { FOREACH_FIELDS, INVALID_STAGE_NAME, rejectUnknownKeys, type Origin } from './schema.js';
import { isRecord } from './yaml-source.js';

/** One stage to resolve: a plain stage, or one instance of a foreach/matrix group. */
export interface StageInstance {
  readonly name: string;
  /** The definition body (without foreach/do/matrix). */
  readonly definition: Readonly<Record<string, unknown>>;
  /** `item` (and `key`) for generated stages. */
  readonly extras: Readonly<Record<string, unknown>>;
  /** Key path of the body in the YAML file. */
  readonly rawPath: readonly (string | number)[];
}

/** DVC joins a group name and its key with `@` (dvc/parsing JOIN). */
export const JOIN = '@';

/**
 * Expands one `stages:` entry. `foreach` over a dict names stages `name@key`; over a list of
 * primitives `name@value`; over a list holding any list or dict, `name@index`. A `matrix` is
 * the product of its lists, named `name@frag1-frag2` (a composite value's fragment is
 * `<key><index>`).
 */
export function expandEntry(name: string, entry: unknown, context: Readonly<Record<string, unknown>>, origin: Origin): StageInstance[] {
  if (name === '' || INVALID_STAGE_NAME.test(name)) {
    fail('STAGE_INVALID', `${origin.file}:${origin.line(['stages', name])}: invalid stage name '${name}': use letters, digits, '_' and '-' only`, { file: origin.file, stage: name });
  }
  if (!isRecord(entry)) fail('STAGE_INVALID', `${origin.file}:${origin.line(['stages', name])}: stage '${name}' must be a mapping of fields (cmd, deps, outs, …)`, { file: origin.file, stage: name });
  if ('foreach' in entry) return expandForeach(name, entry, context, origin);
  if ('matrix' in entry) return expandMatrix(name, entry, context, origin);
  return [{ name, definition: entry, extras: {}, rawPath: ['stages', name] }];
}

function expandForeach(name: string, entry: Record<string, unknown>, context: Readonly<Record<string, unknown>>, origin: Origin): StageInstance[] {
  rejectUnknownKeys(entry, FOREACH_FIELDS, origin, [], 'foreach field');
  const body = entry.do;
  if (!isRecord(body)) fail('STAGE_INVALID', `${origin.file}:${origin.line(['stages', name])}: stage '${name}': foreach needs a 'do' mapping with the stage definition`, { file: origin.file, stage: name, field: 'do' });
  const data = resolveGenerator(entry.foreach, context, 'foreach', origin);
  const instances = new Map<string, { item: unknown; key?: string }>();
  if (isRecord(data)) {
    for (const [key, item] of Object.entries(data)) instances.set(key, { item, key });
  } else if (Array.isArray(data)) {
    const composite = data.some((v) => Array.isArray(v) || isRecord(v));
    data.forEach((item, index) => instances.set(composite ? String(index) : toStr(item), { item }));
  } else {
    fail('STAGE_INVALID', `${origin.file}:${origin.line(['stages', name, 'foreach'])}: stage '${name}': foreach must be a list, a mapping or a \${…} reference to one`, { file: origin.file, stage: name, field: 'foreach' });
  }
  return [...instances].map(([key, v]) => ({
    name: `${name}${JOIN}${key}`,
    definition: body,
    extras: v.key === undefined ? { item: v.item } : { item: v.item, key: v.key },
    rawPath: ['stages', name, 'do'],
  }));
}

function expandMatrix(name: string, entry: Record<string, unknown>, context: Readonly<Record<string, unknown>>, origin: Origin): StageInstance[] {
  const matrix = resolveGenerator(entry.matrix, context, 'matrix', origin);
  if (!isRecord(matrix)) fail('STAGE_INVALID', `${origin.file}:${origin.line(['stages', name, 'matrix'])}: stage '${name}': matrix must map names to lists`, { file: origin.file, stage: name, field: 'matrix' });
  const axes = Object.entries(matrix).map(([key, values]) => {
    const list = typeof values === 'string' ? resolveGenerator(values, context, 'matrix', origin) : values;
    if (!Array.isArray(list)) fail('STAGE_INVALID', `${origin.file}:${origin.line(['stages', name, 'matrix', key])}: stage '${name}': matrix '${key}' must be a list`, { file: origin.file, stage: name, field: `matrix.${key}` });
    return { key, list };
  });
  const { matrix: _dropped, ...body } = entry;
  let combos: { item: Record<string, unknown>; fragments: string[] }[] = [{ item: {}, fragments: [] }];
  for (const { key, list } of axes) {
    combos = combos.flatMap((c) =>
      list.map((value, index) => ({
        item: { ...c.item, [key]: value },
        fragments: [...c.fragments, Array.isArray(value) || isRecord(value) ? `${key}${index}` : toStr(value)],
      })),
    );
  }
  const byKey = new Map(combos.map((c) => [c.fragments.join('-'), c.item]));
  return [...byKey].map(([key, item]) => ({ name: `${name}${JOIN}${key}`, definition: body, extras: { item, key }, rawPath: ['stages', name] }));
}

function resolveGenerator(value: unknown, context: Readonly<Record<string, unknown>>, field: 'foreach' | 'matrix', origin: Origin): unknown {
  try {
    return resolveValue(value, context, field);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const line = origin.line([...origin.rawPath, field]);
    return fail('TEMPLATE_INVALID', `${origin.file}:${line}: stage '${origin.stage}': ${field}: ${describe(err)}`, { file: origin.file, line, stage: origin.stage, key: err.missingKey });
  }
}

/** A TemplateError as a message, saying where a missing key was looked for. */
export function describe(err: TemplateError): string {
  return err.missingKey ? `'${err.missingKey}' is not defined in params.yaml, vars or the foreach/matrix item` : err.message;
}
