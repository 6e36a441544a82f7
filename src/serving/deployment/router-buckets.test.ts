import { describe, expect, it } from 'vitest';
import type { TrafficPolicy } from './deployment.js';
import { chooseVariant, fnv1a, hashKey, policyVersions, stickyBucket, stickyKey } from './router-buckets.js';

const request = (headers: Record<string, string>, rows: Record<string, unknown>[] = []) => ({ header: (n: string) => headers[n.toLowerCase()], rows });

describe('bucket hashing', () => {
  it('fnv1a matches the published FNV-1a 32-bit test vectors', () => {
    // From the FNV reference test suite (draft-eastlake-fnv, test vectors for FNV-1a 32).
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('a key always lands in the same bucket, and similar keys spread over [0, 100)', () => {
    expect(stickyBucket('user-17')).toBe(stickyBucket('user-17'));
    expect(hashKey('user-1')).not.toBe(hashKey('user-2'));
    const buckets = Array.from({ length: 10_000 }, (_, i) => stickyBucket(`user-${i}`));
    expect(Math.min(...buckets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...buckets)).toBeLessThan(100);
    // Each decile gets 10% ± 1.5% of sequential keys (binomial sd is 0.3%).
    const deciles = Array.from({ length: 10 }, (_, d) => buckets.filter((b) => Math.floor(b / 10) === d).length / buckets.length);
    for (const share of deciles) expect(Math.abs(share - 0.1)).toBeLessThan(0.015);
  });
});

describe('choosing a variant', () => {
  const policy: TrafficPolicy = { stable: '1', candidates: [{ version: '2', weight: 10 }, { version: '3', weight: 2.5 }] };

  it('candidates own consecutive bucket ranges from 0; stable the rest', () => {
    expect(chooseVariant(policy, 0)).toEqual({ variant: 'canary', version: '2' });
    expect(chooseVariant(policy, 9.999)).toEqual({ variant: 'canary', version: '2' });
    expect(chooseVariant(policy, 10)).toEqual({ variant: 'canary', version: '3' });
    expect(chooseVariant(policy, 12.49)).toEqual({ variant: 'canary', version: '3' });
    expect(chooseVariant(policy, 12.5)).toEqual({ variant: 'stable', version: '1' });
    expect(chooseVariant(policy, 99.99)).toEqual({ variant: 'stable', version: '1' });
    expect(chooseVariant({ stable: '1', candidates: [] }, 0)).toEqual({ variant: 'stable', version: '1' });
    expect(chooseVariant({ stable: '1', candidates: [{ version: '2', weight: 100 }] }, 99.99)).toEqual({ variant: 'canary', version: '2' });
  });

  it('sticky keys come from the header (any case) or the first row\'s column; absent → undefined', () => {
    const byHeader: TrafficPolicy = { ...policy, sticky: { header: 'X-User' } };
    expect(stickyKey(byHeader, request({ 'x-user': 'ann' }))).toBe('ann');
    expect(stickyKey(byHeader, request({}))).toBeUndefined();
    expect(stickyKey(byHeader, request({ 'x-user': '' }))).toBeUndefined();
    const byColumn: TrafficPolicy = { ...policy, sticky: { column: 'customer' } };
    expect(stickyKey(byColumn, request({}, [{ customer: 42 }, { customer: 7 }]))).toBe('42');
    expect(stickyKey(byColumn, request({}, [{ other: 1 }]))).toBeUndefined();
    expect(stickyKey(byColumn, request({}, []))).toBeUndefined();
    expect(stickyKey(policy, request({ 'x-user': 'ann' }))).toBeUndefined();
  });

  it('policyVersions lists stable, candidates and mirror once each', () => {
    expect(policyVersions({ ...policy, mirror: { version: '2', percent: 5 } })).toEqual(['1', '2', '3']);
    expect(policyVersions({ stable: '4', candidates: [], mirror: { version: '5', percent: 100 } })).toEqual(['4', '5']);
  });
});
