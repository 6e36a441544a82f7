/**
 * What a profile measures, fixed once from the reference: each column's kind, the bin edges of
 * a numeric column and the categories of a categorical one, and the sketch sizes. Two profiles
 * merge only when their specs are equal, so every window of a deployment is profiled on the
 * same bins and categories as its reference.
 */
import { fail } from '../../core/errors.js';
import { columnKind, type DataSchema } from '../../validation/index.js';
import { HEAVY_HITTERS } from './heavy-hitters.js';
import { HLL_PRECISION } from './hyperloglog.js';
import { KLL_K } from './kll-sketch.js';

/** A numeric column: histogram bins are [edges[i], edges[i+1]), the last one closed. */
export interface NumericColumnSpec {
  readonly name: string;
  readonly kind: 'numeric';
  /** Strictly increasing finite edges (fewer than 2: no histogram). */
  readonly edges: readonly number[];
}

/** A categorical column: the reference's categories are counted exactly, the rest by heavy hitters. */
export interface CategoricalColumnSpec {
  readonly name: string;
  readonly kind: 'categorical';
  readonly categories: readonly string[];
}

export type ColumnSpec = NumericColumnSpec | CategoricalColumnSpec;

/** Sketch sizes: memory per column is a function of these alone. */
export interface SketchOptions {
  /** KLL accuracy parameter (rank error ≈ 1.65 % at 200). */
  readonly kllK: number;
  /** HyperLogLog precision (2^p one-byte registers). */
  readonly hllPrecision: number;
  /** Misra–Gries counters for categories the reference did not have. */
  readonly heavyHitters: number;
}

export const DEFAULT_SKETCH_OPTIONS: SketchOptions = { kllK: KLL_K, hllPrecision: HLL_PRECISION, heavyHitters: HEAVY_HITTERS };

/** Most categories a spec counts exactly (the rest of a column's values go to heavy hitters). */
export const MAX_CATEGORIES = 1000;

/** The columns and sketch sizes of a profile. */
export interface ProfileSpec {
  readonly columns: readonly ColumnSpec[];
  readonly options: SketchOptions;
}

/** A checked spec: unique column names, increasing finite edges, unique categories. */
export function profileSpec(columns: readonly ColumnSpec[], options: Partial<SketchOptions> = {}): ProfileSpec {
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) fail('INVALID_ARGUMENT', `profile spec: column '${c.name}' appears twice; name each column once`, { column: c.name });
    seen.add(c.name);
    if (c.kind === 'numeric') checkEdges(c);
    else checkCategories(c);
  }
  return { columns: columns.map(copyColumn), options: { ...DEFAULT_SKETCH_OPTIONS, ...options } };
}

function checkEdges(c: NumericColumnSpec): void {
  c.edges.forEach((e, i) => {
    if (!Number.isFinite(e) || (i > 0 && e <= c.edges[i - 1]!)) {
      fail('INVALID_ARGUMENT', `profile spec: column '${c.name}' bin edge ${i} (${e}) must be finite and greater than the one before`, { column: c.name });
    }
  });
}

function checkCategories(c: CategoricalColumnSpec): void {
  if (c.categories.length > MAX_CATEGORIES) fail('INVALID_ARGUMENT', `profile spec: column '${c.name}' has ${c.categories.length} categories; keep at most ${MAX_CATEGORIES} (the rest are tracked as heavy hitters)`, { column: c.name });
  if (new Set(c.categories).size !== c.categories.length) fail('INVALID_ARGUMENT', `profile spec: column '${c.name}' lists a category twice`, { column: c.name });
}

function copyColumn(c: ColumnSpec): ColumnSpec {
  return c.kind === 'numeric' ? { name: c.name, kind: 'numeric', edges: [...c.edges] } : { name: c.name, kind: 'categorical', categories: [...c.categories] };
}

/** Fails unless two specs are equal (the condition for merging their profiles), naming the first difference. */
export function assertSameSpec(a: ProfileSpec, b: ProfileSpec): void {
  const differ = (what: string): never => fail('INVALID_ARGUMENT', `profiles cannot merge: ${what}; profile both windows against the same reference`, {});
  for (const key of ['kllK', 'hllPrecision', 'heavyHitters'] as const) if (a.options[key] !== b.options[key]) differ(`${key} is ${a.options[key]} in one and ${b.options[key]} in the other`);
  if (a.columns.length !== b.columns.length) differ(`one has ${a.columns.length} columns, the other ${b.columns.length}`);
  a.columns.forEach((ca, i) => {
    const cb = b.columns[i]!;
    if (ca.name !== cb.name || ca.kind !== cb.kind) differ(`column ${i + 1} is '${ca.name}' (${ca.kind}) in one and '${cb.name}' (${cb.kind}) in the other`);
    const [xa, xb] = ca.kind === 'numeric' ? [ca.edges, (cb as NumericColumnSpec).edges] : [ca.categories, (cb as CategoricalColumnSpec).categories];
    if (xa.length !== xb.length || xa.some((x, j) => x !== xb[j])) differ(`column '${ca.name}' has different ${ca.kind === 'numeric' ? 'bin edges' : 'categories'}`);
  });
}

/**
 * A spec from a validation schema with statistics (what model packages carry today as
 * reference-profile.yaml): numeric columns take the schema's histogram edges, string columns
 * its frequency keys (or domain). Columns without statistics are profiled without bins or
 * categories; temporal and other columns are left out.
 */
export function specFromSchema(schema: DataSchema, options: Partial<SketchOptions> = {}): ProfileSpec {
  const columns: ColumnSpec[] = [];
  for (const [name, col] of Object.entries(schema.columns)) {
    const kind = columnKind(col.type);
    if (kind === 'numeric') columns.push({ name, kind: 'numeric', edges: increasing(col.stats?.histogram?.edges ?? []) });
    else if (kind === 'string' || kind === 'boolean') columns.push({ name, kind: 'categorical', categories: Object.keys(col.stats?.frequencies ?? {}).concat(col.stats?.frequencies ? [] : [...(col.domain ?? [])]) });
  }
  return profileSpec(columns, options);
}

/** Edges with repeats dropped (a constant column's edges can coincide). */
export function increasing(edges: readonly number[]): number[] {
  return edges.filter((e, i) => Number.isFinite(e) && (i === 0 || e > edges[i - 1]!));
}
