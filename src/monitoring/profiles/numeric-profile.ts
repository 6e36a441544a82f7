/**
 * The profile of one numeric column: counts (rows, nulls, NaN, infinities), min/max, mean and
 * M2 merged with Chan et al.'s parallel formula, a histogram on the reference's bin edges, a
 * KLL quantile sketch and a HyperLogLog of distinct values. Memory is fixed by the spec
 * (edges, k, precision), not by the traffic.
 *
 * Moments: each batch is summed in two passes (mean, then squared deviations from it), which
 * is as accurate as the data allows, and folded into the running state with Chan's update,
 * so a profile merged from windows agrees with one built from the concatenated data to
 * rounding (≈1e-15 relative), and counts, min/max, histogram and HLL registers agree exactly.
 */
import { HyperLogLog, hashNumber } from './hyperloglog.js';
import { KllSketch, type KllJson } from './kll-sketch.js';
import type { NumericColumnSpec, SketchOptions } from './profile-spec.js';

/** The serialized column. Non-finite min/max are written as strings ('Infinity'), empty as null. */
export interface NumericProfileJson {
  readonly name: string;
  readonly kind: 'numeric';
  readonly count: number;
  readonly nulls: number;
  readonly nan: number;
  readonly infinite: number;
  readonly min: number | string | null;
  readonly max: number | string | null;
  readonly mean: number;
  readonly m2: number;
  readonly edges: readonly number[];
  readonly bins: readonly number[];
  readonly below: number;
  readonly above: number;
  readonly kll: KllJson;
  readonly hll: string;
}

/** Quantiles a summary reports. */
export const SUMMARY_QUANTILES = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99] as const;

/** What `summary()` reports for a numeric column. */
export interface NumericSummary {
  readonly kind: 'numeric';
  readonly count: number;
  readonly nulls: number;
  readonly nan: number;
  readonly infinite: number;
  readonly mean: number | null;
  /** Sample standard deviation (n − 1). */
  readonly std: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly quantiles: Readonly<Record<string, number>>;
  readonly rankError: number;
  readonly histogram: { readonly edges: readonly number[]; readonly counts: readonly number[]; readonly below: number; readonly above: number };
  readonly distinct: number;
}

/** Mergeable statistics of one numeric column. */
export class NumericProfile {
  readonly kind = 'numeric';
  readonly name: string;
  readonly edges: Float64Array;
  /** Rows seen, nulls included. */
  count = 0;
  nulls = 0;
  nan = 0;
  infinite = 0;
  min = Infinity;
  max = -Infinity;
  /** Finite values and their mean and sum of squared deviations. */
  valid = 0;
  mean = 0;
  m2 = 0;
  readonly bins: Float64Array;
  below = 0;
  above = 0;
  readonly kll: KllSketch;
  readonly hll: HyperLogLog;

  constructor(spec: NumericColumnSpec, options: SketchOptions) {
    this.name = spec.name;
    this.edges = Float64Array.from(spec.edges);
    this.bins = new Float64Array(Math.max(0, spec.edges.length - 1));
    this.kll = new KllSketch(options.kllK);
    this.hll = new HyperLogLog(options.hllPrecision);
  }

  /** Adds values[0…length); `missing[i] !== 0` marks a null. NaN and ±Infinity are counted apart from the moments. */
  ingest(values: Float64Array, missing: Uint8Array | undefined, length: number): void {
    const { edges, bins, kll, hll } = this;
    const last = edges.length - 1;
    const lo = last > 0 ? edges[0]! : 0;
    const hi = last > 0 ? edges[last]! : 0;
    let nulls = 0;
    let nan = 0;
    let infinite = 0;
    let valid = 0;
    let sum = 0;
    let min = this.min;
    let max = this.max;
    let below = 0;
    let above = 0;
    for (let i = 0; i < length; i++) {
      if (missing !== undefined && missing[i] !== 0) {
        nulls++;
        continue;
      }
      const v = values[i]!;
      if (v - v !== 0) {
        if (v !== v) {
          nan++;
          continue;
        }
        infinite++;
      } else {
        valid++;
        sum += v;
        kll.update(v);
        hll.addHash(hashNumber(v));
      }
      if (v < min) min = v;
      if (v > max) max = v;
      if (last <= 0) continue;
      if (v < lo) below++;
      else if (v > hi) above++;
      else {
        // The largest bin j with edges[j] ≤ v (the last bin is closed on the right).
        let a = 0;
        let b = last - 1;
        while (a < b) {
          const mid = (a + b + 1) >> 1;
          if (edges[mid]! <= v) a = mid;
          else b = mid - 1;
        }
        bins[a]!++;
      }
    }
    this.count += length;
    this.nulls += nulls;
    this.nan += nan;
    this.infinite += infinite;
    this.min = min;
    this.max = max;
    this.below += below;
    this.above += above;
    if (valid > 0) this.addBatchMoments(values, missing, length, valid, sum / valid);
  }

