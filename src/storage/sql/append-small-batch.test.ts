import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/cli.js';
import { openMetadataStore, type MetadataStore } from './open-metadata-store.js';

// The single-point fast path keeps each series' decoded tail in memory. Two stores over one
// database stand for two processes: each must notice the other's appends (its cached tail is
// then stale) and never write from a stale or rolled-back copy.

const PG_URI = process.env.PADDOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Pair {
  readonly a: MetadataStore;
  readonly b: MetadataStore;
  close(): Promise<void>;
}

function suite(name: string, openPair: () => Promise<Pair>): void {
  describe(name, () => {
    it('two writers alternating single points on one series lose none, in order', async () => {
      const { a, b, close } = await openPair();
      try {
        const run = await a.tracking.createRun({ experimentId: '0' });
        const id = run.info.runId;
        // 600 points: past two small-chunk boundaries (256), so merges and new chunks interleave.
        for (let step = 0; step < 600; step++) {
          const store = step % 3 === 0 ? b : a;
          await store.tracking.logBatch(id, { metrics: [{ key: 'loss', value: step / 2, step, timestamp: 1_700_000_000_000 + step }] });
        }
        const history = (await b.tracking.getMetricHistory(id, 'loss')).items;
        expect(history.map((m) => m.step)).toEqual(Array.from({ length: 600 }, (_, i) => i));
        expect(history.map((m) => m.value)).toEqual(Array.from({ length: 600 }, (_, i) => i / 2));
        const latest = (await a.tracking.getRun(id)).data.metrics;
        expect(latest).toEqual([{ key: 'loss', value: 299.5, step: 599, timestamp: 1_700_000_000_599 }]);
      } finally {
        await close();
      }
    });

    it('a large batch from another writer between single points is kept whole', async () => {
      const { a, b, close } = await openPair();
      try {
        const id = (await a.tracking.createRun({ experimentId: '0' })).info.runId;
        const point = (step: number) => ({ key: 'acc', value: step, step, timestamp: 1_000 + step });
        for (let s = 0; s < 10; s++) await a.tracking.logBatch(id, { metrics: [point(s)] });
        await b.tracking.logBatch(id, { metrics: Array.from({ length: 1000 }, (_, i) => point(10 + i)) });
        for (let s = 1010; s < 1020; s++) await a.tracking.logBatch(id, { metrics: [point(s)] });
        const steps = (await a.tracking.getMetricHistory(id, 'acc')).items.map((m) => m.step);
        expect(steps).toEqual(Array.from({ length: 1020 }, (_, i) => i));
      } finally {
        await close();
      }
    });

    it('a run deleted by another writer refuses points, and takes them again once restored', async () => {
      const { a, b, close } = await openPair();
      try {
        const id = (await a.tracking.createRun({ experimentId: '0' })).info.runId;
        await a.tracking.logBatch(id, { metrics: [{ key: 'x', value: 1, step: 0, timestamp: 1 }] });
        await b.tracking.deleteRun(id);
        await expect(a.tracking.logBatch(id, { metrics: [{ key: 'x', value: 2, step: 1, timestamp: 2 }] })).rejects.toMatchObject({ code: 'INVALID_STATE' });
        await b.tracking.restoreRun(id);
        await a.tracking.logBatch(id, { metrics: [{ key: 'x', value: 3, step: 2, timestamp: 3 }] });
        const history = (await b.tracking.getMetricHistory(id, 'x')).items;
        expect(history.map((m) => [m.step, m.value])).toEqual([[0, 1], [2, 3]]);
        await expect(a.tracking.logBatch('0'.repeat(32), { metrics: [{ key: 'x', value: 1, step: 0, timestamp: 1 }] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      } finally {
        await close();
      }
    });

    it('single NaN and ±Infinity points follow MLflow: stored as given, NaN never the larger value', async () => {
      const { a, b, close } = await openPair();
      try {
        const id = (await a.tracking.createRun({ experimentId: '0' })).info.runId;
        for (const value of [1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          await a.tracking.logBatch(id, { metrics: [{ key: 'v', value, step: 5, timestamp: 10 }] });
        }
        const values = (await b.tracking.getMetricHistory(id, 'v')).items.map((m) => m.value);
        expect(values).toEqual([1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
        // Same step and timestamp: the larger value is the latest; +Infinity beats 1, NaN never wins.
        expect((await b.tracking.getRun(id)).data.metrics).toEqual([{ key: 'v', value: Number.POSITIVE_INFINITY, step: 5, timestamp: 10 }]);
      } finally {
        await close();
      }
    });
  });
}

suite('small-batch fast path on SQLite, two stores on one file', async () => {
  const tmp = tempDir('paddock-fast-');
  const open = () => openMetadataStore('sqlite:paddock.db', { root: tmp.dir, artifactsRoot: `${tmp.dir}/artifacts` });
  const a = await open();
  const b = await open();
  return {
    a, b,
    close: async () => {
      await a.close();
      await b.close();
      tmp.cleanup();
    },
  };
});

describe('PostgreSQL', () => {
  const admin = new pg.Pool({ connectionString: PG_URI, max: 2 });
  afterAll(() => admin.end());
  suite('small-batch fast path on PostgreSQL, two stores on one schema', async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    await admin.query(`create schema ${schema}`);
    const uri = `${PG_URI}${PG_URI.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const a = await openMetadataStore(uri, { root: '/', artifactsRoot: 's3://bucket/artifacts' });
    const b = await openMetadataStore(uri, { root: '/', artifactsRoot: 's3://bucket/artifacts' });
    return {
      a, b,
      close: async () => {
        await a.close();
        await b.close();
        await admin.query(`drop schema ${schema} cascade`);
      },
    };
  });
});
