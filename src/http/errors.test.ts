import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FsObjectStore } from '../storage/artifacts/fs-object-store.js';
import { PaddockError } from '../core/errors.js';
import { mlflowErrorBody, paddockErrorBody } from './errors.js';
import { buildServer } from './server.js';
import { startTestServer, type TestServer } from './test-server.js';

const API = '/api/2.0/mlflow';
let s: TestServer;
beforeAll(async () => { s = await startTestServer({ limits: { bodyLimitBytes: 64 * 1024 } }); });
afterAll(async () => { await s.close(); });

async function post(path: string, body: string, contentType = 'application/json') {
  const res = await fetch(`${s.url}${path}`, { method: 'POST', body, headers: { 'content-type': contentType } });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
}

describe('error mapping', () => {
  test('catalogue codes map to MLflow codes and statuses (mlflow/exceptions.py)', () => {
    const cases: [ConstructorParameters<typeof PaddockError>[0], string, number][] = [
      ['NOT_FOUND', 'RESOURCE_DOES_NOT_EXIST', 404],
      ['ALREADY_EXISTS', 'RESOURCE_ALREADY_EXISTS', 400],
      ['INVALID_ARGUMENT', 'INVALID_PARAMETER_VALUE', 400],
      ['UNAUTHENTICATED', 'UNAUTHENTICATED', 401],
      ['PERMISSION_DENIED', 'PERMISSION_DENIED', 403],
      ['INTERNAL', 'INTERNAL_ERROR', 500],
    ];
    for (const [code, mlflowCode, status] of cases) {
      const out = mlflowErrorBody(new PaddockError(code, 'm'));
      expect([out.body.error_code, out.status]).toEqual([mlflowCode, status]);
    }
    expect(paddockErrorBody(new PaddockError('NOT_FOUND', 'gone', { id: 'x' }))).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'gone', details: { id: 'x' } } } });
  });

  test('malformed JSON is a 400 in each API\'s error shape, never a 500', async () => {
    const mlflow = await post(`${API}/experiments/create`, '{"name": ');
    expect(mlflow.status).toBe(400);
    expect(mlflow.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(mlflow.body.message).toMatch(/JSON/);
    const v1 = await post('/api/v1/experiments', '{oops}');
    expect(v1.status).toBe(400);
    expect(v1.body.error.code).toBe('INVALID_ARGUMENT');
  });

  test('a JSON array or string where an object is expected is a 400', async () => {
    expect((await post(`${API}/runs/log-batch`, '[1,2]')).status).toBe(400);
    expect((await post(`${API}/experiments/create`, '"name"')).status).toBe(400);
  });

  test('a body over server.body_limit_mb is a 413 that names the setting', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(100 * 1024) });
    const mlflow = await post(`${API}/experiments/create`, big);
    expect(mlflow.status).toBe(413);
    expect(mlflow.body.message).toContain('body_limit_mb');
    const v1 = await post('/api/v1/experiments', big);
    expect(v1.status).toBe(413);
    expect(v1.body.error.code).toBe('RESOURCE_LIMIT');
  });

  test('an unknown endpoint is a 404 in the right shape', async () => {
    const res = await fetch(`${s.url}${API}/experiments/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error_code: string }).error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  test('an unexpected exception is answered INTERNAL without its message, and logged with the cause', async () => {
    const logged: unknown[] = [];
    const logger = { error: (obj: unknown) => logged.push(obj) } as never;
    const app = await buildServer({ tracking: s.tracking, registry: s.registry, deployments: s.deployments, artifacts: (u) => new FsObjectStore(u), artifactRoot: s.artifactRoot, logger });
    app.get('/api/2.0/mlflow/boom', async () => { throw new Error('password=hunter2 at db.internal'); });
    app.get('/api/v1/boom', async () => { throw new TypeError('secret detail'); });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const m = await fetch(`${url}/api/2.0/mlflow/boom`);
      expect(m.status).toBe(500);
      const mBody = await m.text();
      expect(JSON.parse(mBody).error_code).toBe('INTERNAL_ERROR');
      expect(mBody).not.toContain('hunter2');
      const v = await fetch(`${url}/api/v1/boom`);
      const vBody = await v.text();
      expect(JSON.parse(vBody).error.code).toBe('INTERNAL');
      expect(vBody).not.toContain('secret');
      expect(logged).toHaveLength(2);
    } finally {
      await app.close();
    }
  });
});
