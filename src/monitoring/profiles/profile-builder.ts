/**
 * The profile of a table: one numeric or categorical column profile per spec column, fed by
 * batches of column arrays (the prediction path's shape) or of row objects. Profiles of the
 * same spec merge: counts, histograms, category counts and HLL registers exactly, moments by
 * Chan's formula, quantile sketches and heavy hitters by their own merges (bounds kept), so
 * per-window and per-replica profiles add up to the profile of all their data.
 */
import { fail } from '../../core/errors.js';
import { CategoricalProfile, type CategoricalSummary } from './categorical-profile.js';
import { NumericProfile, type NumericSummary } from './numeric-profile.js';
import { parseProfileJson, PROFILE_FORMAT, PROFILE_VERSION, type ProfileJson } from './profile-json.js';
import { assertSameSpec, profileSpec, type ColumnSpec, type ProfileSpec } from './profile-spec.js';

/** A numeric column with a null mask: `missing[i] !== 0` marks row i as null. */
export interface MaskedNumbers {
  readonly values: Float64Array;
  readonly missing?: Uint8Array;
}

/**
 * One batch by column. Numeric columns are fastest as a Float64Array (no nulls) or
 * MaskedNumbers; any array with null/undefined, numbers, booleans or bigints works.
 * Categorical columns take arrays of strings (null/undefined are nulls).
 */
export type ColumnBatch = Readonly<Record<string, Float64Array | MaskedNumbers | ArrayLike<unknown>>>;

/** The summary of every column. */
export interface ProfileSummary {
  readonly rows: number;
  readonly columns: Readonly<Record<string, NumericSummary | CategoricalSummary>>;
}

type ColumnProfile = NumericProfile | CategoricalProfile;

/** Builds, merges and serializes the profile of a table against a fixed spec. */
export class ProfileBuilder {
  readonly spec: ProfileSpec;
  /** Rows ingested (or merged in). */
  rows = 0;
  private readonly profiles: ColumnProfile[];
  private scratch = { values: new Float64Array(0), missing: new Uint8Array(0) };

  constructor(spec: ProfileSpec) {
    this.spec = profileSpec(spec.columns, spec.options);
    this.profiles = this.spec.columns.map((c) => (c.kind === 'numeric' ? new NumericProfile(c, this.spec.options) : new CategoricalProfile(c, this.spec.options)));
  }

  /**
   * Adds a batch of `rows` rows (default: the length of its first spec column). A spec column
   * absent from the batch counts as null in every row, as the prediction path sends optional
   * inputs; a column of the wrong length is an error.
   */
  ingest(batch: ColumnBatch, rows?: number): void {
    const n = rows ?? this.batchLength(batch);
    this.spec.columns.forEach((spec, i) => {
      const input = batch[spec.name];
      const length = input === undefined ? n : lengthOf(input);
      if (length !== n) fail('INVALID_ARGUMENT', `profile batch: column '${spec.name}' has ${length} values, the batch ${n} rows; give every column one value per row`, { column: spec.name });
      const profile = this.profiles[i]!;
      if (profile.kind === 'categorical') profile.ingest(input === undefined ? new Array<undefined>(n) : (input as ArrayLike<unknown>), n);
      else this.ingestNumeric(profile, input, n);
    });
    this.rows += n;
  }

  /** Adds row objects (`row[column]`); slower than columns, for callers that hold rows. */
  ingestRows(rows: readonly Readonly<Record<string, unknown>>[]): void {
    const batch: Record<string, unknown[]> = {};
    for (const c of this.spec.columns) batch[c.name] = rows.map((r) => r[c.name]);
    this.ingest(batch, rows.length);
  }

  /** Folds `other` (built on an equal spec) into this profile. */
  mergeFrom(other: ProfileBuilder): this {
    assertSameSpec(this.spec, other.spec);
    this.profiles.forEach((p, i) => (p as { merge(o: ColumnProfile): void }).merge(other.profiles[i]!));
    this.rows += other.rows;
    return this;
  }

