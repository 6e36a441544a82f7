/**
 * The profile of one categorical column: rows and nulls, exact counts of the reference's
 * categories, an exact "other" count of everything else with Misra–Gries heavy hitters
 * naming the frequent ones among them, and a HyperLogLog of distinct values. Memory is fixed
 * by the spec (categories, counters, precision), not by the traffic or the cardinality.
 *
 * The hot path costs one Map lookup per value for a reference category; a value's hash is
 * added to the HLL only when it first gets a count in this profile (HLL insertion is
 * idempotent, so the registers are those of hashing every value).
 */
import { fail } from '../../core/errors.js';
import { HeavyHitters, type HeavyHittersJson } from './heavy-hitters.js';
import { HyperLogLog, hashString } from './hyperloglog.js';
import type { CategoricalColumnSpec, SketchOptions } from './profile-spec.js';

/** The serialized column: `counts[i]` is the count of `categories[i]`. */
export interface CategoricalProfileJson {
  readonly name: string;
  readonly kind: 'categorical';
  readonly count: number;
  readonly nulls: number;
  readonly categories: readonly string[];
  readonly counts: readonly number[];
  readonly other: number;
  readonly heavy: HeavyHittersJson;
  readonly hll: string;
}

/** One category in a summary; `exact` is false for a heavy-hitter estimate (a lower bound). */
export interface CategoryCount {
  readonly value: string;
  readonly count: number;
  readonly exact: boolean;
}

/** What `summary()` reports for a categorical column. */
export interface CategoricalSummary {
  readonly kind: 'categorical';
  readonly count: number;
  readonly nulls: number;
  /** The most frequent categories, largest first. */
  readonly top: readonly CategoryCount[];
  /** Non-null values not among `top`. */
  readonly other: number;
  /** How far any non-exact count in `top` may fall short. */
  readonly maxError: number;
  readonly distinct: number;
}

/** Categories a summary lists. */
export const SUMMARY_TOP = 20;

/** Mergeable statistics of one categorical column. */
export class CategoricalProfile {
  readonly kind = 'categorical';
  readonly name: string;
  readonly categories: readonly string[];
  private readonly index: Map<string, number>;
  private readonly hashes: Uint32Array;
  readonly counts: Float64Array;
  /** Rows seen, nulls included. */
  count = 0;
  nulls = 0;
  /** Non-null values outside the reference's categories (exact). */
  other = 0;
  readonly heavy: HeavyHitters;
  readonly hll: HyperLogLog;

  constructor(spec: CategoricalColumnSpec, options: SketchOptions) {
    this.name = spec.name;
    this.categories = [...spec.categories];
    this.index = new Map(this.categories.map((c, i) => [c, i]));
    this.hashes = Uint32Array.from(this.categories, hashString);
    this.counts = new Float64Array(this.categories.length);
    this.heavy = new HeavyHitters(options.heavyHitters);
    this.hll = new HyperLogLog(options.hllPrecision);
  }

  /** Adds values[0…length): null/undefined are nulls, numbers and booleans count as their text. */
  ingest(values: ArrayLike<unknown>, length: number): void {
    const { index, counts, hashes, heavy, hll } = this;
    let nulls = 0;
    let other = 0;
    for (let i = 0; i < length; i++) {
      const raw = values[i];
      if (raw === null || raw === undefined) {
        nulls++;
        continue;
      }
      const value = typeof raw === 'string' ? raw : String(raw);
      const j = index.get(value);
      if (j !== undefined) {
        const c = counts[j]!;
        counts[j] = c + 1;
        if (c === 0) hll.addHash(hashes[j]!);
      } else {
        other++;
        if (heavy.add(value)) hll.addHash(hashString(value));
      }
    }
    this.count += length;
    this.nulls += nulls;
    this.other += other;
  }

  /** Folds `other` (a profile of the same spec) into this one. */
  merge(that: CategoricalProfile): void {
    this.count += that.count;
    this.nulls += that.nulls;
    this.other += that.other;
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += that.counts[i]!;
    this.heavy.merge(that.heavy);
    this.hll.merge(that.hll);
  }

  /** Exact counts over the reference's categories plus one exact bucket for everything else (what drift tests compare). */
  frequencies(): { readonly categories: Readonly<Record<string, number>>; readonly other: number } {
    return { categories: Object.fromEntries(this.categories.map((c, i) => [c, this.counts[i]!])), other: this.other };
  }

  summary(top = SUMMARY_TOP): CategoricalSummary {
    const exact: CategoryCount[] = this.categories.map((value, i) => ({ value, count: this.counts[i]!, exact: true }));
    const estimated: CategoryCount[] = this.heavy.top().map(([value, count]) => ({ value, count, exact: false }));
    const listed = [...exact.filter((c) => c.count > 0), ...estimated].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, top);
    const nonNull = this.count - this.nulls;
    return {
      kind: 'categorical', count: this.count, nulls: this.nulls, top: listed,
      other: nonNull - listed.reduce((s, c) => s + c.count, 0),
      maxError: this.heavy.maxError(),
      distinct: this.hll.estimate(),
    };
  }

  toJSON(): CategoricalProfileJson {
    return {
      name: this.name, kind: 'categorical', count: this.count, nulls: this.nulls,
      categories: [...this.categories], counts: Array.from(this.counts), other: this.other,
      heavy: this.heavy.toJSON(), hll: this.hll.toBase64(),
    };
  }

  static fromJSON(json: CategoricalProfileJson, options: SketchOptions): CategoricalProfile {
    if (json.counts.length !== json.categories.length) fail('INVALID_ARGUMENT', `profile column '${json.name}': ${json.categories.length} categories but ${json.counts.length} counts; the stored profile is damaged`, { column: json.name });
    const p = new CategoricalProfile({ name: json.name, kind: 'categorical', categories: json.categories }, options);
    Object.assign(p, {
      count: json.count, nulls: json.nulls, other: json.other,
      heavy: HeavyHitters.fromJSON(options.heavyHitters, json.heavy), hll: HyperLogLog.fromBase64(options.hllPrecision, json.hll),
    });
    p.counts.set(json.counts);
    return p;
  }
}
