import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPaddockError, type ErrorCode } from '../core/errors.js';
import { startTestServer } from '../http/test-server.js';
import { tempDir } from '../test-support/cli.js';
import type { Metric } from '../tracking/index.js';
import { createClient, type PaddockClient } from './index.js';

/** A client over a fresh store, and where that store keeps a run's artifact files on disk. */
interface Harness {
  readonly client: PaddockClient;
  artifactDir(experimentId: string, runId: string): string;
  close(): Promise<void>;
}

async function code(promise: Promise<unknown>): Promise<ErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    if (isPaddockError(err)) return err.code;
    throw err;
  }
}

/** The same behaviour through both adapters of the port: the local store and a server by URL. */
function sdkSuite(name: string, make: () => Promise<Harness>): void {
  describe(`SDK over ${name}`, () => {
    let h: Harness;
    let work: { dir: string; cleanup: () => void };
    beforeEach(async () => {
      h = await make();
      work = tempDir('paddock-sdk-files-');
    });
    afterEach(async () => {
      await h.close();
      work.cleanup();
    });

    it('creates the experiment on first use and records params, metrics, tags and status', async () => {
      const run = await h.client.startRun({ experiment: 'churn', runName: 'first', tags: { team: 'ml' } });
      await run.logParams({ lr: 0.1, model: 'gbdt', deep: true });
      run.logMetric('loss', 0.9, 0);
      run.logMetrics({ loss: 0.5, auc: 0.8 }, 1);
      await run.setTag('note', 'hello');
      await run.end();
      const store = await h.client.store();
      const exp = await store.getExperimentByName('churn');
      expect(run.experimentId).toBe(exp.experimentId);
      const stored = await store.getRun(run.runId);
      expect(stored.info).toMatchObject({ status: 'FINISHED', runName: 'first' });
      expect(stored.info.endTime).toBeGreaterThanOrEqual(stored.info.startTime);
      expect(Object.fromEntries(stored.data.params.map((p) => [p.key, p.value]))).toEqual({ lr: '0.1', model: 'gbdt', deep: 'true' });
      expect(Object.fromEntries(stored.data.metrics.map((m) => [m.key, [m.value, m.step]]))).toEqual({ loss: [0.5, 1], auc: [0.8, 1] });
      expect(stored.data.tags).toMatchObject({ team: 'ml', note: 'hello', 'mlflow.source.type': 'LOCAL' });
      // A second run finds the experiment instead of creating another.
      const again = await h.client.startRun({ experiment: 'churn' });
      expect(again.experimentId).toBe(exp.experimentId);
      await again.end('KILLED');
      expect((await store.getRun(again.runId)).info.status).toBe('KILLED');
    });

    it('logMetric does not wait for the store: 10,000 calls return nothing to await, all stored after end()', async () => {
      const run = await h.client.startRun({ experiment: 'speed' });
      // Buffered, not written per call: each call returns at once, with no promise. (How fast is
      // the bench's business, not a timed unit test's: a 50 ms bound failed on a busy machine.)
      const returned = new Set<unknown>();
      for (let i = 0; i < 10_000; i++) returned.add(run.logMetric('loss', 1 / (i + 1), i));
      expect([...returned]).toEqual([undefined]);
      await run.end();
      const series = await (await h.client.store()).getMetricSeries(run.runId, 'loss');
      expect(series.values.length).toBe(10_000);
      expect(series.steps[9_999]).toBe(9_999);
      expect(series.values[0]).toBe(1);
      expect(series.values[9_999]).toBe(1 / 10_000);
    });

    it('flushes in the background without end(), and keeps NaN and Infinity', async () => {
      const run = await h.client.startRun({ experiment: 'bg' });
      run.logMetric('x', Number.NaN, 0);
      run.logMetric('x', Number.POSITIVE_INFINITY, 1);
      const store = await h.client.store();
      let points: readonly Metric[] = [];
      for (let i = 0; i < 50 && points.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        points = (await store.getMetricHistory(run.runId, 'x')).items;
      }
      expect(points.map((p) => p.value)).toEqual([Number.NaN, Number.POSITIVE_INFINITY]);
      await run.end();
    });

    it('nests runs under the innermost open run', async () => {
      const parent = await h.client.startRun({ experiment: 'nest' });
      const child = await h.client.startRun({ experiment: 'nest', nested: true });
      expect(h.client.activeRun()).toBe(child);
      await child.end();
      expect(h.client.activeRun()).toBe(parent);
      await parent.end();
      const stored = await (await h.client.store()).getRun(child.runId);
      expect(stored.data.tags['mlflow.parentRunId']).toBe(parent.runId);
    });

    it('logs inputs and artifacts (files and directories) under the run', async () => {
      const run = await h.client.startRun({ experiment: 'files' });
      await run.logInput({ name: 'data/train.csv', digest: 'a'.repeat(32), source: 'data/train.csv', context: 'training' });
      writeFileSync(path.join(work.dir, 'model.json'), '{"w":[1,2]}');
      mkdirSync(path.join(work.dir, 'plots', 'deep'), { recursive: true });
      writeFileSync(path.join(work.dir, 'plots', 'a.svg'), '<svg/>');
      writeFileSync(path.join(work.dir, 'plots', 'deep', 'b.txt'), 'b');
      await run.logArtifact(path.join(work.dir, 'model.json'), 'model');
      await run.logArtifacts(path.join(work.dir, 'plots'), 'charts');
      expect(await code(run.logArtifact(path.join(work.dir, 'model.json'), '../escape'))).toBe('INVALID_ARGUMENT');
      await run.end();
      const stored = await (await h.client.store()).getRun(run.runId);
      expect(stored.inputs).toEqual([{ name: 'data/train.csv', digest: 'a'.repeat(32), sourceType: 'dvc', source: 'data/train.csv', tags: { 'mlflow.data.context': 'training' } }]);
      const dir = h.artifactDir(run.experimentId, run.runId);
      expect(readFileSync(path.join(dir, 'model', 'model.json'), 'utf8')).toBe('{"w":[1,2]}');
      expect(readFileSync(path.join(dir, 'charts', 'a.svg'), 'utf8')).toBe('<svg/>');
      expect(readFileSync(path.join(dir, 'charts', 'deep', 'b.txt'), 'utf8')).toBe('b');
    });

    it('surfaces store errors where they can be caught: params at once, metrics at end()', async () => {
      const run = await h.client.startRun({ experiment: 'errors' });
      await run.logParam('lr', 0.1);
      await run.logParam('lr', 0.1); // the same value again is fine
      expect(await code(run.logParam('lr', 0.2))).toBe('INVALID_ARGUMENT');
      expect(() => run.logMetric('m', 'x' as never)).toThrow(/must be a number/);
      run.logMetric('../bad', 1);
      expect(await code(run.end())).toBe('INVALID_ARGUMENT');
      expect(run.ended).toBe(true);
      expect(() => run.logMetric('m', 1)).toThrow(/has ended/);
      // The status was still written, so the run does not stay RUNNING.
      expect((await (await h.client.store()).getRun(run.runId)).info.status).toBe('FINISHED');
    });

    it('refuses a deleted experiment, naming how to restore it', async () => {
      const store = await h.client.store();
      const id = await store.createExperiment({ name: 'gone' });
      await store.deleteExperiment(id);
      const err = await h.client.startRun({ experiment: 'gone' }).catch((e: unknown) => e);
      expect(isPaddockError(err, 'INVALID_STATE')).toBe(true);
      expect((err as Error).message).toMatch(/restore/);
    });
  });
}

sdkSuite('the local SQLite store', async () => {
  const project = tempDir('paddock-sdk-');
  mkdirSync(path.join(project.dir, '.paddock'));
  const client = createClient({ cwd: project.dir, env: {}, handleExit: false });
  return {
    client,
    artifactDir: (e, r) => path.join(project.dir, '.paddock', 'artifacts', e, r, 'artifacts'),
    close: async () => {
      await client.close();
      project.cleanup();
    },
  };
});

sdkSuite('a Paddock server (HTTP)', async () => {
  const server = await startTestServer();
  const client = createClient({ trackingUri: server.url, env: {}, handleExit: false });
  return {
    client,
    artifactDir: (e, r) => path.join(server.artifactRoot, e, r, 'artifacts'),
    close: async () => {
      await client.close();
      await server.close();
    },
  };
});
