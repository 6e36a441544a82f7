import type { OutSpec, ParamSpec } from '../model.js';
import { OUT_FIELDS, PLOT_PROPS, rejectUnknownKeys, stageError, type Origin } from './schema.js';
import { isRecord } from './yaml-source.js';

/** The params file a bare key refers to. */
export const DEFAULT_PARAMS_FILE = 'params.yaml';

/**
 * A stage's `params` list as DVC merges it (dvc/dependency/__init__.py `_merge_params`): bare
 * keys belong to params.yaml; `{file: null}` or `{file: []}` tracks the whole file, which
 * then wins over any keys listed for it.
 */
export function normalizeParams(entries: readonly unknown[], origin: Origin): ParamSpec[] {
  const whole = new Set<string>();
  for (const entry of entries) {
    if (isRecord(entry)) for (const [file, keys] of Object.entries(entry)) if (keys === null || (Array.isArray(keys) && keys.length === 0)) whole.add(file);
  }
  const byFile = new Map<string, string[] | null>();
  const add = (file: string, keys: readonly string[] | null) => {
    if (whole.has(file) || keys === null) return byFile.set(file, null);
    const list = byFile.get(file) ?? [];
    for (const k of keys) if (!list.includes(k)) list.push(k);
    byFile.set(file, list);
  };
  entries.forEach((entry, i) => {
    if (typeof entry === 'string' && entry !== '') add(DEFAULT_PARAMS_FILE, [entry]);
    else if (isRecord(entry)) {
      for (const [file, keys] of Object.entries(entry)) {
        if (keys === null || (Array.isArray(keys) && keys.every((k) => typeof k === 'string' && k !== ''))) add(file, keys as string[] | null);
        else stageError(origin, ['params', i, file], `params of '${file}' must be a list of keys, or empty to track the whole file`);
      }
    } else stageError(origin, ['params', i], 'each params entry must be a key of params.yaml or {file: [keys]}');
  });
  return [...byFile].map(([file, keys]) => ({ file, keys }));
}

/** The `outs`, `metrics` or `plots` list of a stage as OutSpecs (defaults: cache and push on). */
export function normalizeOuts(entries: readonly unknown[], kind: OutSpec['kind'], origin: Origin): OutSpec[] {
  return entries.map((entry, i) => {
    if (typeof entry === 'string' && entry !== '') return { path: entry, kind, cache: true, persist: false, push: true };
    const pairs = isRecord(entry) ? Object.entries(entry) : [];
    if (pairs.length !== 1) return stageError(origin, [kind, i], `each ${kind} entry must be a path or {path: {options}}`);
    const [outPath, raw] = pairs[0]!;
    const options = raw ?? {};
    if (!isRecord(options)) return stageError(origin, [kind, i, outPath], `options of '${outPath}' must be a mapping`);
    const valid = kind === 'plots' ? [...OUT_FIELDS, ...PLOT_PROPS] : OUT_FIELDS;
    rejectUnknownKeys(options, valid, origin, [kind, i, outPath], `${kind} option`);
    const flag = (name: string, dflt: boolean): boolean => {
      const v = options[name];
      if (v === undefined) return dflt;
      if (typeof v !== 'boolean') stageError(origin, [kind, i, outPath, name], `'${name}' of '${outPath}' must be true or false`);
      return v as boolean;
    };
    const text = (name: string): string | undefined => {
      const v = options[name];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string') stageError(origin, [kind, i, outPath, name], `'${name}' of '${outPath}' must be a string`);
      return v as string;
    };
    const plot = kind === 'plots' ? Object.fromEntries(PLOT_PROPS.filter((p) => options[p] !== undefined).map((p) => [p, options[p]])) : undefined;
    const spec: OutSpec = {
      path: outPath,
      kind,
      cache: flag('cache', true),
      persist: flag('persist', false),
      push: flag('push', true),
      ...(text('remote') !== undefined ? { remote: text('remote') } : {}),
      ...(text('desc') !== undefined ? { desc: text('desc') } : {}),
      ...(plot ? { plot } : {}),
    };
    return spec;
  });
}
