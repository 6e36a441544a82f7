import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import type { LoggedPrediction, PredictionLogStore, PredictionQuery, PredictionRecord } from '../../monitoring/index.js';
import { caught } from '../../test-support/caught.js';

/**
 * A fresh, empty store. `keyColumnOf` is the deployments' declared key columns
 * (monitoring.labels); `clock` is when labels without a time are received.
 */
export type MakePredictionLog = (options: { clock: Clock; keyColumnOf: (deployment: string) => string | undefined }) => Promise<{ store: PredictionLogStore; cleanup: () => Promise<void> }>;

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Noon UTC: a window of a few hours either side stays within one date partition. */
const T0 = Date.UTC(2026, 0, 10, 12);
const WINDOW = { joinWindowMs: 2 * HOUR };

function rec(over: Partial<PredictionRecord> & { at: number }): PredictionRecord {
  return {
    requestId: 'r', rowIndex: 0, deployment: 'churn', model: 'churn-model', version: '1', variant: 'stable',
    inputs: { customer: 'c1', tenure: 3 }, outputs: { label: 'no', probability: [0.8, 0.2] }, latencyMs: 1.5, ...over,
  };
}

async function all(store: PredictionLogStore, query: Partial<PredictionQuery> = {}): Promise<LoggedPrediction[]> {
  const out: LoggedPrediction[] = [];
  await store.scan({ deployment: 'churn', since: T0 - 10 * DAY, until: T0 + 10 * DAY, ...query }, (batch) => {
    out.push(...batch);
  });
  return out;
}

/**
 * The behaviour every PredictionLogStore adapter must show: appended rows read back whole,
 * oldest first, by prediction time; labels join by request id (and row) or by key column value
 * within the join window before the label, never across deployments, a relabel replacing the
 * label; prune removes what is older than the retention bound.
 */
