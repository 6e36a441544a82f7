import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPaddockError, type ErrorCode } from '../../core/errors.js';
import type { Metric, Run, TrackingStore } from '../../tracking/index.js';

/** A fresh, empty store and the artifacts root it was built with; `close` also removes it. */
export type MakeTrackingStore = () => Promise<{ readonly store: TrackingStore; readonly artifactsRoot: string; close(): Promise<void> }>;

async function code(promise: Promise<unknown>): Promise<ErrorCode | 'resolved' | 'other'> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    return isPaddockError(err) ? err.code : 'other';
  }
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(() => expect.unreachable('expected a rejection'), (err: Error) => err);
}

const T0 = 1_700_000_000_000;
const point = (key: string, value: number, step: number, timestamp = T0 + step): Metric => ({ key, value, step, timestamp });
const metricOf = (run: Run, key: string) => run.data.metrics.find((m) => m.key === key);

/**
 * The behaviour every TrackingStore adapter must show (MLflow's semantics, from its docs and
 * protos). Expected values are the inputs the test wrote, never something the store computed.
 */
export function trackingStoreContract(name: string, makeStore: MakeTrackingStore): void {
  describe(`TrackingStore contract: ${name}`, () => {
    let store: TrackingStore;
    let root: string;
    let close: () => Promise<void>;

    beforeEach(async () => {
      ({ store, artifactsRoot: root, close } = await makeStore());
    });
    afterEach(async () => {
      await close();
    });

    describe('experiments', () => {
      it('has the Default experiment 0, as MLflow creates on first open', async () => {
        const e = await store.getExperiment('0');
        expect(e).toMatchObject({ experimentId: '0', name: 'Default', lifecycleStage: 'active' });
        expect((await store.getExperimentByName('Default')).experimentId).toBe('0');
      });

      it('creates with numeric ids, unique names, tags and a default artifact location', async () => {
        const id = await store.createExperiment({ name: 'exp-a', tags: { team: 'ml' } });
        expect(id).toMatch(/^[1-9]\d*$/);
        const e = await store.getExperiment(id);
        expect(e).toMatchObject({ name: 'exp-a', lifecycleStage: 'active', tags: { team: 'ml' }, artifactLocation: `${root}/${id}` });
        expect(e.creationTime).toBeGreaterThan(0);
        expect(await code(store.createExperiment({ name: 'exp-a' }))).toBe('ALREADY_EXISTS');
        const other = await store.createExperiment({ name: 'exp-b', artifactLocation: 's3://bucket/elsewhere' });
        expect(other).not.toBe(id);
        expect((await store.getExperiment(other)).artifactLocation).toBe('s3://bucket/elsewhere');
        expect(await code(store.getExperiment('987654'))).toBe('NOT_FOUND');
        expect(await code(store.getExperimentByName('nope'))).toBe('NOT_FOUND');
        expect(await code(store.createExperiment({ name: '' }))).toBe('INVALID_ARGUMENT');
      });

      it('renames, refusing a taken name and deleted experiments', async () => {
        const a = await store.createExperiment({ name: 'a' });
        await store.createExperiment({ name: 'b' });
        await store.renameExperiment(a, 'a2');
        expect((await store.getExperiment(a)).name).toBe('a2');
        expect(await code(store.getExperimentByName('a'))).toBe('NOT_FOUND');
        expect(await code(store.renameExperiment(a, 'b'))).toBe('ALREADY_EXISTS');
        await store.deleteExperiment(a);
        expect(await code(store.renameExperiment(a, 'a3'))).toBe('INVALID_STATE');
      });

      it('soft-deletes with its runs, keeps the name, restores, and purges to free the name', async () => {
        const id = await store.createExperiment({ name: 'doomed' });
        const r1 = await store.createRun({ experimentId: id });
        const r2 = await store.createRun({ experimentId: id });
        await store.deleteRun(r2.info.runId);
        await store.deleteExperiment(id);
        expect((await store.getExperiment(id)).lifecycleStage).toBe('deleted');
        expect((await store.getExperimentByName('doomed')).lifecycleStage).toBe('deleted');
        expect((await store.getRun(r1.info.runId)).info.lifecycleStage).toBe('deleted');
        expect(await code(store.createExperiment({ name: 'doomed' }))).toBe('ALREADY_EXISTS');
        expect(await code(store.createRun({ experimentId: id }))).toBe('INVALID_STATE');
        expect(await code(store.restoreRun(r1.info.runId))).toBe('INVALID_STATE');
        await store.restoreExperiment(id);
        expect((await store.getRun(r1.info.runId)).info.lifecycleStage).toBe('active');
        // r2 was deleted on its own before: restoring the experiment does not bring it back.
        expect((await store.getRun(r2.info.runId)).info.lifecycleStage).toBe('deleted');
        expect(await code(store.purgeExperiment(id))).toBe('INVALID_STATE');
        await store.deleteExperiment(id);
        await store.purgeExperiment(id);
        expect(await code(store.getExperiment(id))).toBe('NOT_FOUND');
        expect(await code(store.getRun(r1.info.runId))).toBe('NOT_FOUND');
        const again = await store.createExperiment({ name: 'doomed' });
        expect(again).not.toBe(id);
        expect(await code(store.deleteExperiment('0'))).toBe('INVALID_ARGUMENT');
      });

      it('sets, replaces and deletes experiment tags', async () => {
        const id = await store.createExperiment({ name: 'tagged' });
        await store.setExperimentTag(id, 'k', 'v1');
        await store.setExperimentTag(id, 'k', 'v2');
        await store.setExperimentTag(id, 'other', 'x');
        expect((await store.getExperiment(id)).tags).toEqual({ k: 'v2', other: 'x' });
        await store.deleteExperimentTag(id, 'k');
        expect((await store.getExperiment(id)).tags).toEqual({ other: 'x' });
        expect(await code(store.deleteExperimentTag(id, 'k'))).toBe('NOT_FOUND');
        expect(await code(store.setExperimentTag('424242', 'k', 'v'))).toBe('NOT_FOUND');
      });

      it('searches with filters, or/parentheses, order by, view types and pages', async () => {
        const ids: string[] = [];
        for (const [n, team] of [['alpha', 'ml'], ['beta', 'ops'], ['gamma', 'ml'], ['Alpine', 'ml']] as const) {
          ids.push(await store.createExperiment({ name: n, tags: { team } }));
        }
        await store.deleteExperiment(ids[1]!);
        const names = async (q: Parameters<TrackingStore['searchExperiments']>[0]) => (await store.searchExperiments(q)).items.map((e) => e.name);
        expect(await names({ filter: "name LIKE 'al%'", orderBy: ['name'] })).toEqual(['alpha']);
        expect(await names({ filter: "name ILIKE 'al%'", orderBy: ['name'] })).toEqual(['Alpine', 'alpha']);
        expect(await names({ filter: "tags.team = 'ml' and (name = 'gamma' or name = 'alpha')", orderBy: ['name DESC'] })).toEqual(['gamma', 'alpha']);
        expect(await names({ viewType: 'DELETED_ONLY' })).toEqual(['beta']);
        expect((await names({ viewType: 'ALL' })).sort()).toEqual(['Alpine', 'Default', 'alpha', 'beta', 'gamma']);
        const p1 = await store.searchExperiments({ maxResults: 2, orderBy: ['name'] });
        expect(p1.items.map((e) => e.name)).toEqual(['Alpine', 'Default']);
        const p2 = await store.searchExperiments({ maxResults: 2, orderBy: ['name'], pageToken: p1.nextPageToken! });
        expect(p2.items.map((e) => e.name)).toEqual(['alpha', 'gamma']);
        expect(p2.nextPageToken).toBeUndefined();
        expect(await code(store.searchExperiments({ filter: 'name =' }))).toBe('INVALID_ARGUMENT');
        expect(await code(store.searchExperiments({ pageToken: 'garbage' }))).toBe('INVALID_ARGUMENT');
      });
    });

    describe('runs', () => {
      it('creates runs as MLflow: 32-hex id, RUNNING, artifact uri, name and reserved tags', async () => {
        const exp = await store.createExperiment({ name: 'runs' });
        const run = await store.createRun({ experimentId: exp, runName: 'first', userId: 'ada', startTime: T0, tags: { team: 'ml' } });
        expect(run.info.runId).toMatch(/^[0-9a-f]{32}$/);
        expect(run.info).toMatchObject({ experimentId: exp, runName: 'first', userId: 'ada', status: 'RUNNING', startTime: T0, lifecycleStage: 'active' });
        expect(run.info.endTime).toBeUndefined();
        expect(run.info.artifactUri).toBe(`${root}/${exp}/${run.info.runId}/artifacts`);
        expect(run.data.tags).toMatchObject({ 'mlflow.runName': 'first', 'mlflow.user': 'ada', team: 'ml' });
        const child = await store.createRun({ experimentId: exp, parentRunId: run.info.runId });
        expect(child.data.tags['mlflow.parentRunId']).toBe(run.info.runId);
        expect(child.info.runName.length).toBeGreaterThan(0);
        expect(child.data.tags['mlflow.runName']).toBe(child.info.runName);
        const byTag = await store.createRun({ experimentId: exp, tags: { 'mlflow.runName': 'from-tag' } });
        expect(byTag.info.runName).toBe('from-tag');
        expect(await code(store.createRun({ experimentId: '999999' }))).toBe('NOT_FOUND');
        expect(await code(store.getRun('0123456789abcdef0123456789abcdef'))).toBe('NOT_FOUND');
        expect(await code(store.getRun('not-a-run'))).toBe('NOT_FOUND');
      });

      it('updates status, end time and name (mirrored in mlflow.runName both ways)', async () => {
        const run = await store.createRun({ experimentId: '0', runName: 'old' });
        const info = await store.updateRun(run.info.runId, { status: 'FINISHED', endTime: T0 + 5, runName: 'new' });
        expect(info).toMatchObject({ status: 'FINISHED', endTime: T0 + 5, runName: 'new' });
        expect((await store.getRun(run.info.runId)).data.tags['mlflow.runName']).toBe('new');
        await store.logBatch(run.info.runId, { tags: { 'mlflow.runName': 'newer' } });
        expect((await store.getRun(run.info.runId)).info.runName).toBe('newer');
        expect(await code(store.updateRun(run.info.runId, { status: 'DONE' as never }))).toBe('INVALID_ARGUMENT');
      });

      it('refuses writes to a deleted run with INVALID_STATE until restored', async () => {
        const { info } = await store.createRun({ experimentId: '0' });
        await store.deleteRun(info.runId);
        expect((await store.getRun(info.runId)).info.lifecycleStage).toBe('deleted');
        expect(await code(store.logBatch(info.runId, { metrics: [point('m', 1, 0)] }))).toBe('INVALID_STATE');
        expect(await code(store.logBatch(info.runId, { params: [{ key: 'p', value: '1' }] }))).toBe('INVALID_STATE');
        expect(await code(store.updateRun(info.runId, { status: 'FAILED' }))).toBe('INVALID_STATE');
        expect(await code(store.logInputs(info.runId, [{ name: 'd', digest: 'abc', sourceType: 'local', source: 'data.csv', tags: {} }]))).toBe('INVALID_STATE');
        await store.restoreRun(info.runId);
        await store.logBatch(info.runId, { metrics: [point('m', 1, 0)] });
        expect(metricOf(await store.getRun(info.runId), 'm')?.value).toBe(1);
      });

      it('sets and deletes run tags', async () => {
        const { info } = await store.createRun({ experimentId: '0' });
        await store.logBatch(info.runId, { tags: { a: '1', b: '2' } });
        await store.logBatch(info.runId, { tags: { a: '3' } });
        await store.deleteTag(info.runId, 'b');
        const tags = (await store.getRun(info.runId)).data.tags;
        expect(tags.a).toBe('3');
        expect(tags.b).toBeUndefined();
        expect(await code(store.deleteTag(info.runId, 'b'))).toBe('NOT_FOUND');
      });
    });

    describe('params and metrics', () => {
      it('params are write-once: the same value again is fine, another names the key and both values', async () => {
        const { info } = await store.createRun({ experimentId: '0' });
        await store.logBatch(info.runId, { params: [{ key: 'lr', value: '0.1' }, { key: 'model', value: 'gbdt' }] });
        await store.logBatch(info.runId, { params: [{ key: 'lr', value: '0.1' }] });
        const err = await errorOf(store.logBatch(info.runId, { params: [{ key: 'lr', value: '0.2' }] }));
        expect(isPaddockError(err, 'INVALID_ARGUMENT')).toBe(true);
        expect(err.message).toContain('lr');
        expect(err.message).toContain('0.1');
        expect(err.message).toContain('0.2');
        const params = (await store.getRun(info.runId)).data.params;
        expect(Object.fromEntries(params.map((p) => [p.key, p.value]))).toEqual({ lr: '0.1', model: 'gbdt' });
      });

      it('rejects invalid keys and values with INVALID_ARGUMENT', async () => {
        const { info } = await store.createRun({ experimentId: '0' });
        expect(await code(store.logBatch(info.runId, { metrics: [point('../etc', 1, 0)] }))).toBe('INVALID_ARGUMENT');
        expect(await code(store.logBatch(info.runId, { metrics: [{ key: 'm', value: '1' as never, step: 0, timestamp: T0 }] }))).toBe('INVALID_ARGUMENT');
        expect(await code(store.logBatch(info.runId, { metrics: [{ key: 'm', value: 1, step: 0.5, timestamp: T0 }] }))).toBe('INVALID_ARGUMENT');
        expect(await code(store.logBatch(info.runId, { params: [{ key: 'p', value: 'x'.repeat(6001) }] }))).toBe('INVALID_ARGUMENT');
      });

      it('takes batches far past MLflow\'s limits (2,000 params and tags, 50,000 points)', async () => {
        const { info } = await store.createRun({ experimentId: '0' });
        const params = Array.from({ length: 2000 }, (_, i) => ({ key: `p${i}`, value: String(i) }));
        const tags = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`t${i}`, String(i)]));
        const metrics = Array.from({ length: 50_000 }, (_, i) => point(`k${i % 5}`, i, Math.floor(i / 5)));
        await store.logBatch(info.runId, { params, tags, metrics });
        const run = await store.getRun(info.runId);
        expect(run.data.params).toHaveLength(2000);
        expect(run.data.tags.t1999).toBe('1999');
        expect(metricOf(run, 'k4')).toEqual(point('k4', 49_999, 9999));
        expect((await store.getMetricHistory(info.runId, 'k0')).items).toHaveLength(10_000);
      });

      it('logBatch is atomic: one bad param stores nothing of the batch', async () => {
        const { info } = await store.createRun({ experimentId: '0' });
        await store.logBatch(info.runId, { params: [{ key: 'lr', value: '0.1' }] });
        const bad = store.logBatch(info.runId, {
          metrics: Array.from({ length: 500 }, (_, i) => point('loss', 1 / (i + 1), i)),
          params: [{ key: 'fresh', value: 'yes' }, { key: 'lr', value: '0.5' }],
          tags: { batch: 'bad' },
        });
        expect(await code(bad)).toBe('INVALID_ARGUMENT');
        const run = await store.getRun(info.runId);
        expect(run.data.metrics).toEqual([]);
        expect(run.data.params.map((p) => p.key)).toEqual(['lr']);
        expect(run.data.tags.batch).toBeUndefined();
        expect((await store.getMetricHistory(info.runId, 'loss')).items).toEqual([]);
      });

      it('stores and returns NaN and ±Infinity (history and latest)', async () => {
        const { info } = await store.createRun({ experimentId: '0' });
        await store.logBatch(info.runId, { metrics: [point('x', Number.NaN, 0), point('x', Infinity, 1), point('x', -Infinity, 2), point('y', Number.NaN, 3)] });
        const h = (await store.getMetricHistory(info.runId, 'x')).items.map((m) => m.value);
        expect(h).toEqual([Number.NaN, Infinity, -Infinity]);
        const run = await store.getRun(info.runId);
        expect(metricOf(run, 'x')?.value).toBe(-Infinity);
        expect(metricOf(run, 'y')?.value).toBeNaN();
      });

      it('keeps the latest point per key by (step, timestamp, value), as MLflow', async () => {
        const { info } = await store.createRun({ experimentId: '0' });
        await store.logBatch(info.runId, { metrics: [point('m', 5, 10, T0), point('m', 1, 3, T0 + 100)] });
        await store.logBatch(info.runId, { metrics: [point('m', 2, 7, T0 + 999)] });
        expect(metricOf(await store.getRun(info.runId), 'm')).toEqual({ key: 'm', value: 5, step: 10, timestamp: T0 });
        await store.logBatch(info.runId, { metrics: [point('m', 4, 10, T0 + 1)] });
        expect(metricOf(await store.getRun(info.runId), 'm')?.value).toBe(4);
        await store.logBatch(info.runId, { metrics: [point('m', 9, 10, T0 + 1), point('m', 3, 10, T0 + 1)] });
        expect(metricOf(await store.getRun(info.runId), 'm')?.value).toBe(9);
      });

      it('returns history in step order with pages, from many small and large appends', async () => {
        const { info } = await store.createRun({ experimentId: '0' });
        for (let i = 0; i < 20; i++) await store.logBatch(info.runId, { metrics: [point('acc', i, i)] });
        await store.logBatch(info.runId, { metrics: Array.from({ length: 2480 }, (_, i) => point('acc', 20 + i, 20 + i)) });
        // Out of order: step 5 logged again later sorts among step 5.
        await store.logBatch(info.runId, { metrics: [point('acc', -1, 5, T0 + 10_000)] });
        const all: Metric[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const page = await store.getMetricHistory(info.runId, 'acc', { maxResults: 1000, ...(token ? { pageToken: token } : {}) });
          all.push(...page.items);
          token = page.nextPageToken;
          pages++;
        } while (token);
        expect(pages).toBe(3);
        expect(all).toHaveLength(2501);
        expect(all.slice(4, 8).map((m) => [m.step, m.value])).toEqual([[4, 4], [5, 5], [5, -1], [6, 6]]);
        expect(all.at(-1)).toEqual(point('acc', 2499, 2499));
        expect(await code(store.getMetricHistory(info.runId, 'acc', { pageToken: 'bm9wZQ==' }))).toBe('INVALID_ARGUMENT');
        expect((await store.getMetricHistory(info.runId, 'never')).items).toEqual([]);
      });

      it('serves a series as columns, downsampled keeping extremes and ends', async () => {
        const { info } = await store.createRun({ experimentId: '0' });
        const n = 10_000;
        const values = Array.from({ length: n }, (_, i) => Math.sin(i / 50));
        values[4321] = 99;
        values[777] = -99;
        await store.logBatch(info.runId, { metrics: values.map((v, i) => point('wave', v, i)) });
        const full = await store.getMetricSeries(info.runId, 'wave');
        expect(full.values).toBeInstanceOf(Float64Array);
        expect(full.steps.length).toBe(n);
        expect(full.values[4321]).toBe(99);
        const small = await store.getMetricSeries(info.runId, 'wave', { maxPoints: 200 });
        expect(small.steps.length).toBeLessThanOrEqual(200);
        expect(small.steps.length).toBeGreaterThan(100);
        expect(Array.from(small.values)).toContain(99);
        expect(Array.from(small.values)).toContain(-99);
        expect(small.steps[0]).toBe(0);
        expect(small.steps.at(-1)).toBe(n - 1);
      });

      it('loses no point when many batches for one run and key are logged at once', async () => {
        const { info } = await store.createRun({ experimentId: '0' });
        // Small batches take the merge-into-last-chunk path, the one concurrent writers contend on.
        await Promise.all(Array.from({ length: 40 }, (_, w) => store.logBatch(info.runId, {
          metrics: Array.from({ length: w % 2 ? 3 : 1 }, (_, i) => point('c', w, w * 10 + i)),
          params: [{ key: 'shared', value: 'same' }],
        })));
        const h = (await store.getMetricHistory(info.runId, 'c')).items;
        expect(h).toHaveLength(20 * 3 + 20 * 1);
        expect(new Set(h.map((m) => m.step)).size).toBe(80);
        expect(metricOf(await store.getRun(info.runId), 'c')?.step).toBe(392);
      });

      it('logs inputs, storing each dataset once per (name, digest)', async () => {
        const exp = await store.createExperiment({ name: 'inputs' });
        const a = await store.createRun({ experimentId: exp });
        const b = await store.createRun({ experimentId: exp });
        const ds = { name: 'train', digest: 'd41d8cd98f00b204e9800998ecf8427e', sourceType: 'local', source: 'data/train.csv', tags: { 'mlflow.data.context': 'training' } };
        await store.logInputs(a.info.runId, [ds]);
        await store.logInputs(a.info.runId, [ds]);
        await store.logInputs(b.info.runId, [ds, { ...ds, digest: 'ffff', tags: {} }]);
        expect((await store.getRun(a.info.runId)).inputs).toEqual([ds]);
        const bi = (await store.getRun(b.info.runId)).inputs;
        expect(bi.map((d) => d.digest).sort()).toEqual(['d41d8cd98f00b204e9800998ecf8427e', 'ffff']);
        const found = await store.searchRuns({ experimentIds: [exp], filter: "datasets.digest = 'ffff'" });
        expect(found.items.map((r) => r.info.runId)).toEqual([b.info.runId]);
        const ctx = await store.searchRuns({ experimentIds: [exp], filter: "datasets.context = 'training'" });
        expect(ctx.items.map((r) => r.info.runId).sort()).toEqual([a.info.runId, b.info.runId].sort());
      });
    });

    describe('searchRuns', () => {
      // Five runs with known data; each expectation is worked out by hand from this table.
      const table = [
        { name: 'r1', auc: 0.95, model: 'gbdt', team: 'ml-core', status: 'FINISHED', start: T0 + 1 },
        { name: 'r2', auc: 0.85, model: 'gbdt', team: 'ops', status: 'FAILED', start: T0 + 2 },
        { name: 'r3', auc: 0.91, model: 'linear', team: 'ML-vision', status: 'FINISHED', start: T0 + 3 },
        { name: 'r4', auc: undefined, model: 'linear', team: undefined, status: 'RUNNING', start: T0 + 4 },
        { name: 'r5', auc: Number.NaN, model: 'rf', team: 'ml-core', status: 'KILLED', start: T0 + 5 },
      ];
      let exp: string;
      beforeEach(async () => {
        exp = await store.createExperiment({ name: 'search' });
        for (const r of table) {
          const run = await store.createRun({ experimentId: exp, runName: r.name, startTime: r.start, ...(r.team ? { tags: { team: r.team } } : {}) });
          await store.logBatch(run.info.runId, {
            params: [{ key: 'model', value: r.model }],
            metrics: r.auc === undefined ? [] : [point('auc', r.auc, 0)],
          });
          await store.updateRun(run.info.runId, { status: r.status as never });
        }
      });
      const names = async (filter: string, orderBy: string[] = ['attributes.run_name']) =>
        (await store.searchRuns({ experimentIds: [exp], filter, orderBy })).items.map((r) => r.info.runName);

      it('filters by metrics, params, tags and attributes', async () => {
        expect(await names('metrics.auc > 0.9')).toEqual(['r1', 'r3']);
        expect(await names("metrics.auc > 0.9 and params.model = 'gbdt'")).toEqual(['r1']);
        expect(await names("tags.team LIKE 'ml%'")).toEqual(['r1', 'r5']);
        expect(await names("tags.team ILIKE 'ml%'")).toEqual(['r1', 'r3', 'r5']);
        expect(await names("attributes.status = 'FINISHED'")).toEqual(['r1', 'r3']);
        expect(await names("status IN ('FAILED', 'KILLED')")).toEqual(['r2', 'r5']);
        expect(await names("params.model != 'gbdt'")).toEqual(['r3', 'r4', 'r5']);
        expect(await names('tags.team IS NULL')).toEqual(['r4']);
        expect(await names(`attributes.start_time >= ${T0 + 4}`)).toEqual(['r4', 'r5']);
        expect(await names("attributes.run_name = 'r2'")).toEqual(['r2']);
        expect(await names('metrics.auc != 0.85')).toEqual(['r1', 'r3', 'r5']);
        expect(await names('metrics.`auc` <= 0.91')).toEqual(['r2', 'r3']);
      });

      it('adds or and parentheses to MLflow grammar', async () => {
        expect(await names("params.model = 'rf' or metrics.auc < 0.9")).toEqual(['r2', 'r5']);
        expect(await names("(params.model = 'linear' or params.model = 'rf') and tags.team LIKE '%core'")).toEqual(['r5']);
        expect(await names("params.model = 'linear' or (params.model = 'gbdt' and metrics.auc > 0.9)")).toEqual(['r1', 'r3', 'r4']);
      });

      it('orders by metrics, params and attributes with absent values last', async () => {
        expect(await names('', ['metrics.auc DESC'])).toEqual(['r1', 'r3', 'r2', 'r5', 'r4']);
        expect(await names('', ['metrics.auc ASC'])).toEqual(['r2', 'r3', 'r1', 'r5', 'r4']);
        expect(await names('', ['params.model', 'attributes.start_time DESC'])).toEqual(['r2', 'r1', 'r4', 'r3', 'r5']);
        // A filter on the ordered metric itself, with more conditions beside it.
        expect(await names("metrics.auc >= 0.85 and params.model = 'gbdt'", ['metrics.auc ASC'])).toEqual(['r2', 'r1']);
        expect(await names("metrics.auc > 0.5 and (tags.team LIKE 'ml%' or tags.team IS NULL)", ['metrics.auc DESC'])).toEqual(['r1']);
        expect(await names("metrics.auc < 2 and params.model != 'linear'", ['metrics.auc DESC', 'attributes.run_name'])).toEqual(['r1', 'r2']);
        // Default order: start_time DESC.
        expect((await store.searchRuns({ experimentIds: [exp] })).items.map((r) => r.info.runName)).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
      });

      it('pages stably with opaque tokens and honours view types', async () => {
        const seen: string[] = [];
        let token: string | undefined;
        do {
          const page = await store.searchRuns({ experimentIds: [exp], maxResults: 2, orderBy: ['params.model'], ...(token ? { pageToken: token } : {}) });
          seen.push(...page.items.map((r) => r.info.runName));
          token = page.nextPageToken;
        } while (token);
        expect(seen).toEqual(['r2', 'r1', 'r4', 'r3', 'r5']);
        const r4 = (await store.searchRuns({ experimentIds: [exp], filter: "attributes.run_name = 'r4'" })).items[0]!;
        await store.deleteRun(r4.info.runId);
        expect(await names('')).toEqual(['r1', 'r2', 'r3', 'r5']);
        expect((await store.searchRuns({ experimentIds: [exp], viewType: 'DELETED_ONLY' })).items.map((r) => r.info.runName)).toEqual(['r4']);
        expect((await store.searchRuns({ experimentIds: [exp], viewType: 'ALL' })).items).toHaveLength(5);
        expect(await code(store.searchRuns({ experimentIds: [exp], filter: 'metrics.auc >' }))).toBe('INVALID_ARGUMENT');
        expect(await code(store.searchRuns({ experimentIds: [exp], orderBy: ['nope.x'] }))).toBe('INVALID_ARGUMENT');
        expect(await code(store.searchRuns({ experimentIds: [exp], pageToken: 'eyJvIjoxfQ==' }))).toBe('INVALID_ARGUMENT');
      });

      it('returns full run data and searches several experiments', async () => {
        const other = await store.createExperiment({ name: 'other' });
        const run = await store.createRun({ experimentId: other, runName: 'r1' });
        await store.logBatch(run.info.runId, { metrics: [point('auc', 0.99, 0)] });
        const found = await store.searchRuns({ experimentIds: [exp, other], filter: 'metrics.auc > 0.9', orderBy: ['metrics.auc DESC'] });
        expect(found.items.map((r) => r.data.metrics[0]?.value)).toEqual([0.99, 0.95, 0.91]);
        expect(found.items[1]!.data.params).toEqual([{ key: 'model', value: 'gbdt' }]);
        expect(found.items[1]!.data.tags.team).toBe('ml-core');
      });

      it('lists every param, metric and tag key of the experiment\'s active runs (experimentColumns, where offered)', async () => {
        if (!store.experimentColumns) return;
        const r2 = (await store.searchRuns({ experimentIds: [exp], filter: "attributes.run_name = 'r2'" })).items[0]!;
        await store.logBatch(r2.info.runId, { params: [{ key: 'lr', value: '0.1' }], metrics: [point('val loss', 0.3, 0)], tags: { 'Zeta tag': 'z' } });
        // Another experiment's keys and a deleted run's keys are not this experiment's columns.
        const other = await store.createExperiment({ name: 'other-cols' });
        const elsewhere = await store.createRun({ experimentId: other, runName: 'x' });
        await store.logBatch(elsewhere.info.runId, { params: [{ key: 'only_there', value: '1' }] });
        const r4 = (await store.searchRuns({ experimentIds: [exp], filter: "attributes.run_name = 'r4'" })).items[0]!;
        await store.logBatch(r4.info.runId, { params: [{ key: 'deleted_only', value: '1' }], metrics: [point('deleted_metric', 1, 0)] });
        await store.deleteRun(r4.info.runId);

        const cols = await store.experimentColumns(exp);
        expect(cols.params).toEqual(['lr', 'model']);
        expect(cols.metrics).toEqual(['auc', 'val loss']);
        expect(cols.tags).toContain('team');
        expect(cols.tags).toContain('Zeta tag');
        expect(cols.tags).not.toContain('deleted_only');
        expect([...cols.tags]).toEqual([...cols.tags].sort());
        expect(await store.experimentColumns(other)).toMatchObject({ params: ['only_there'], metrics: [] });
        expect(await code(store.experimentColumns('987654'))).toBe('NOT_FOUND');
      });
    });
  });
}
