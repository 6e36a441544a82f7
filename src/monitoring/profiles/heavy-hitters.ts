/**
 * Misra–Gries frequent items with at most `capacity` counters, mergeable as Agarwal et al.
 * show ("Mergeable summaries", 2012): add the counters, then subtract the (capacity+1)-th
 * largest and drop what falls to zero. For a stream (or any merge of streams) of n items,
 * every estimate f̂ satisfies f − n/(capacity+1) ≤ f̂ ≤ f, so an item seen more than
 * n/(capacity+1) times always keeps a counter. Chosen over SpaceSaving because its estimates
 * are lower bounds (never invented counts) and its merge keeps the same bound.
 */
import { fail } from '../../core/errors.js';

/** Default number of counters. */
export const HEAVY_HITTERS = 64;

/** The serialized summary. */
export interface HeavyHittersJson {
  readonly n: number;
  readonly keys: readonly string[];
  readonly counts: readonly number[];
}

/** Bounded frequent-item counts over strings. */
export class HeavyHitters {
  readonly capacity: number;
  /** Items offered. */
  n = 0;
  // Counters live in slots (a typed array the Misra–Gries step sweeps without touching the map);
  // the map only finds an item's slot.
  private readonly slots = new Map<string, number>();
  private readonly keys: (string | undefined)[];
  private readonly counts: Float64Array;
  private readonly free: number[];

  constructor(capacity = HEAVY_HITTERS) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 100_000) fail('INVALID_ARGUMENT', `heavy hitters capacity ${capacity} is out of range; use an integer from 1 to 100000`, { capacity });
    this.capacity = capacity;
    this.keys = new Array<string | undefined>(capacity).fill(undefined);
    this.counts = new Float64Array(capacity);
    this.free = Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
  }

  /** Counts one occurrence; true when `item` had no counter before (the caller hashes it once). */
  add(item: string): boolean {
    this.n++;
    const slot = this.slots.get(item);
    if (slot !== undefined) {
      this.counts[slot]!++;
      return false;
    }
    const open = this.free.pop();
    if (open !== undefined) {
      this.set(open, item, 1);
      return true;
    }
    // The Misra–Gries step: the newcomer and every counter lose one.
    const { counts, keys } = this;
    for (let i = 0; i < counts.length; i++) {
      if (--counts[i]! === 0) {
        this.slots.delete(keys[i]!);
        keys[i] = undefined;
        this.free.push(i);
      }
    }
    return true;
  }

  private set(slot: number, item: string, count: number): void {
    this.keys[slot] = item;
    this.counts[slot] = count;
    this.slots.set(item, slot);
  }

  private entries(): [string, number][] {
    const out: [string, number][] = [];
    this.keys.forEach((k, i) => k !== undefined && out.push([k, this.counts[i]!]));
    return out;
  }

  private reset(entries: readonly (readonly [string, number])[]): void {
    this.slots.clear();
    this.keys.fill(undefined);
    this.counts.fill(0);
    this.free.length = 0;
    entries.forEach(([k, c], i) => this.set(i, k, c));
    for (let i = this.capacity - 1; i >= entries.length; i--) this.free.push(i);
  }

  /** Folds `other` in (Agarwal et al.'s merge: the bound holds for the combined stream). */
  merge(other: HeavyHitters): void {
    if (other.capacity !== this.capacity) fail('INVALID_ARGUMENT', `cannot merge heavy hitters with ${this.capacity} and ${other.capacity} counters`, {});
    this.n += other.n;
    const sums = new Map(this.entries());
    for (const [key, c] of other.entries()) sums.set(key, (sums.get(key) ?? 0) + c);
    let merged = [...sums];
    if (merged.length > this.capacity) {
      const cut = merged.map((e) => e[1]).sort((a, b) => b - a)[this.capacity]!;
      merged = merged.filter((e) => e[1] > cut).map(([k, c]) => [k, c - cut]);
    }
    this.reset(merged);
  }

  /** Lower-bound estimates, largest first (ties by key, so the order is deterministic). */
  top(): [string, number][] {
    return this.entries().sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** The largest amount any estimate may fall short of its true count: (n − Σ f̂) / (capacity + 1). */
  maxError(): number {
    let kept = 0;
    for (const c of this.counts) kept += c;
    return Math.floor((this.n - kept) / (this.capacity + 1));
  }

  /** Whether `item` currently holds a counter. */
  has(item: string): boolean {
    return this.slots.has(item);
  }

  toJSON(): HeavyHittersJson {
    const top = this.top();
    return { n: this.n, keys: top.map((e) => e[0]), counts: top.map((e) => e[1]) };
  }

  static fromJSON(capacity: number, json: HeavyHittersJson): HeavyHitters {
    const hh = new HeavyHitters(capacity);
    if (json.keys.length !== json.counts.length || json.keys.length > capacity) fail('INVALID_ARGUMENT', `heavy hitters: ${json.keys.length} keys for ${json.counts.length} counts (at most ${capacity}); the stored profile is damaged`, {});
    if (new Set(json.keys).size !== json.keys.length || json.counts.some((c) => c < 1)) fail('INVALID_ARGUMENT', 'heavy hitters: a key appears twice or a count is below 1; the stored profile is damaged', {});
    hh.n = json.n;
    hh.reset(json.keys.map((k, i) => [k, json.counts[i]!]));
    return hh;
  }

  clone(): HeavyHitters {
    return HeavyHitters.fromJSON(this.capacity, this.toJSON());
  }
}
