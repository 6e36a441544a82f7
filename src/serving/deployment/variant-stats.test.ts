import { describe, expect, it } from 'vitest';
import { labelShift, percentile, VariantStats } from './variant-stats.js';

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

describe('VariantStats shadow comparisons and labels', () => {
  it('summarises the shadow comparisons of one version pair in a range: errors count as disagreeing rows, regression gives the mean |Δ|', () => {
    let t = 1_000;
    const stats = new VariantStats({ now: () => t });
    const base = { deployment: 'api', model: 'm', correlationId: 'c', ms: 1, at: 0 };
    stats.recordShadow({ ...base, primaryVersion: '1', shadowVersion: '2', outcome: 'agree', kind: 'classification', rows: 4, agreedRows: 4, agreement: 1 }); // before the range
    t = 2_000;
    stats.recordShadow({ ...base, primaryVersion: '1', shadowVersion: '2', outcome: 'disagree', kind: 'classification', rows: 4, agreedRows: 3, agreement: 0.75 });
    stats.recordShadow({ ...base, primaryVersion: '1', shadowVersion: '2', outcome: 'agree', kind: 'classification', rows: 2, agreedRows: 2, agreement: 1 });
    stats.recordShadow({ ...base, primaryVersion: '1', shadowVersion: '2', outcome: 'error', rows: 2, error: 'boom' });
    stats.recordShadow({ ...base, primaryVersion: '2', shadowVersion: '2', outcome: 'disagree', kind: 'classification', rows: 9, agreedRows: 0, agreement: 0 });
    expect(stats.shadowSummary('api', { since: 2_000, primaryVersion: '1', shadowVersion: '2' })).toEqual({ requests: 3, errors: 1, rows: 8, agreedRows: 5, agreement: 5 / 8 });
    expect(stats.shadowSummary('api', { since: 0 }).requests).toBe(5);
    expect(stats.shadowSummary('api', { since: 0, until: 2_000 }).requests).toBe(1);
    expect(stats.shadowSummary('other', { since: 0 })).toEqual({ requests: 0, errors: 0, rows: 0, agreedRows: 0, agreement: 1 });
    // Regression: the mean |Δ| over every compared row (each record's mean weighted by its rows).
    stats.recordShadow({ ...base, deployment: 'reg', primaryVersion: '1', shadowVersion: '2', outcome: 'agree', kind: 'regression', rows: 1, agreedRows: 1, agreement: 1, meanAbsDelta: 0.1 });
    stats.recordShadow({ ...base, deployment: 'reg', primaryVersion: '1', shadowVersion: '2', outcome: 'disagree', kind: 'regression', rows: 3, agreedRows: 0, agreement: 0, meanAbsDelta: 0.5 });
    expect(stats.shadowSummary('reg', { since: 0 }).meanAbsDelta).toBeCloseTo((0.1 + 1.5) / 4, 12);
    stats.forget('api');
    expect(stats.shadowSummary('api', { since: 0 }).requests).toBe(0);
  });

  it('counts predicted labels per variant and version; labelShift is the total variation distance', () => {
    const stats = new VariantStats({ now: () => 5 });
    stats.record({ deployment: 'api', variant: 'stable', version: '1', status: 200, ms: 1, labels: ['a', 'a', 'b', 'b'] });
    stats.record({ deployment: 'api', variant: 'canary', version: '2', status: 200, ms: 1, labels: ['a', 'a', 'a', 'c'] });
    stats.record({ deployment: 'api', variant: 'canary', version: '2', status: 500, ms: 1 }); // no labels
    stats.record({ deployment: 'api', variant: 'canary', version: '3', status: 200, ms: 1, labels: ['z'] });
    const stable = stats.labelCounts('api', 'stable', { since: 0 });
    const canary = stats.labelCounts('api', 'canary', { since: 0, version: '2' });
    expect(canary).toEqual({ rows: 4, counts: new Map([['a', 3], ['c', 1]]) });
    // |0.5 − 0.75| + |0.5 − 0| + |0 − 0.25| = 1, halved.
    expect(labelShift(canary, stable)).toBeCloseTo(0.5, 12);
    expect(labelShift(stable, stable)).toBe(0);
    expect(labelShift(stats.labelCounts('api', 'canary', { since: 0, version: '3' }), stable)).toBe(1);
    expect(labelShift({ rows: 0, counts: new Map() }, stable)).toBe(0);
  });
});
