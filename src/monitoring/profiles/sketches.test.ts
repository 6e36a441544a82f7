import { describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import { HeavyHitters } from './heavy-hitters.js';
import { HyperLogLog, hashNumber, hashString } from './hyperloglog.js';
import { KllSketch } from './kll-sketch.js';
import { normals, randomWindows, rankError, seeded, shuffled } from './test-data.js';

const QS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999];

function sketchOf(values: Float64Array, from = 0, to = values.length, seed?: number): KllSketch {
  const s = new KllSketch(200, seed);
  for (let i = from; i < to; i++) s.update(values[i]!);
  return s;
}

function worstRankError(sketch: KllSketch, sorted: Float64Array): number {
  const estimates = sketch.quantiles(QS);
  return Math.max(...QS.map((q, i) => rankError(sorted, estimates[i]!, q)));
}

describe('KllSketch', () => {
  const N = 1_000_000;
  const values = normals(N, 7);
  const sorted = values.slice().sort();

  it('answers quantiles of 1M values within its rank error bound, with bounded memory', () => {
    const sketch = sketchOf(values);
    expect(sketch.n).toBe(N);
    expect(sketch.rankErrorBound()).toBeCloseTo(0.0165, 3);
    expect(worstRankError(sketch, sorted)).toBeLessThan(sketch.rankErrorBound());
    expect(sketch.min).toBe(sorted[0]);
    expect(sketch.max).toBe(sorted[N - 1]);
    expect(sketch.quantiles([0, 1])).toEqual([sorted[0], sorted[N - 1]]);
    // O(k + log n) items: far below n, and within the capacity the levels allow.
    expect(sketch.retained()).toBeLessThan(1000);
    expect(Math.abs(sketch.rank(0) - 0.5)).toBeLessThan(sketch.rankErrorBound());
  });

  it('keeps the bound whatever the windows and the merge order', () => {
    const windows = randomWindows(N, 12, 3);
    const parts = windows.map(([a, b], i) => sketchOf(values, a, b, 100 + i));
    const orders = [parts.map((_, i) => i), parts.map((_, i) => parts.length - 1 - i), shuffled(parts.length, 5)];
    for (const order of orders) {
      const merged = new KllSketch(200);
      for (const i of order) merged.merge(parts[i]!.clone());
      expect(merged.n).toBe(N);
      expect(merged.min).toBe(sorted[0]);
      expect(merged.max).toBe(sorted[N - 1]);
      expect(worstRankError(merged, sorted)).toBeLessThan(merged.rankErrorBound());
      expect(merged.retained()).toBeLessThan(1000);
    }
    // A tree of merges (replicas merged pairwise, then the pairs) too.
    let level = parts.map((p) => p.clone());
    while (level.length > 1) level = Array.from({ length: Math.ceil(level.length / 2) }, (_, i) => (level[2 * i + 1] ? (level[2 * i]!.merge(level[2 * i + 1]!), level[2 * i]!) : level[2 * i]!));
    expect(worstRankError(level[0]!, sorted)).toBeLessThan(level[0]!.rankErrorBound());
  });

  it('is exact below its capacity, deterministic for a seed, and survives JSON', () => {
    const small = sketchOf(Float64Array.from([5, 1, 4, 2, 3]));
    expect(small.rankErrorBound()).toBe(0);
    expect(small.quantiles([0.2, 0.4, 0.5, 0.6, 1])).toEqual([1, 2, 3, 3, 5]);
    const a = sketchOf(values, 0, 100_000, 42);
    const b = sketchOf(values, 0, 100_000, 42);
    expect(a.toJSON()).toEqual(b.toJSON());
    const back = KllSketch.fromJSON(JSON.parse(JSON.stringify(a)));
    expect(back.toJSON()).toEqual(a.toJSON());
    // The restored sketch carries on exactly as the original would.
    for (let i = 100_000; i < 200_000; i++) [a, back].forEach((s) => s.update(values[i]!));
    expect(back.toJSON()).toEqual(a.toJSON());
    expect(new KllSketch().quantiles([0.5])[0]).toBeNaN();
  });

  it('refuses damaged levels and a k mismatch', () => {
    const json = sketchOf(values, 0, 10_000).toJSON();
    expect(() => KllSketch.fromJSON({ ...json, n: json.n + 1 })).toThrow(/do not add up/);
    expect(() => new KllSketch(200).merge(new KllSketch(100))).toThrow(/k 200 and 100/);
    expect(() => new KllSketch(4)).toThrow(/out of range/);
  });
});

