/**
 * The stored form of a profile (per-window profiles in the metadata database or the artifact
 * store): versioned JSON, arrays as plain numbers, HLL registers as base64. Read strictly: a
 * damaged or foreign document is refused with the field that is wrong, never half-loaded.
 */
import { z } from 'zod';
import { fail } from '../../core/errors.js';
import type { CategoricalProfileJson } from './categorical-profile.js';
import type { NumericProfileJson } from './numeric-profile.js';

/** The `format` tag and the current version of the stored form. */
export const PROFILE_FORMAT = 'paddock.profile';
export const PROFILE_VERSION = 1 as const;

const count = z.number().int().min(0);
const bound = z.union([z.number(), z.enum(['Infinity', '-Infinity']), z.null()]);
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 text');

const kll = z.strictObject({
  k: z.number().int(),
  n: count,
  min: z.number().nullable(),
  max: z.number().nullable(),
  seed: z.number().int().min(0).max(0xffffffff),
  levels: z.array(z.array(z.number())).min(1),
});

const numeric = z.strictObject({
  name: z.string(),
  kind: z.literal('numeric'),
  count, nulls: count, nan: count, infinite: count,
  min: bound, max: bound,
  mean: z.number(),
  m2: z.number().min(0),
  edges: z.array(z.number()),
  bins: z.array(count),
  below: count, above: count,
  kll,
  hll: base64,
}).refine((c) => c.bins.length === Math.max(0, c.edges.length - 1), { message: 'bins must have one count fewer than edges', path: ['bins'] });

const categorical = z.strictObject({
  name: z.string(),
  kind: z.literal('categorical'),
  count, nulls: count,
  categories: z.array(z.string()),
  counts: z.array(count),
  other: count,
  heavy: z.strictObject({ n: count, keys: z.array(z.string()), counts: z.array(count) }),
  hll: base64,
}).refine((c) => c.counts.length === c.categories.length, { message: 'counts must have one entry per category', path: ['counts'] });

const profile = z.strictObject({
  format: z.literal(PROFILE_FORMAT),
  version: z.literal(PROFILE_VERSION),
  options: z.strictObject({ kll_k: z.number().int(), hll_precision: z.number().int(), heavy_hitters: z.number().int() }),
  rows: count,
  columns: z.array(z.discriminatedUnion('kind', [numeric, categorical])),
});

/** A stored profile: the sketch sizes, the rows seen and each column's state, in spec order. */
export interface ProfileJson {
  readonly format: typeof PROFILE_FORMAT;
  readonly version: typeof PROFILE_VERSION;
  readonly options: { readonly kll_k: number; readonly hll_precision: number; readonly heavy_hitters: number };
  readonly rows: number;
  readonly columns: readonly (NumericProfileJson | CategoricalProfileJson)[];
}

/** Checks a parsed document (or JSON text) against the stored form; `what` names it in errors. */
export function parseProfileJson(value: unknown, what = 'profile'): ProfileJson {
  let doc = value;
  if (typeof value === 'string') {
    try {
      doc = JSON.parse(value);
    } catch (err) {
      fail('INVALID_ARGUMENT', `${what}: not JSON (${(err as Error).message})`, {}, err);
    }
  }
  const result = profile.safeParse(doc);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    fail('INVALID_ARGUMENT', `${what}: ${where}: ${issue.message}; a profile must be written by ProfileBuilder.toJSON (format '${PROFILE_FORMAT}', version ${PROFILE_VERSION})`, { field: where });
  }
  const json: ProfileJson = result.data;
  for (const c of json.columns) {
    if (c.kind === 'numeric' && c.kll.k !== json.options.kll_k) fail('INVALID_ARGUMENT', `${what}: column '${c.name}' has a KLL sketch with k ${c.kll.k}, the profile says ${json.options.kll_k}`, { column: c.name });
  }
  return json;
}
