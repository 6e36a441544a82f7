import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestServer } from '../test-server.js';

// MLflow's proxied artifact service (mlflow_artifacts.proto, served with --serve-artifacts):
// PUT/GET/DELETE /api/2.0/mlflow-artifacts/artifacts/<path>, GET …/artifacts?path= lists base
// names; the tracking API's artifacts/list lists a run's files relative to its root.
const API = '/api/2.0/mlflow';
const PROXY = '/api/2.0/mlflow-artifacts/artifacts';
let s: TestServer;
let runId: string;
let runRoot: string;
beforeAll(async () => {
  s = await startTestServer();
  const exp = (await call(s, 'POST', `${API}/experiments/create`, { name: 'artifacts' })).body.experiment_id;
  const info = (await call(s, 'POST', `${API}/runs/create`, { experiment_id: exp })).body.run.info;
  runId = info.run_id;
  // mlflow-artifacts:/<exp>/<run>/artifacts → the proxy path the Python client PUTs to.
  runRoot = info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
});
afterAll(async () => { await s.close(); });

/** A request with the path sent byte for byte (fetch would normalise `..` away). */
function raw(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  const url = new URL(s.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('MLflow artifacts', () => {
  test('upload through the proxy, list it for the run, download it, delete it', async () => {
    const put = await fetch(`${s.url}${PROXY}/${runRoot}/model/MLmodel`, { method: 'PUT', body: 'flavors: {}\n', headers: { 'content-type': 'application/octet-stream' } });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({});
    // A JSON file uploads as bytes too, not parsed.
    await fetch(`${s.url}${PROXY}/${runRoot}/metrics.json`, { method: 'PUT', body: '{"a":1}', headers: { 'content-type': 'application/json' } });

    const top = await call(s, 'GET', `${API}/artifacts/list`, { run_id: runId });
    expect(top.body.root_uri).toBe(`mlflow-artifacts:/${runRoot}`);
    expect(top.body.files).toEqual([{ path: 'metrics.json', is_dir: false, file_size: 7 }, { path: 'model', is_dir: true }]);
    const sub = await call(s, 'GET', `${API}/artifacts/list`, { run_id: runId, path: 'model' });
    expect(sub.body.files).toEqual([{ path: 'model/MLmodel', is_dir: false, file_size: 12 }]);

    const proxyList = await call(s, 'GET', PROXY, { path: `${runRoot}/model` });
    expect(proxyList.body.files).toEqual([{ path: 'MLmodel', is_dir: false, file_size: 12 }]);

    const got = await fetch(`${s.url}${PROXY}/${runRoot}/metrics.json`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('{"a":1}');

    expect((await call(s, 'DELETE', `${PROXY}/${runRoot}/model`)).status).toBe(200);
    expect((await call(s, 'GET', `${API}/artifacts/list`, { run_id: runId })).body.files).toEqual([{ path: 'metrics.json', is_dir: false, file_size: 7 }]);
  });

  test('a missing artifact is 404 RESOURCE_DOES_NOT_EXIST without the server path', async () => {
    const res = await call(s, 'GET', `${PROXY}/${runRoot}/nope.bin`);
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(res.body.message).not.toContain(s.dir);
  });

  test.each([
    ['dot-dot', `${PROXY}/${'x'}/../../../etc/passwd`],
    ['encoded dot-dot', `${PROXY}/1/%2e%2e/%2e%2e/secret`],
    ['double-encoded dot-dot', `${PROXY}/1/%252e%252e/secret`],
    ['absolute', `${PROXY}//etc/passwd`],
    ['backslash', `${PROXY}/1/..%5c..%5csecret`],
  ])('path traversal in the proxy (%s) is a 400 and writes nothing', async (_name, path) => {
    const put = await raw('PUT', path, 'pwned');
    expect(put.status).toBe(400);
    expect(JSON.parse(put.body).error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await raw('GET', path)).status).toBe(400);
  });

  test.each(['../x', '/etc', '%2e%2e/x', 'a/./b'])('artifacts/list rejects path %s with 400', async (path) => {
    const res = await call(s, 'GET', `${API}/artifacts/list`, { run_id: runId, path });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });
});
