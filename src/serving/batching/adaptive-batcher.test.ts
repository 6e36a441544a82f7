import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildMonitoringProfile } from '../../app-model-packages.js';
import {
  checkRows, openPredictor, parseTrainerParams, readModelPackage, trainPackage,
  type InputRow, type ModelPackage, type PredictionRow, type Predictor,
} from '../../models/index.js';
import { caught } from '../../test-support/caught.js';
import { tempDir } from '../../test-support/cli.js';
import { MLP_REFERENCE, MLP_ROWS, writeMlpPackage } from '../../test-support/mlp-fixture.js';
import { ModelPool } from '../model-pool.js';
import { ServedVersion } from '../served-version.js';
import { AdaptiveBatcher, type BatcherTarget } from './adaptive-batcher.js';

const reference = MLP_REFERENCE;
const ROWS = MLP_ROWS;
const probs = (p: PredictionRow | undefined) => p!.probabilities as readonly number[];

const tmp = tempDir('paddock-batcher-');
let mlp: ModelPackage;
let trained: ModelPackage;
const FLIGHTS: InputRow[] = Array.from({ length: 12 }, (_, i) => ({ hour: (i * 5) % 24, distance: 150 + i * 211, origin: ['ATL', 'ORD', 'SEA'][i % 3]! }));

beforeAll(async () => {
  mlp = await writeMlpPackage(path.join(tmp.dir, 'mlp'));
  const data = path.join(tmp.dir, 'flights.csv');
  const lines = Array.from({ length: 200 }, (_, i) => {
    const hour = (i * 7) % 24;
    const distance = 100 + ((i * 37) % 2900);
    const origin = ['ATL', 'ORD', 'SEA'][i % 3]!;
    return `${hour},${distance},${origin},${hour / 24 + distance / 3000 + (origin === 'ORD' ? 0.4 : 0) + ((i * 13) % 10) / 20 > 1 ? 1 : 0}`;
  });
  writeFileSync(data, `hour,distance,origin,late\n${lines.join('\n')}\n`);
  trained = (await trainPackage({ data, task: 'classification', target: 'late', features: ['hour', 'distance', 'origin'], params: parseTrainerParams({ algorithm: 'gbdt', n_estimators: 5, max_depth: 3 }, 'test'), name: 'flights', outDir: path.join(tmp.dir, 'trained'), lineage: {}, producerVersion: '0.0.0-test', buildMonitoringProfile })).pkg;
});
afterAll(tmp.cleanup);

/** A real predictor whose model calls are recorded (their row counts). */
async function counted(pkg: ModelPackage): Promise<{ predictor: Predictor; batches: number[] }> {
  const inner = await openPredictor(pkg);
  const batches: number[] = [];
  const predictor: Predictor = { pkg, predict: (rows) => (batches.push(rows.length), inner.predict(rows)), close: () => inner.close() };
  return { predictor, batches };
}

function batcherOn(predictor: Predictor, maxBatchSize: number, maxLatencyMs: number): AdaptiveBatcher {
  return new AdaptiveBatcher({ run: (rows) => predictor.predict(rows), validate: (rows) => checkRows(predictor.pkg.manifest, rows) }, { maxBatchSize, maxLatencyMs });
}

