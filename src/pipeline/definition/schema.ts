import { z } from 'zod';
import { fail } from '../../core/errors.js';
import { nearest } from '../../core/nearest.js';

/** Top-level keys of a dvc.yaml (dvc/schema.py MULTI_STAGE_SCHEMA). */
export const TOP_LEVEL_FIELDS = ['stages', 'vars', 'params', 'metrics', 'plots', 'artifacts', 'datasets'] as const;

/** Fields of a stage definition (dvc/schema.py STAGE_DEFINITION). */
export const STAGE_FIELDS = ['cmd', 'wdir', 'deps', 'params', 'outs', 'metrics', 'plots', 'vars', 'frozen', 'always_changed', 'desc', 'meta'] as const;

/** Fields of a foreach generator entry. */
export const FOREACH_FIELDS = ['foreach', 'do'] as const;

/** Options of an `outs`/`metrics` entry (`checkpoint`, `type`, `labels`, `meta` are accepted and ignored). */
export const OUT_FIELDS = ['cache', 'persist', 'checkpoint', 'remote', 'push', 'desc', 'type', 'labels', 'meta'] as const;

/** Plot options on top of {@link OUT_FIELDS}. */
export const PLOT_PROPS = ['template', 'x', 'y', 'x_label', 'y_label', 'title', 'header'] as const;

/** Stage names may hold no punctuation except `_` and `-` (dvc/stage/utils.py is_valid_name). */
export const INVALID_STAGE_NAME = /[!"#$%&'()*+,./:;<=>?@[\\\]^`{|}~]/;

/** The types of a stage after templating; lists of entries are checked by normalize.ts. */
export const stageSchema = z.strictObject({
  cmd: z.union([z.string(), z.array(z.string()).min(1)]),
  wdir: z.string().min(1).optional(),
  deps: z.array(z.string().min(1)).optional(),
  params: z.array(z.unknown()).optional(),
  outs: z.array(z.unknown()).optional(),
  metrics: z.array(z.unknown()).optional(),
  plots: z.array(z.unknown()).optional(),
  vars: z.array(z.unknown()).optional(),
  frozen: z.boolean().optional(),
  always_changed: z.boolean().optional(),
  desc: z.string().optional(),
  meta: z.unknown().optional(),
});

/** A validated stage definition. */
export type StageDefinition = z.output<typeof stageSchema>;

/** Where a definition came from, for messages. */
export interface Origin {
  readonly file: string;
  readonly stage: string;
  /** Line of a key path in the YAML file. */
  line(keyPath: readonly (string | number)[]): number;
  /** Key path of the stage's definition body in the YAML file. */
  readonly rawPath: readonly (string | number)[];
}

/** STAGE_INVALID for the first key of `value` not in `valid`, naming file:line and the nearest valid field. */
export function rejectUnknownKeys(value: Readonly<Record<string, unknown>>, valid: readonly string[], origin: Origin, keyPath: readonly (string | number)[], what: string): void {
  for (const key of Object.keys(value)) {
    if (valid.includes(key)) continue;
    const suggestion = nearest(key, valid);
    const line = origin.line([...origin.rawPath, ...keyPath, key]);
    fail(
      'STAGE_INVALID',
      `${origin.file}:${line}: stage '${origin.stage}': unknown ${what} '${key}'${suggestion ? `; did you mean '${suggestion}'?` : ''} (valid: ${valid.join(', ')})`,
      { file: origin.file, line, stage: origin.stage, field: key, suggestion },
    );
  }
}

/** Validates a templated stage against {@link stageSchema}; STAGE_INVALID naming file:line and field. */
export function validateStage(def: unknown, origin: Origin): StageDefinition {
  const result = stageSchema.safeParse(def);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keyPath = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
  if (issue.code === 'unrecognized_keys') rejectUnknownKeys(def as Record<string, unknown>, STAGE_FIELDS, origin, [], 'field');
  const line = origin.line([...origin.rawPath, ...keyPath]);
  const field = keyPath.length ? keyPath.join('.') : 'definition';
  const missing = keyPath.length === 1 && (def as Record<string, unknown>)[String(keyPath[0])] === undefined;
  const message = missing ? 'is required' : `is invalid: ${issue.message.replace(/^Invalid input: /, '')}`;
  return fail('STAGE_INVALID', `${origin.file}:${line}: stage '${origin.stage}': '${field}' ${message}`, { file: origin.file, line, stage: origin.stage, field });
}

/** STAGE_INVALID at a key path of the stage. */
export function stageError(origin: Origin, keyPath: readonly (string | number)[], message: string): never {
  const line = origin.line([...origin.rawPath, ...keyPath]);
  return fail('STAGE_INVALID', `${origin.file}:${line}: stage '${origin.stage}': ${message}`, { file: origin.file, line, stage: origin.stage, field: keyPath.join('.') });
}
