import { describe, expect, it } from 'vitest';
import { percentile, VariantStats } from './variant-stats.js';

describe('percentile (nearest rank)', () => {
  it('is the value at rank ceil(q·n) of the sorted values', () => {
    // 1..100 shuffled: rank ceil(0.99·100) = 99.
    const hundred = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    expect(percentile(hundred, 0.99)).toBe(99);
    // 1..1000: rank 990; 1..10: rank ceil(9.9) = 10 (the maximum).
    expect(percentile(Array.from({ length: 1000 }, (_, i) => 1000 - i), 0.99)).toBe(990);
    expect(percentile([3, 1, 2, 10, 4, 5, 6, 7, 8, 9], 0.99)).toBe(10);
    expect(percentile([42], 0.99)).toBe(42);
    expect(percentile([], 0.99)).toBe(0);
    // Numbers, not strings: 9 < 10 < 100.
    expect(percentile([100, 9, 10], 0.5)).toBe(10);
  });
});

describe('VariantStats', () => {
  it('summarises one variant in a time range: requests, 5xx errors, success rate and p99', () => {
    let t = 1_000;
    const stats = new VariantStats({ now: () => t });
    const add = (variant: 'stable' | 'canary', status: number, ms: number, version = variant === 'stable' ? '1' : '2') =>
      stats.record({ deployment: 'api', variant, version, status, ms });
    add('canary', 200, 999); // before the range
    t = 2_000;
    for (let i = 1; i <= 95; i++) add('canary', 200, i);
    for (let i = 0; i < 3; i++) add('canary', 503, 500);
    add('canary', 404, 1); // a client error is a success for the server
    add('canary', 500, 2);
    add('stable', 200, 7);
    t = 3_000;
    add('canary', 500, 1); // at `until`: excluded
    const canary = stats.summary('api', 'canary', { since: 2_000, until: 3_000 });
    expect(canary).toEqual({ requests: 100, errors: 4, successRate: 0.96, p99Ms: 500 });
    expect(stats.summary('api', 'stable', { since: 0 })).toEqual({ requests: 1, errors: 0, successRate: 1, p99Ms: 7 });
    expect(stats.summary('api', 'canary', { since: 0 }).requests).toBe(102);
    expect(stats.summary('other', 'canary', { since: 0 })).toEqual({ requests: 0, errors: 0, successRate: 1, p99Ms: 0 });
  });

  it('filters by the version that answered and keeps only the newest `capacity` outcomes', () => {
    const stats = new VariantStats({ capacity: 10, now: () => 5 });
    for (let i = 0; i < 6; i++) stats.record({ deployment: 'api', variant: 'canary', version: '2', status: 500, ms: 1 });
    for (let i = 0; i < 6; i++) stats.record({ deployment: 'api', variant: 'canary', version: '3', status: 200, ms: 2 });
    expect(stats.summary('api', 'canary', { since: 0 })).toEqual({ requests: 10, errors: 4, successRate: 0.6, p99Ms: 2 });
    expect(stats.summary('api', 'canary', { since: 0, version: '3' })).toEqual({ requests: 6, errors: 0, successRate: 1, p99Ms: 2 });
    expect(stats.summary('api', 'canary', { since: 0, version: '2' }).errors).toBe(4);
    stats.forget('api');
    expect(stats.summary('api', 'canary', { since: 0 }).requests).toBe(0);
  });
});