export function predictionLogContract(name: string, make: MakePredictionLog): void {
  describe(`PredictionLogStore contract: ${name}`, () => {
    let store: PredictionLogStore;
    let cleanup: () => Promise<void>;
    const now = { t: T0 + HOUR };
    beforeEach(async () => {
      now.t = T0 + HOUR;
      ({ store, cleanup } = await make({ clock: { now: () => new Date(now.t) }, keyColumnOf: (d) => (d === 'churn' ? 'customer' : undefined) }));
    });
    afterEach(async () => {
      await cleanup();
    });

    it('reads back what was appended, whole, oldest first, within [since, until) and by version, variant', async () => {
      const nested = rec({ requestId: 'a', at: T0 + 2, inputs: { customer: 'c2', note: "it's \"quoted\"", missing: null, tags: ['x', 'y'] }, outputs: { prediction: 4.25 }, latencyMs: 0.25 });
      await store.append([rec({ requestId: 'b', at: T0 + 3, version: '2', variant: 'canary' }), nested]);
      await store.append([rec({ requestId: 'c', at: T0 + 1 }), rec({ requestId: 'd', at: T0 + 5 }), rec({ requestId: 'e', deployment: 'other', at: T0 + 2 })]);
      const rows = await all(store);
      expect(rows.map((r) => r.requestId)).toEqual(['c', 'a', 'b', 'd']);
      expect(rows[1]).toEqual(nested);
      expect(rows[1]!.label).toBeUndefined();
      expect((await all(store, { since: T0 + 2, until: T0 + 5 })).map((r) => r.requestId)).toEqual(['a', 'b']);
      expect((await all(store, { version: '2' })).map((r) => r.requestId)).toEqual(['b']);
      expect((await all(store, { variant: 'stable' })).map((r) => r.requestId)).toEqual(['c', 'a', 'd']);
      expect(await all(store, { deployment: 'nobody' })).toEqual([]);
      await store.append([]);
      expect(await all(store)).toHaveLength(4);
    });

    it('scans large windows in bounded batches, in time order', async () => {
      const n = 12_000;
      const records = Array.from({ length: n }, (_, i) => rec({ requestId: `r${i}`, at: T0 + (n - i) * 10, inputs: { customer: `c${i}`, i } }));
      await store.append(records);
      const sizes: number[] = [];
      let last = -Infinity;
      let ordered = true;
      await store.scan({ deployment: 'churn', since: T0, until: T0 + DAY }, (batch) => {
        sizes.push(batch.length);
        for (const r of batch) {
          if (r.at < last) ordered = false;
          last = r.at;
        }
      });
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(10_000);
      expect(ordered).toBe(true);
    });

    it('scans rows of one time across batch boundaries without losing or repeating any', async () => {
      const n = 12_000;
      // Three times only: every store's batches (the SQL store's pages of 5,000) end inside a run of equal times.
      await store.append(Array.from({ length: n }, (_, i) => rec({ requestId: `t${i}`, at: T0 + (i % 3) * 10 })));
      const seen: string[] = [];
      await store.scan({ deployment: 'churn', since: T0, until: T0 + DAY }, (batch) => {
        for (const r of batch) seen.push(r.requestId);
      });
      expect(seen).toHaveLength(n);
      expect(new Set(seen).size).toBe(n);
    });

    it('joins labels by request id and row; a label without a row labels every row of its request', async () => {
      await store.append([
        rec({ requestId: 'q1', rowIndex: 0, at: T0 }), rec({ requestId: 'q1', rowIndex: 1, at: T0 }),
        rec({ requestId: 'q2', rowIndex: 0, at: T0 + 1 }), rec({ requestId: 'q2', rowIndex: 1, at: T0 + 1 }),
      ]);
      const result = await store.attachLabels('churn', [
        { requestId: 'q1', rowIndex: 1, label: 'yes', at: T0 + 10 },
        { requestId: 'q2', label: { churned: true } },
        { requestId: 'nope', label: 'yes' },
      ], WINDOW);
      expect(result).toEqual({ matched: 2, unmatched: 1 });
      const rows = await all(store);
      expect(rows.map((r) => [r.requestId, r.rowIndex, r.label, r.labeledAt])).toEqual([
        ['q1', 0, undefined, undefined], ['q1', 1, 'yes', T0 + 10], ['q2', 0, { churned: true }, now.t], ['q2', 1, { churned: true }, now.t],
      ]);
      expect((await all(store, { labeled: true })).map((r) => `${r.requestId}/${r.rowIndex}`)).toEqual(['q1/1', 'q2/0', 'q2/1']);
    });

    it('joins labels by key column value to the latest prediction with that key in the window', async () => {
      await store.append([
        rec({ requestId: 'k1', at: T0 - HOUR, inputs: { customer: 'c9', tenure: 1 } }),
        rec({ requestId: 'k2', at: T0, inputs: { customer: 'c9', tenure: 2 } }),
        rec({ requestId: 'k3', at: T0 + 1, inputs: { customer: 1042, tenure: 2 } }),
      ]);
      expect(await store.attachLabels('churn', [{ key: 'c9', label: 1 }, { key: '1042', label: 0 }, { key: 'c404', label: 1 }], WINDOW)).toEqual({ matched: 2, unmatched: 1 });
      const labeled = await all(store, { labeled: true });
      expect(labeled.map((r) => [r.requestId, r.label])).toEqual([['k2', 1], ['k3', 0]]);
      // A key column given with the labels (not the declared one) is read from the inputs.
      expect(await store.attachLabels('churn', [{ key: '1', label: 7, at: T0 - HOUR + 5 }], { ...WINDOW, keyColumn: 'tenure' })).toEqual({ matched: 1, unmatched: 0 });
      expect((await all(store, { labeled: true })).map((r) => [r.requestId, r.label])).toEqual([['k1', 7], ['k2', 1], ['k3', 0]]);
      // No key column anywhere: a key label matches nothing.
      await store.append([rec({ deployment: 'nokey', requestId: 'n1', at: T0 })]);
      expect(await store.attachLabels('nokey', [{ key: 'c1', label: 1 }], WINDOW)).toEqual({ matched: 0, unmatched: 1 });
    });

    it('keeps shadow answers out of scans unless asked; a request id labels them too, a key never does', async () => {
      const shadowOf = (r: PredictionRecord, at: number): PredictionRecord => ({ ...r, version: '2', variant: 'shadow', outputs: { label: 'yes', probability: [0.3, 0.7] }, latencyMs: 0.75, at });
      const s1 = rec({ requestId: 's1', at: T0, inputs: { customer: 'c7', tenure: 1 } });
      const s2 = rec({ requestId: 's2', at: T0 + 10, inputs: { customer: 'c8', tenure: 2 } });
      // A shadow is logged after its primary, and its answer is the latest with its key.
      await store.append([s1, s2, shadowOf(s1, T0 + 5), shadowOf(s2, T0 + 15)]);
      expect((await all(store)).map((r) => `${r.requestId}/${r.variant}`)).toEqual(['s1/stable', 's2/stable']);
      const shadows = await all(store, { variant: 'shadow' });
      expect(shadows.map((r) => `${r.requestId}/${r.version}`)).toEqual(['s1/2', 's2/2']);
      expect(shadows[0]).toEqual(shadowOf(s1, T0 + 5));
      expect(await store.attachLabels('churn', [{ requestId: 's1', label: 'yes', at: T0 + 20 }, { key: 'c8', label: 'no', at: T0 + 20 }], WINDOW)).toEqual({ matched: 2, unmatched: 0 });
      expect((await all(store)).map((r) => [r.requestId, r.label])).toEqual([['s1', 'yes'], ['s2', 'no']]);
      expect((await all(store, { variant: 'shadow' })).map((r) => [r.requestId, r.label])).toEqual([['s1', 'yes'], ['s2', undefined]]);
    });

    it('joins only predictions made within the join window before the label, and never across deployments', async () => {
      const at = T0 + HOUR;
      await store.append([
        rec({ requestId: 'edge', at: at - WINDOW.joinWindowMs }),
        rec({ requestId: 'old', at: at - WINDOW.joinWindowMs - 1 }),
        rec({ requestId: 'later', at: at + 1 }),
        rec({ requestId: 'x', deployment: 'other', at }),
      ]);
      const result = await store.attachLabels('churn', ['edge', 'old', 'later', 'x'].map((requestId) => ({ requestId, label: 'yes', at })), WINDOW);
      expect(result).toEqual({ matched: 1, unmatched: 3 });
      expect((await all(store, { labeled: true })).map((r) => r.requestId)).toEqual(['edge']);
      const other: LoggedPrediction[] = [];
      await store.scan({ deployment: 'other', since: 0, until: T0 + DAY }, (b) => { other.push(...b); });
      expect(other[0]!.label).toBeUndefined();
    });

    it('a relabel replaces the label', async () => {
      await store.append([rec({ requestId: 'q', at: T0 })]);
      await store.attachLabels('churn', [{ requestId: 'q', label: 'no', at: T0 + 5 }], WINDOW);
      now.t += 1000;
      await store.attachLabels('churn', [{ requestId: 'q', label: 'yes' }], WINDOW);
      const rows = await all(store);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ label: 'yes', labeledAt: now.t });
    });

    it('rejects a join window that is not a positive duration', async () => {
      expect((await caught(() => store.attachLabels('churn', [{ requestId: 'q', label: 1 }], { joinWindowMs: 0 }))).code).toBe('INVALID_ARGUMENT');
    });

    it('prunes predictions answered before the retention bound, with their labels', async () => {
      await store.append([
        rec({ requestId: 'd-3', at: T0 - 3 * DAY }), rec({ requestId: 'd-2', at: T0 - 2 * DAY }),
        rec({ requestId: 'd0', at: T0 }), rec({ requestId: 'o-3', deployment: 'other', at: T0 - 3 * DAY }),
      ]);
      await store.attachLabels('churn', [{ requestId: 'd-3', label: 1, at: T0 - 3 * DAY + 1 }], WINDOW);
      // Midnight two days back: everything of the days before it goes.
      const before = Date.UTC(2026, 0, 8);
      expect(await store.prune(before)).toBe(2);
      expect((await all(store)).map((r) => r.requestId)).toEqual(['d-2', 'd0']);
      expect(await all(store, { labeled: true })).toEqual([]);
      expect(await store.prune(before)).toBe(0);
    });
  });
}