describe('AdaptiveBatcher on real ONNX models', () => {
  it('8 concurrent single-row requests on the 300k MLP: one model call, numpy’s outputs to 1e-5', async () => {
    const { predictor, batches } = await counted(mlp);
    const batcher = batcherOn(predictor, 64, 20);
    const answers = await Promise.all(ROWS.map((r) => batcher.predict([r])));
    expect(batches).toEqual([8]);
    expect(batcher.calls).toBe(1);
    answers.forEach((a, i) => {
      expect(a).toHaveLength(1);
      const p = probs(a[0]);
      reference.output.rows[i]!.forEach((v, k) => expect(Math.abs(p[k]! - v)).toBeLessThan(1e-5));
    });
    await predictor.close();
  });

  it('a trained package: batched answers equal unbatched predict, request by request', async () => {
    const { predictor, batches } = await counted(trained);
    const alone = await predictor.predict(FLIGHTS);
    batches.length = 0;
    const batcher = batcherOn(predictor, 64, 20);
    const requests = [FLIGHTS.slice(0, 1), FLIGHTS.slice(1, 4), FLIGHTS.slice(4, 5), FLIGHTS.slice(5, 12)];
    const answers = await Promise.all(requests.map((rows) => batcher.predict(rows)));
    expect(batches).toEqual([12]);
    expect(answers.map((a) => a.length)).toEqual([1, 3, 1, 7]);
    expect(answers.flat()).toEqual(alone);
    await predictor.close();
  });

  it('a bad request fails alone with its own row numbers; the rest of its batch is answered', async () => {
    const { predictor, batches } = await counted(mlp);
    const batcher = batcherOn(predictor, 64, 10);
    const { f7: _dropped, ...noF7 } = ROWS[2]!;
    const results = await Promise.allSettled([batcher.predict([ROWS[0]!]), batcher.predict([ROWS[1]!, noF7]), batcher.predict([ROWS[3]!])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const err = (results[1] as PromiseRejectedResult).reason as { code: string; message: string };
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain("row 2: missing column 'f7'");
    expect(batches).toEqual([2]);
    expect(Math.abs(probs((results[2] as PromiseFulfilledResult<PredictionRow[]>).value[0])[1]! - reference.output.rows[3]![1]!)).toBeLessThan(1e-5);
    await predictor.close();
  });

  it('splits at maxBatchSize; a request larger than it runs alone, at once', async () => {
    const { predictor, batches } = await counted(mlp);
    const batcher = batcherOn(predictor, 3, 50);
    const answers = await Promise.all([...ROWS.map((r) => batcher.predict([r])), batcher.predict(ROWS.slice(0, 5))]);
    // 8 single rows: 3 + 3 cut when full, the big request alone meanwhile, then 2 when the timer fires.
    expect(batches).toEqual([3, 3, 5, 2]);
    answers.slice(0, 8).forEach((a, i) => expect(Math.abs(probs(a[0])[0]! - reference.output.rows[i]![0]!)).toBeLessThan(1e-5));
    expect(answers[8]!.map((p) => probs(p)[0])).toEqual(answers.slice(0, 5).map((a) => probs(a[0])[0]));
    await predictor.close();
  });
});

/** A model stand-in that answers row i with {y: row.x * 2} after `ms`, recording its calls. */
function fakeTarget(ms = 0, error?: Error): BatcherTarget & { batches: number[] } {
  const batches: number[] = [];
  return {
    batches,
    validate: (rows) => rows.forEach((r, i) => { if (typeof r.x !== 'number') throw new Error(`row ${i + 1}: x must be a number`); }),
    run: async (rows) => {
      batches.push(rows.length);
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
      if (error) throw error;
      return rows.map((r) => ({ y: (r.x as number) * 2 }));
    },
  };
}

describe('AdaptiveBatcher timing and failures', () => {
  it('a model error fails every request of that batch, and only that batch', async () => {
    const failing = fakeTarget(0, new Error('onnxruntime: out of memory'));
    const batcher = new AdaptiveBatcher(failing, { maxBatchSize: 2, maxLatencyMs: 5 });
    const results = await Promise.allSettled([batcher.predict([{ x: 1 }]), batcher.predict([{ x: 2 }])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(((results[0] as PromiseRejectedResult).reason as Error).message).toBe('onnxruntime: out of memory');
    const ok = fakeTarget();
    const good = new AdaptiveBatcher(ok, { maxBatchSize: 8, maxLatencyMs: 5 });
    expect(await Promise.all([good.predict([{ x: 1 }]), good.predict([{ x: 4 }, { x: 5 }])])).toEqual([[{ y: 2 }], [{ y: 8 }, { y: 10 }]]);
    expect(ok.batches).toEqual([3]);
  });

  it('a lone request waits maxLatencyMs for company, then runs alone', async () => {
    vi.useFakeTimers();
    try {
      const target = fakeTarget();
      const batcher = new AdaptiveBatcher(target, { maxBatchSize: 64, maxLatencyMs: 40 });
      let answer: unknown;
      void batcher.predict([{ x: 3 }]).then((a) => (answer = a));
      await vi.advanceTimersByTimeAsync(39);
      expect(answer).toBeUndefined();
      expect(target.batches).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(answer).toEqual([{ y: 6 }]);
      expect(target.batches).toEqual([1]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a full batch runs at once without waiting for the timer', async () => {
    vi.useFakeTimers();
    try {
      const target = fakeTarget();
      const batcher = new AdaptiveBatcher(target, { maxBatchSize: 4, maxLatencyMs: 5_000 });
      // No timer is advanced: only a batch that runs as soon as it is full can answer.
      expect(await Promise.all([1, 2, 3, 4].map((x) => batcher.predict([{ x }])))).toEqual([[{ y: 2 }], [{ y: 4 }], [{ y: 6 }], [{ y: 8 }]]);
      expect(target.batches).toEqual([4]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('close runs the waiting requests now and leaves no timer behind', async () => {
    vi.useFakeTimers();
    try {
      const target = fakeTarget();
      const batcher = new AdaptiveBatcher(target, { maxBatchSize: 64, maxLatencyMs: 1_000 });
      const waiting = Promise.all([batcher.predict([{ x: 1 }]), batcher.predict([{ x: 2 }])]);
      expect(vi.getTimerCount()).toBe(1);
      batcher.close();
      expect(vi.getTimerCount()).toBe(0);
      expect(await waiting).toEqual([[{ y: 2 }], [{ y: 4 }]]);
      // After close a request runs alone at once: no new timer.
      const late = batcher.predict([{ x: 5 }]);
      expect(vi.getTimerCount()).toBe(0);
      expect(await late).toEqual([{ y: 10 }]);
      expect(target.batches).toEqual([2, 1]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects unusable limits', async () => {
    expect((await caught(async () => new AdaptiveBatcher(fakeTarget(), { maxBatchSize: 0, maxLatencyMs: 2 }))).code).toBe('INVALID_ARGUMENT');
    expect((await caught(async () => new AdaptiveBatcher(fakeTarget(), { maxBatchSize: 8, maxLatencyMs: -1 }))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('batching in the pool', () => {
  it('ServedVersion: concurrent leases share one model call; close leaves no batch behind', async () => {
    const { predictor, batches } = await counted(mlp);
    const info = { name: 'mlp', ref: mlp.dir, version: '1', ready: true, manifest: mlp.manifest, loadedAt: 0 };
    let closed = 0;
    const version = new ServedVersion(info, predictor, { acquired: () => undefined, released: () => undefined, closed: () => closed++ }, { maxBatchSize: 16, maxLatencyMs: 10 });
    const leases = ROWS.map(() => version.lease());
    const answers = await Promise.all(leases.map((l, i) => l.predict([ROWS[i]!])));
    expect(batches).toEqual([8]);
    expect(version.batchedCalls).toBe(1);
    answers.forEach((a, i) => expect(Math.abs(probs(a[0])[1]! - reference.output.rows[i]![1]!)).toBeLessThan(1e-5));
    leases.forEach((l) => l.release());
    version.retire();
    await version.close();
    expect(closed).toBe(1);
  });

  it('ModelPool.add with batching: leases answer as unbatched predict; bad limits are refused', async () => {
    const pool = new ModelPool({ resolver: { resolve: async () => ({ pkg: await readModelPackage(trained.dir) }) } });
    try {
      await pool.add('flights', trained.dir, { batching: { maxBatchSize: 32, maxLatencyMs: 5 } });
      const { predictor } = await counted(trained);
      const alone = await predictor.predict(FLIGHTS);
      await predictor.close();
      const answers = await Promise.all(FLIGHTS.map(async (row) => {
        const lease = pool.lease('flights');
        try {
          return await lease.predict([row]);
        } finally {
          lease.release();
        }
      }));
      expect(answers.flat()).toEqual(alone);
      expect((await caught(() => pool.add('other', trained.dir, { batching: { maxBatchSize: 1.5, maxLatencyMs: 5 } }))).code).toBe('INVALID_ARGUMENT');
    } finally {
      await pool.close();
    }
  });
});
