import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OPENAPI } from './openapi.js';
import { call, startTestServer, type TestServer } from '../test-server.js';

const V1 = '/api/v1';
let s: TestServer;
let runId: string;
beforeAll(async () => {
  s = await startTestServer();
  const exp = (await call(s, 'POST', `${V1}/experiments`, { name: 'v1' })).body;
  runId = (await call(s, 'POST', `${V1}/runs`, { experimentId: exp.experimentId, runName: 'r' })).body.info.runId;
});
afterAll(async () => { await s.close(); });

describe("Paddock's /api/v1", () => {
  test('openapi.json is OpenAPI 3.1 and documents exactly the /api/v1 routes', async () => {
    const doc = (await call(s, 'GET', `${V1}/openapi.json`)).body;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`)).sort();
    const served = s.app.paddockRoutes.filter((r) => r.url.startsWith(V1) && r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`).sort();
    expect(served).toEqual(documented);
    expect(doc).toEqual(JSON.parse(JSON.stringify(OPENAPI)));
  });

  test('experiments and runs: create, get, errors in the Paddock shape', async () => {
    const exp = await call(s, 'POST', `${V1}/experiments`, { name: 'v1-b', tags: { a: 'b' } });
    expect(exp.status).toBe(201);
    expect(exp.body).toMatchObject({ name: 'v1-b', lifecycleStage: 'active', tags: { a: 'b' } });
    const dup = await call(s, 'POST', `${V1}/experiments`, { name: 'v1-b' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'ALREADY_EXISTS' });
    const bad = await call(s, 'POST', `${V1}/runs`, { experimentId: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('experimentId');
    const missing = await call(s, 'GET', `${V1}/runs/${'0'.repeat(32)}`);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
  });

  test('a series posted as columns comes back as JSON columns and as raw float64', async () => {
    const steps = [0, 1, 2, 3];
    const timestamps = [10, 11, 12, 13];
    const values = [0.5, 'NaN', 0.25, 'Infinity'];
    expect((await call(s, 'POST', `${V1}/runs/${runId}/metrics/loss`, { steps, timestamps, values })).status).toBe(204);
    const json = await call(s, 'GET', `${V1}/runs/${runId}/metrics/loss`);
    expect(json.body).toEqual({ key: 'loss', points: 4, steps, timestamps, values });

    const res = await fetch(`${s.url}${V1}/runs/${runId}/metrics/loss?format=f64`);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-paddock-points')).toBe('4');
    const buf = Buffer.from(await res.arrayBuffer());
    const col = (c: number) => Array.from({ length: 4 }, (_, i) => buf.readDoubleLE((c * 4 + i) * 8));
    expect(col(0)).toEqual(steps);
    expect(col(1)).toEqual(timestamps);
    expect(col(2)).toEqual([0.5, Number.NaN, 0.25, Number.POSITIVE_INFINITY]);
  });

  test('max_points downsamples server-side', async () => {
    const n = 5000;
    const timestamps = Array.from({ length: n }, (_, i) => i);
    await call(s, 'POST', `${V1}/runs/${runId}/metrics/wave`, { steps: timestamps, timestamps, values: timestamps.map((i) => Math.sin(i / 50)) });
    const res = await call(s, 'GET', `${V1}/runs/${runId}/metrics/wave`, { max_points: 200 });
    expect(res.body.points).toBeLessThanOrEqual(200);
    expect(res.body.points).toBeGreaterThan(0);
  });

  test('columns of different lengths are a 400; a run search works', async () => {
    const bad = await call(s, 'POST', `${V1}/runs/${runId}/metrics/x`, { timestamps: [1, 2], values: [1] });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const found = await call(s, 'POST', `${V1}/runs/search`, { experimentIds: ['1'], filter: 'metrics.loss >= 0' });
    expect(found.body.items.map((r: { info: { runId: string } }) => r.info.runId)).toEqual([runId]);
  });
});

describe('experiment lifecycle on /api/v1', () => {
  test('delete, restore, purge (only once deleted), and the name is free again', async () => {
    const exp = (await call(s, 'POST', `${V1}/experiments`, { name: 'purgeable' })).body;
    const early = await call(s, 'POST', `${V1}/experiments/${exp.experimentId}/purge`);
    expect([early.status, early.body.error.code]).toEqual([400, 'INVALID_STATE']);
    expect((await call(s, 'DELETE', `${V1}/experiments/${exp.experimentId}`)).status).toBe(204);
    expect((await call(s, 'POST', `${V1}/experiments/${exp.experimentId}/restore`)).body.lifecycleStage).toBe('active');
    await call(s, 'DELETE', `${V1}/experiments/${exp.experimentId}`);
    expect((await call(s, 'POST', `${V1}/experiments/${exp.experimentId}/purge`)).status).toBe(204);
    expect((await call(s, 'GET', `${V1}/experiments/${exp.experimentId}`)).status).toBe(404);
    expect((await call(s, 'POST', `${V1}/experiments`, { name: 'purgeable' })).status).toBe(201);
  });
});