describe('HyperLogLog', () => {
  it('estimates distinct counts within 3 standard errors from 10 to 1M', () => {
    for (const n of [0, 10, 1000, 50_000, 1_000_000]) {
      const hll = new HyperLogLog(12);
      for (let i = 0; i < n; i++) hll.addHash(hashNumber(i * 1.5));
      for (let i = 0; i < n; i++) hll.addHash(hashNumber(i * 1.5)); // repeats change nothing
      const tolerance = Math.max(1, 3 * (1.04 / 64) * n);
      expect(Math.abs(hll.estimate() - n)).toBeLessThanOrEqual(tolerance);
    }
  });

  it('merges exactly: the registers of merged windows are those of the whole stream', () => {
    const words = Array.from({ length: 200_000 }, (_, i) => `w${i % 70_001}`);
    const whole = new HyperLogLog();
    words.forEach((w) => whole.addHash(hashString(w)));
    const merged = new HyperLogLog();
    for (const [a, b] of randomWindows(words.length, 7, 11)) {
      const part = new HyperLogLog();
      for (let i = a; i < b; i++) part.addHash(hashString(words[i]!));
      merged.merge(HyperLogLog.fromBase64(12, part.toBase64()));
    }
    expect(merged.registers).toEqual(whole.registers);
    expect(Math.abs(whole.estimate() - 70_001) / 70_001).toBeLessThan(0.05);
    expect(hashNumber(-0)).toBe(hashNumber(0));
    expect(() => whole.merge(new HyperLogLog(10))).toThrow(/precision 12 and 10/);
  });
});

describe('HeavyHitters', () => {
  // A skewed stream: a few heavy items among many light ones, in seeded random order.
  const random = seeded(9);
  const stream: string[] = [];
  const heavy = { a: 30_000, b: 12_000, c: 6_000, d: 2_100 };
  for (const [k, n] of Object.entries(heavy)) for (let i = 0; i < n; i++) stream.push(k);
  for (let i = 0; i < 150_000; i++) stream.push(`light${Math.floor(random() * 20_000)}`);
  const order = shuffled(stream.length, 4).map((i) => stream[i]!);
  const truth = new Map<string, number>();
  order.forEach((s) => truth.set(s, (truth.get(s) ?? 0) + 1));

  function check(hh: HeavyHitters): void {
    const capacity = hh.capacity;
    const estimates = new Map(hh.top());
    expect(estimates.size).toBeLessThanOrEqual(capacity);
    for (const [item, f] of truth) {
      const estimate = estimates.get(item) ?? 0;
      // Lower bounds, short by at most n/(capacity+1), and by no more than maxError.
      expect(estimate).toBeLessThanOrEqual(f);
      expect(f - estimate).toBeLessThanOrEqual(hh.maxError());
      if (f > order.length / (capacity + 1)) expect(hh.has(item)).toBe(true);
    }
    expect(hh.maxError()).toBeLessThanOrEqual(order.length / (capacity + 1));
  }

  it('always keeps an item more frequent than n/(k+1), alone and after merges in any order', () => {
    const capacity = 32; // n/(k+1) ≈ 6,125: a, b and c must be found; d may not be
    const one = new HeavyHitters(capacity);
    order.forEach((s) => one.add(s));
    check(one);
    expect(['a', 'b', 'c'].every((k) => one.has(k))).toBe(true);
    const parts = randomWindows(order.length, 9, 2).map(([x, y]) => {
      const hh = new HeavyHitters(capacity);
      for (let i = x; i < y; i++) hh.add(order[i]!);
      return hh;
    });
    for (const perm of [parts.map((_, i) => i), shuffled(parts.length, 8)]) {
      const merged = new HeavyHitters(capacity);
      perm.forEach((i) => merged.merge(HeavyHitters.fromJSON(capacity, JSON.parse(JSON.stringify(parts[i]!)))));
      expect(merged.n).toBe(order.length);
      check(merged);
    }
  });

  it('refuses damaged JSON', () => {
    try {
      HeavyHitters.fromJSON(4, { n: 3, keys: ['x', 'x'], counts: [1, 2] });
      expect.unreachable();
    } catch (err) {
      expect(isPaddockError(err, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
