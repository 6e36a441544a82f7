import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestServer } from '../test-server.js';

// GetMetricHistory (service.proto): GET with run_id, metric_key, page_token, max_results;
// answers {metrics: [Metric], next_page_token}. Doubles in proto JSON: NaN → "NaN", ±Inf →
// "Infinity"/"-Infinity".
const API = '/api/2.0/mlflow';
let s: TestServer;
let runId: string;
beforeAll(async () => {
  s = await startTestServer();
  const exp = (await call(s, 'POST', `${API}/experiments/create`, { name: 'metrics' })).body.experiment_id;
  runId = (await call(s, 'POST', `${API}/runs/create`, { experiment_id: exp })).body.run.info.run_id;
});
afterAll(async () => { await s.close(); });

describe('MLflow metrics/get-history', () => {
  test('returns every point in step order, with NaN and ±Infinity as proto JSON strings', async () => {
    const metrics = [
      { key: 'loss', value: 1.5, timestamp: 100, step: 0 },
      { key: 'loss', value: 'NaN', timestamp: 101, step: 1 },
      { key: 'loss', value: 'Infinity', timestamp: 102, step: 2 },
      { key: 'loss', value: '-Infinity', timestamp: 103, step: 3 },
      { key: 'other', value: 7, timestamp: 100, step: 0 },
    ];
    await call(s, 'POST', `${API}/runs/log-batch`, { run_id: runId, metrics });
    const res = await call(s, 'GET', `${API}/metrics/get-history`, { run_id: runId, metric_key: 'loss' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.body).toEqual({ metrics: metrics.slice(0, 4) });
  });

  test('pages with max_results and page_token', async () => {
    const first = await call(s, 'GET', `${API}/metrics/get-history`, { run_id: runId, metric_key: 'loss', max_results: 3 });
    expect(first.body.metrics).toHaveLength(3);
    expect(typeof first.body.next_page_token).toBe('string');
    const rest = await call(s, 'GET', `${API}/metrics/get-history`, { run_id: runId, metric_key: 'loss', max_results: 3, page_token: first.body.next_page_token });
    expect(rest.body.metrics.map((m: { step: number }) => m.step)).toEqual([3]);
    expect(rest.body.next_page_token).toBeUndefined();
  });

  test('a key never logged gives an empty answer; an unknown run is 404; metric_key is required', async () => {
    expect((await call(s, 'GET', `${API}/metrics/get-history`, { run_id: runId, metric_key: 'never' })).body).toEqual({});
    const missingRun = await call(s, 'GET', `${API}/metrics/get-history`, { run_id: 'a'.repeat(32), metric_key: 'loss' });
    expect(missingRun.status).toBe(404);
    expect(missingRun.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const noKey = await call(s, 'GET', `${API}/metrics/get-history`, { run_id: runId });
    expect(noKey.status).toBe(400);
    expect(noKey.body.message).toContain("'metric_key'");
  });

  test('a long history streams as valid JSON across chunks', async () => {
    const n = 40_000;
    const metrics = Array.from({ length: n }, (_, i) => ({ key: 'long', value: i / 7, timestamp: 1000 + i, step: i }));
    await call(s, 'POST', `${API}/runs/log-batch`, { run_id: runId, metrics });
    const res = await call(s, 'GET', `${API}/metrics/get-history`, { run_id: runId, metric_key: 'long' });
    expect(res.body.metrics).toHaveLength(n);
    expect(res.body.metrics[n - 1]).toEqual({ key: 'long', value: (n - 1) / 7, timestamp: 1000 + n - 1, step: n - 1 });
    expect(res.body.metrics[16_384]).toEqual({ key: 'long', value: 16_384 / 7, timestamp: 1000 + 16_384, step: 16_384 });
  });
});
