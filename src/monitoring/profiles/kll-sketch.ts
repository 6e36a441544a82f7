/**
 * A KLL quantile sketch (Karnin, Lang & Liberty 2016), laid out as Apache DataSketches'
 * KllDoublesSketch lays it out: levels of items, level h standing for 2^h values each, level
 * capacities shrinking by 2/3 per level below the top (never below 8; level 0 keeps k, see
 * capacity()). Chosen over a t-digest because its rank error is a proven bound independent
 * of the data's distribution (about 1.65 % at k = 200, 99 % confidence), its merge is the
 * sketch's own operation with the same guarantee (a t-digest's merge depends on merge order
 * and has no worst-case bound), and its memory is O(k + log(n/k)) items whatever the traffic.
 * The compaction coin is a seeded xorshift, so the same data in the same order gives the same
 * sketch.
 */
import { fail } from '../../core/errors.js';

/** Default accuracy parameter, as DataSketches. */
export const KLL_K = 200;
const MIN_CAPACITY = 8;
const DECAY = 2 / 3;
const DEFAULT_SEED = 0x2545f491;

/** The serialized sketch: level 0 unsorted, higher levels sorted. */
export interface KllJson {
  readonly k: number;
  readonly n: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly seed: number;
  readonly levels: readonly (readonly number[])[];
}

/** A mergeable quantile sketch of finite doubles. */
export class KllSketch {
  readonly k: number;
  /** Values seen (each level-h item stands for 2^h of them). */
  n = 0;
  min = Infinity;
  max = -Infinity;
  private state: number;
  /** Level 0, unsorted: values land here one by one. */
  private buffer: Float64Array;
  private size0 = 0;
  /** Levels 1…, each sorted. */
  private upper: Float64Array[] = [];
  /** How many items level 0 may hold before the next compaction is due. */
  private room: number;
  private capacities = new Int32Array(0);
  private capacityTotal = 0;

  constructor(k = KLL_K, seed = DEFAULT_SEED) {
    if (!Number.isInteger(k) || k < MIN_CAPACITY || k > 65535) fail('INVALID_ARGUMENT', `KLL k ${k} is out of range; use an integer from ${MIN_CAPACITY} to 65535`, { k });
    this.k = k;
    this.state = seed >>> 0 || DEFAULT_SEED;
    this.setCapacities();
    this.room = this.capacity(0);
    this.buffer = new Float64Array(this.room);
  }

