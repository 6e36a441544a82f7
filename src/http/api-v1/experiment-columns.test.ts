import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HttpTrackingStore } from '../../client/http-tracking-store.js';
import type { TrackingStore } from '../../tracking/index.js';
import { call, startTestServer, type TestServer } from '../test-server.js';
import { columnsOf } from './experiment-columns.js';

const V1 = '/api/v1';
let s: TestServer;
let exp: string;

/** 2,500 runs, each with its own param key past the first 2,000: the keys a page of runs would miss. */
const RUNS = 2500;

beforeAll(async () => {
  s = await startTestServer();
  exp = (await call(s, 'POST', `${V1}/experiments`, { name: 'columns' })).body.experimentId;
  for (let i = 0; i < RUNS; i++) {
    const run = await s.tracking.createRun({ experimentId: exp, runName: `r${i}`, startTime: 1_700_000_000_000 + i, tags: { team: 'ml' } });
    await s.tracking.logBatch(run.info.runId, {
      params: [{ key: 'lr', value: '0.1' }, ...(i === 0 ? [{ key: 'only_in_oldest', value: 'x' }] : [])],
      metrics: [{ key: i % 2 ? 'auc' : 'val loss', value: 0.5, step: 0, timestamp: 1 }],
    });
  }
}, 120_000);
afterAll(async () => { await s.close(); });

describe('GET /api/v1/experiments/{id}/columns', () => {
  test('lists every key of every run, including one seen only in the oldest of 2,500 runs', async () => {
    const res = await call(s, 'GET', `${V1}/experiments/${exp}/columns`);
    expect(res.status).toBe(200);
    expect(res.body.params).toEqual(['lr', 'only_in_oldest']);
    expect(res.body.metrics).toEqual(['auc', 'val loss']);
    expect(res.body.tags).toContain('team');
    // The first 2,000 runs of the default order (newest first) do not have it: the chooser would miss it.
    const page = await s.tracking.searchRuns({ experimentIds: [exp], maxResults: 2000 });
    expect(page.items.some((r) => r.data.params.some((p) => p.key === 'only_in_oldest'))).toBe(false);
  });

  test('answers empty lists for an experiment without runs and 404 for an unknown one', async () => {
    const empty = (await call(s, 'POST', `${V1}/experiments`, { name: 'columns-empty' })).body.experimentId;
    expect((await call(s, 'GET', `${V1}/experiments/${empty}/columns`)).body).toEqual({ params: [], metrics: [], tags: [] });
    const missing = await call(s, 'GET', `${V1}/experiments/987654/columns`);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(missing.body.error.message).toContain('987654');
  });

  test('a store without the DISTINCT query (the HTTP client) gives the same answer from its runs', async () => {
    const remote: TrackingStore = new HttpTrackingStore({ baseUrl: s.url });
    expect(remote.experimentColumns).toBeUndefined();
    expect(await columnsOf(remote, exp)).toEqual((await call(s, 'GET', `${V1}/experiments/${exp}/columns`)).body);
  }, 60_000);
});
