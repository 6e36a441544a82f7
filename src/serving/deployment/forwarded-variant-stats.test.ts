import { describe, expect, it } from 'vitest';
import { ForwardingVariantStats, applyVariantBatch, type VariantBatch } from './forwarded-variant-stats.js';
import type { ShadowRecord } from './shadow.js';
import { VariantStats, type VariantOutcome } from './variant-stats.js';

const outcome = (i: number): VariantOutcome => ({ deployment: 'dep', variant: i % 2 ? 'canary' : 'stable', version: i % 2 ? '2' : '1', status: i % 5 === 0 ? 503 : 200, ms: i, labels: [`l${i % 3}`] });
const shadow: ShadowRecord = { deployment: 'dep', model: 'm', correlationId: 'c', primaryVersion: '1', shadowVersion: '2', rows: 4, outcome: 'agree', kind: 'classification', agreedRows: 4, ms: 1, at: 0 } as ShadowRecord;

describe('ForwardingVariantStats', () => {
  it('forwards outcomes and shadow records in batches of at most maxBatch; the receiver sums them as if recorded locally', async () => {
    const batches: VariantBatch[] = [];
    const forward = new ForwardingVariantStats({ send: async (b) => void batches.push(b), maxBatch: 4, flushMs: 10_000 });
    const local = new VariantStats();
    for (let i = 0; i < 10; i++) {
      forward.record(outcome(i));
      local.record(outcome(i));
    }
    forward.recordShadow(shadow);
    local.recordShadow(shadow);
    // Recording never sends on the caller's turn.
    expect(batches).toEqual([]);
    await forward.stop();
    expect(batches.map((b) => b.outcomes.length + b.shadows.length)).toEqual([4, 4, 3]);
    const remote = new VariantStats();
    for (const b of batches) applyVariantBatch(remote, b);
    for (const variant of ['stable', 'canary'] as const) {
      expect(remote.summary('dep', variant, { since: 0 })).toEqual(local.summary('dep', variant, { since: 0 }));
      expect(remote.labelCounts('dep', variant, { since: 0 })).toEqual(local.labelCounts('dep', variant, { since: 0 }));
    }
    expect(remote.shadowSummary('dep', { since: 0 })).toEqual(local.shadowSummary('dep', { since: 0 }));
    expect(forward.dropped).toBe(0);
  });

  it('while a batch is in flight, records queue up to maxQueued; beyond, they are dropped and counted in the next batch', async () => {
    const batches: VariantBatch[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const forward = new ForwardingVariantStats({ send: async (b) => { batches.push(b); await gate; }, maxBatch: 2, maxQueued: 5, flushMs: 10_000 });
    forward.record(outcome(0));
    forward.record(outcome(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(batches).toHaveLength(1);
    for (let i = 2; i < 12; i++) forward.record(outcome(i));
    expect(forward.queued).toBe(5);
    expect(forward.dropped).toBe(5);
    open();
    await forward.stop();
    expect(batches.reduce((n, b) => n + b.outcomes.length, 0)).toBe(7);
    expect(batches.reduce((n, b) => n + b.dropped, 0)).toBe(5);
    // After stop, nothing more is queued.
    forward.record(outcome(99));
    expect(forward.queued).toBe(0);
    expect(forward.dropped).toBe(6);
  });

  it('a batch that cannot be sent is counted as dropped, not retried forever', async () => {
    const forward = new ForwardingVariantStats({ send: () => Promise.reject(new Error('channel closed')), flushMs: 10_000 });
    forward.record(outcome(1));
    forward.record(outcome(2));
    await forward.stop();
    expect(forward.dropped).toBe(2);
    expect(forward.queued).toBe(0);
  });
});