  /** Adds one finite value (callers filter NaN and infinities). */
  update(v: number): void {
    if (this.size0 >= this.room) this.compress();
    this.buffer[this.size0++] = v;
    this.n++;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** Folds `other` into this sketch (the KLL merge: levels concatenated, then compacted). */
  merge(other: KllSketch): void {
    if (other.k !== this.k) fail('INVALID_ARGUMENT', `cannot merge KLL sketches with k ${this.k} and ${other.k}`, {});
    if (other.n === 0) return;
    this.ensureBuffer(this.size0 + other.size0);
    this.buffer.set(other.buffer.subarray(0, other.size0), this.size0);
    this.size0 += other.size0;
    other.upper.forEach((level, i) => (this.upper[i] = this.upper[i] ? mergeSorted(this.upper[i]!, level) : level.slice()));
    this.setCapacities();
    this.n += other.n;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    while (this.retained() >= this.totalCapacity()) this.compactOnce();
    this.room = this.size0 + this.totalCapacity() - this.retained();
    this.ensureBuffer(this.room);
  }

  /** Items kept (the sketch's memory, in doubles). */
  retained(): number {
    let total = this.size0;
    for (const level of this.upper) total += level.length;
    return total;
  }

  /** Number of levels. */
  levels(): number {
    return this.upper.length + 1;
  }

  /** The values at ranks `qs` (each in [0, 1]): the smallest retained value whose weighted rank reaches q·n. */
  quantiles(qs: readonly number[]): number[] {
    if (this.n === 0) return qs.map(() => NaN);
    const { values, cumulative } = this.sortedView();
    return qs.map((q) => {
      if (q <= 0) return this.min;
      if (q >= 1) return this.max;
      const target = q * this.n;
      let lo = 0;
      let hi = values.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid]! >= target) hi = mid;
        else lo = mid + 1;
      }
      return values[lo]!;
    });
  }

  /** The estimated fraction of values ≤ x. */
  rank(x: number): number {
    if (this.n === 0) return NaN;
    let weight = 0;
    for (let i = 0; i < this.size0; i++) if (this.buffer[i]! <= x) weight++;
    this.upper.forEach((level, h) => {
      for (const v of level) if (v <= x) weight += 2 ** (h + 1);
    });
    return weight / this.n;
  }

  /**
   * The normalized rank error bound at 99 % confidence (DataSketches' fitted formula for the
   * double-sided error, 2.446 / k^0.9433); 0 while nothing has been compacted (the sketch is exact).
   */
  rankErrorBound(): number {
    return this.upper.length === 0 ? 0 : 2.446 / this.k ** 0.9433;
  }

  toJSON(): KllJson {
    return {
      k: this.k, n: this.n, min: this.n ? this.min : null, max: this.n ? this.max : null, seed: this.state,
      levels: [Array.from(this.buffer.subarray(0, this.size0)), ...this.upper.map((l) => Array.from(l))],
    };
  }

  static fromJSON(json: KllJson): KllSketch {
    const sketch = new KllSketch(json.k, json.seed);
    const [level0 = [], ...upper] = json.levels;
    sketch.upper = upper.map((l) => Float64Array.from(l));
    sketch.setCapacities();
    sketch.ensureBuffer(level0.length);
    sketch.buffer.set(level0);
    sketch.size0 = level0.length;
    sketch.n = json.n;
    sketch.min = json.min ?? Infinity;
    sketch.max = json.max ?? -Infinity;
    const weight = sketch.upper.reduce((w, l, h) => w + l.length * 2 ** (h + 1), level0.length);
    if (weight !== json.n || sketch.upper.some((l) => !isSorted(l))) fail('INVALID_ARGUMENT', `KLL sketch: levels do not add up to n = ${json.n} or are not sorted; the stored profile is damaged`, {});
    sketch.room = Math.max(sketch.size0, sketch.size0 + sketch.totalCapacity() - sketch.retained());
    sketch.ensureBuffer(sketch.room);
    return sketch;
  }

  clone(): KllSketch {
    return KllSketch.fromJSON(this.toJSON());
  }

  /**
   * Capacity of level h with the current number of levels. Level 0 always holds k items (in
   * DataSketches it shrinks to 8 as levels pile up): values then arrive into a k-item buffer
   * compacted once per k/2 updates instead of every few, which is what makes ingest cost tens
   * of nanoseconds; a larger capacity only means fewer compactions at that level, so the
   * error bound holds, for k more doubles of memory.
   */
  private capacity(h: number): number {
    return this.capacities[h]!;
  }

  private totalCapacity(): number {
    return this.capacityTotal;
  }

  /** Recomputes the level capacities (they change only when a level is added). */
  private setCapacities(): void {
    const levels = this.upper.length + 1;
    this.capacities = Int32Array.from({ length: levels }, (_, h) => (h === 0 ? this.k : Math.max(MIN_CAPACITY, Math.ceil(this.k * DECAY ** (levels - 1 - h)))));
    this.capacityTotal = this.capacities.reduce((a, b) => a + b, 0);
  }

  /** Called when level 0 has no room left: compacts one level and recomputes the room. */
  private compress(): void {
    this.compactOnce();
    this.room = this.size0 + this.totalCapacity() - this.retained();
    this.ensureBuffer(this.room);
  }

  /** Compacts the lowest level at or over its capacity: half its items (odd or even positions, by the coin) move up. */
  private compactOnce(): void {
    let h = 0;
    while (this.levelSize(h) < this.capacity(h)) h++;
    if (h === this.upper.length) {
      this.upper.push(new Float64Array(0));
      this.setCapacities();
    }
    const items = h === 0 ? this.buffer.subarray(0, this.size0).sort() : this.upper[h - 1]!;
    const odd = items.length & 1;
    const offset = odd + this.coin();
    const promoted = new Float64Array(items.length >> 1);
    for (let i = 0; i < promoted.length; i++) promoted[i] = items[offset + 2 * i]!;
    this.upper[h] = mergeSorted(this.upper[h]!, promoted);
    // An odd level keeps its smallest item, so no weight is lost.
    if (h === 0) this.size0 = odd;
    else this.upper[h - 1] = items.slice(0, odd);
  }

  private levelSize(h: number): number {
    return h === 0 ? this.size0 : this.upper[h - 1]!.length;
  }

  private coin(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state >>> 31;
  }

  private ensureBuffer(size: number): void {
    if (size <= this.buffer.length) return;
    const grown = new Float64Array(Math.max(size, this.buffer.length * 2));
    grown.set(this.buffer.subarray(0, this.size0));
    this.buffer = grown;
  }

  /** Every retained item with its weight, sorted by value, and the running weight. */
  private sortedView(): { values: Float64Array; cumulative: Float64Array } {
    const total = this.retained();
    const values = new Float64Array(total);
    const weights = new Float64Array(total);
    values.set(this.buffer.subarray(0, this.size0));
    weights.fill(1, 0, this.size0);
    let at = this.size0;
    this.upper.forEach((level, h) => {
      values.set(level, at);
      weights.fill(2 ** (h + 1), at, at + level.length);
      at += level.length;
    });
    const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
    const sorted = new Float64Array(total);
    const cumulative = new Float64Array(total);
    let sum = 0;
    order.forEach((i, j) => {
      sorted[j] = values[i]!;
      cumulative[j] = sum += weights[i]!;
    });
    return { values: sorted, cumulative };
  }
}

function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

function isSorted(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1]! > a[i]!) return false;
  return true;
}