  /**
   * Second pass over a batch: the corrected two-pass algorithm (Chan, Golub & LeVeque 1983).
   * Deviations d from the first-pass mean give the mean's rounding error back as Σd/n and
   * M2 = Σd² − (Σd)²/n, so a batch's moments are as exact as its data allows, and so are
   * merges of batches (1e-12 relative even where the mean is 10^6 standard deviations from 0).
   */
  private addBatchMoments(values: Float64Array, missing: Uint8Array | undefined, length: number, valid: number, mean: number): void {
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < length; i++) {
      if (missing !== undefined && missing[i] !== 0) continue;
      const d = values[i]! - mean;
      if (d - d === 0) {
        s1 += d;
        s2 += d * d;
      }
    }
    this.addMoments(valid, mean + s1 / valid, Math.max(0, s2 - (s1 * s1) / valid));
  }

  /** Chan, Golub & LeVeque's parallel update of (n, mean, M2). */
  private addMoments(n: number, mean: number, m2: number): void {
    if (this.valid === 0) {
      [this.valid, this.mean, this.m2] = [n, mean, m2];
      return;
    }
    const total = this.valid + n;
    const delta = mean - this.mean;
    this.mean += (delta * n) / total;
    this.m2 += m2 + ((delta * delta * this.valid) / total) * n;
    this.valid = total;
  }

  /** Folds `other` (a profile of the same spec) into this one. */
  merge(other: NumericProfile): void {
    this.count += other.count;
    this.nulls += other.nulls;
    this.nan += other.nan;
    this.infinite += other.infinite;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    if (other.valid > 0) this.addMoments(other.valid, other.mean, other.m2);
    for (let i = 0; i < this.bins.length; i++) this.bins[i]! += other.bins[i]!;
    this.below += other.below;
    this.above += other.above;
    this.kll.merge(other.kll);
    this.hll.merge(other.hll);
  }

  summary(): NumericSummary {
    const seen = this.valid + this.infinite > 0;
    const qs = this.kll.quantiles(SUMMARY_QUANTILES);
    return {
      kind: 'numeric', count: this.count, nulls: this.nulls, nan: this.nan, infinite: this.infinite,
      mean: this.valid > 0 ? this.mean : null,
      std: this.valid > 1 ? Math.sqrt(this.m2 / (this.valid - 1)) : null,
      min: seen ? this.min : null,
      max: seen ? this.max : null,
      quantiles: this.valid > 0 ? Object.fromEntries(SUMMARY_QUANTILES.map((p, i) => [quantileName(p), qs[i]!])) : {},
      rankError: this.kll.rankErrorBound(),
      histogram: { edges: Array.from(this.edges), counts: Array.from(this.bins), below: this.below, above: this.above },
      distinct: this.hll.estimate(),
    };
  }

  toJSON(): NumericProfileJson {
    const seen = this.valid + this.infinite > 0;
    return {
      name: this.name, kind: 'numeric', count: this.count, nulls: this.nulls, nan: this.nan, infinite: this.infinite,
      min: seen ? jsonNumber(this.min) : null, max: seen ? jsonNumber(this.max) : null, mean: this.mean, m2: this.m2,
      edges: Array.from(this.edges), bins: Array.from(this.bins), below: this.below, above: this.above,
      kll: this.kll.toJSON(), hll: this.hll.toBase64(),
    };
  }

  /** The column from its JSON; `options` must be the envelope's (checked against the sketches). */
  static fromJSON(json: NumericProfileJson, options: SketchOptions): NumericProfile {
    const p = new NumericProfile({ name: json.name, kind: 'numeric', edges: json.edges }, options);
    Object.assign(p, {
      count: json.count, nulls: json.nulls, nan: json.nan, infinite: json.infinite, below: json.below, above: json.above,
      min: json.min === null ? Infinity : Number(json.min), max: json.max === null ? -Infinity : Number(json.max),
      valid: json.kll.n, mean: json.mean, m2: json.m2,
      kll: KllSketch.fromJSON(json.kll), hll: HyperLogLog.fromBase64(options.hllPrecision, json.hll),
    });
    p.bins.set(json.bins);
    return p;
  }
}

/** 0.05 → 'p05', 0.5 → 'p50' (the names validation schemas use). */
export function quantileName(p: number): string {
  return `p${String(Math.round(p * 100)).padStart(2, '0')}`;
}

function jsonNumber(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}
