import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestServer } from '../test-server.js';

const V1 = '/api/v1';
let s: TestServer;
let runId: string;
beforeAll(async () => {
  s = await startTestServer();
  const exp = (await call(s, 'POST', `${V1}/experiments`, { name: 'arts' })).body;
  const run = (await call(s, 'POST', `${V1}/runs`, { experimentId: exp.experimentId })).body;
  runId = run.info.runId;
  const uri: string = run.info.artifactUri;
  const root = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  mkdirSync(path.join(root, 'reports/plots'), { recursive: true });
  writeFileSync(path.join(root, 'metrics.json'), '{"auc":0.9}');
  writeFileSync(path.join(root, 'reports/index.html'), '<h1>hi</h1>');
  writeFileSync(path.join(root, 'reports/plots/a.txt'), 'abc');
});
afterAll(async () => { await s.close(); });

describe('GET /api/v1/runs/{id}/artifacts', () => {
  test('lists the immediate children of a directory, directories marked', async () => {
    const top = await call(s, 'GET', `${V1}/runs/${runId}/artifacts`);
    expect(top.status).toBe(200);
    expect(top.body).toEqual({ path: '', files: [{ path: 'metrics.json', isDir: false, size: 11 }, { path: 'reports', isDir: true }] });
    const sub = await call(s, 'GET', `${V1}/runs/${runId}/artifacts`, { path: 'reports' });
    expect(sub.body.files).toEqual([{ path: 'reports/index.html', isDir: false, size: 11 }, { path: 'reports/plots', isDir: true }]);
  });

  test('answers bytes as an attachment that a browser will not render as HTML', async () => {
    const res = await fetch(`${s.url}${V1}/runs/${runId}/artifacts/content?path=reports/index.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toContain('attachment; filename="index.html"');
    expect(await res.text()).toBe('<h1>hi</h1>');
  });

  test('refuses paths that escape the run root and names a missing file', async () => {
    const escape = await call(s, 'GET', `${V1}/runs/${runId}/artifacts/content`, { path: '../x' });
    expect([escape.status, escape.body.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect(escape.body.error.message).toContain("'path'");
    const missing = await call(s, 'GET', `${V1}/runs/${runId}/artifacts/content`, { path: 'nope.txt' });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(missing.body.error.message).toContain("'nope.txt'");
    const noPath = await call(s, 'GET', `${V1}/runs/${runId}/artifacts/content`);
    expect(noPath.status).toBe(400);
  });
});

describe('GET /api/v1/runs/{id}/metrics/{key}?max_points', () => {
  test('downsamples a 100,000-point series keeping the ends and the spikes', async () => {
    const n = 100_000;
    const values = Array.from({ length: n }, (_, i) => Math.sin(i / 500));
    values[54_321] = 50;
    values[12_345] = -50;
    for (let from = 0; from < n; from += 10_000) {
      const res = await call(s, 'POST', `${V1}/runs/${runId}/metrics/wave`, {
        steps: Array.from({ length: 10_000 }, (_, i) => from + i),
        timestamps: Array.from({ length: 10_000 }, (_, i) => 1_700_000_000_000 + from + i),
        values: values.slice(from, from + 10_000),
      });
      expect(res.status).toBe(204);
    }
    const small = (await call(s, 'GET', `${V1}/runs/${runId}/metrics/wave`, { max_points: 1000 })).body;
    expect(small.points).toBeLessThanOrEqual(1000);
    expect(small.points).toBeGreaterThan(900);
    expect(small.steps[0]).toBe(0);
    expect(small.steps.at(-1)).toBe(n - 1);
    expect(small.values).toContain(50);
    expect(small.values).toContain(-50);
    const full = (await call(s, 'GET', `${V1}/runs/${runId}/metrics/wave`)).body;
    expect(full.points).toBe(n);
    const bad = await call(s, 'GET', `${V1}/runs/${runId}/metrics/wave`, { max_points: 0 });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
  });
});