  /** A new profile of `a`'s and `b`'s data together; neither is changed. */
  static merge(a: ProfileBuilder, b: ProfileBuilder): ProfileBuilder {
    return ProfileBuilder.fromJSON(a.toJSON()).mergeFrom(b);
  }

  /** The profile of one column, or undefined. */
  column(name: string): ColumnProfile | undefined {
    const i = this.spec.columns.findIndex((c) => c.name === name);
    return i < 0 ? undefined : this.profiles[i];
  }

  summary(): ProfileSummary {
    return { rows: this.rows, columns: Object.fromEntries(this.profiles.map((p) => [p.name, p.summary()])) };
  }

  toJSON(): ProfileJson {
    const { kllK, hllPrecision, heavyHitters } = this.spec.options;
    return {
      format: PROFILE_FORMAT, version: PROFILE_VERSION,
      options: { kll_k: kllK, hll_precision: hllPrecision, heavy_hitters: heavyHitters },
      rows: this.rows,
      columns: this.profiles.map((p) => p.toJSON()),
    };
  }

  /** The profile from `toJSON()`'s output (or its JSON text), checked field by field. */
  static fromJSON(value: unknown, what?: string): ProfileBuilder {
    const json = parseProfileJson(value, what);
    const options = { kllK: json.options.kll_k, hllPrecision: json.options.hll_precision, heavyHitters: json.options.heavy_hitters };
    const columns: ColumnSpec[] = json.columns.map((c) => (c.kind === 'numeric' ? { name: c.name, kind: 'numeric', edges: c.edges } : { name: c.name, kind: 'categorical', categories: c.categories }));
    const builder = new ProfileBuilder({ columns, options });
    builder.rows = json.rows;
    json.columns.forEach((c, i) => (builder.profiles[i] = c.kind === 'numeric' ? NumericProfile.fromJSON(c, options) : CategoricalProfile.fromJSON(c, options)));
    return builder;
  }

  private batchLength(batch: ColumnBatch): number {
    for (const c of this.spec.columns) if (batch[c.name] !== undefined) return lengthOf(batch[c.name]!);
    return fail('INVALID_ARGUMENT', `profile batch: none of the profiled columns (${this.spec.columns.map((c) => c.name).join(', ')}) is present; pass the row count for an all-null batch`, {});
  }

  private ingestNumeric(profile: NumericProfile, input: ColumnBatch[string] | undefined, n: number): void {
    if (input instanceof Float64Array) return profile.ingest(input, undefined, n);
    if (input !== undefined && isMasked(input)) return profile.ingest(input.values, input.missing, n);
    const { values, missing } = this.scratchOf(n);
    for (let i = 0; i < n; i++) {
      const v = input === undefined ? null : (input as ArrayLike<unknown>)[i];
      missing[i] = v === null || v === undefined ? 1 : 0;
      values[i] = typeof v === 'number' ? v : typeof v === 'boolean' || typeof v === 'bigint' ? Number(v) : missing[i] ? 0 : NaN;
    }
    profile.ingest(values, missing, n);
  }

  /** Reused conversion buffers, so ingesting plain arrays allocates only when a batch is larger than any before. */
  private scratchOf(n: number): { values: Float64Array; missing: Uint8Array } {
    if (this.scratch.values.length < n) this.scratch = { values: new Float64Array(n), missing: new Uint8Array(n) };
    return this.scratch;
  }
}

function isMasked(input: object): input is MaskedNumbers {
  return (input as MaskedNumbers).values instanceof Float64Array;
}

function lengthOf(input: Float64Array | MaskedNumbers | ArrayLike<unknown>): number {
  if (isMasked(input)) {
    if (input.missing && input.missing.length < input.values.length) fail('INVALID_ARGUMENT', `profile batch: a null mask has ${input.missing.length} entries for ${input.values.length} values`, {});
    return input.values.length;
  }
  return (input as ArrayLike<unknown>).length;
}
