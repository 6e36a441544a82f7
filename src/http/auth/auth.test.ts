import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestServer } from '../test-server.js';

const API = '/api/2.0/mlflow';
let s: TestServer;
const bearer: Record<'reader' | 'writer' | 'admin', Record<string, string>> = { reader: {}, writer: {}, admin: {} };
beforeAll(async () => {
  s = await startTestServer({ auth: true });
  for (const role of ['reader', 'writer', 'admin'] as const) {
    const { token } = await s.tokens.create({ role, name: role });
    bearer[role] = { authorization: `Bearer ${token}` };
  }
});
afterAll(async () => { await s.close(); });

describe('bearer-token auth', () => {
  test('no token or an unknown one is 401 UNAUTHENTICATED', async () => {
    const none = await call(s, 'GET', `${API}/experiments/get`, { experiment_id: '0' });
    expect([none.status, none.body.error_code]).toEqual([401, 'UNAUTHENTICATED']);
    const wrong = await call(s, 'GET', `${API}/experiments/get`, { experiment_id: '0' }, { authorization: 'Bearer pdk_nope' });
    expect(wrong.status).toBe(401);
    const v1 = await call(s, 'GET', '/api/v1/experiments/0');
    expect([v1.status, v1.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  test('the OpenAPI document is public', async () => {
    expect((await call(s, 'GET', '/api/v1/openapi.json')).status).toBe(200);
  });

  test('a reader reads but cannot write', async () => {
    expect((await call(s, 'GET', `${API}/experiments/get`, { experiment_id: '0' }, bearer.reader)).status).toBe(200);
    const write = await call(s, 'POST', `${API}/experiments/create`, { name: 'by-reader' }, bearer.reader);
    expect([write.status, write.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    expect((await call(s, 'GET', `${API}/experiments/get-by-name`, { experiment_name: 'by-reader' }, bearer.admin)).status).toBe(404);
  });

  test('a reader may search: the search endpoints are reads sent as POST', async () => {
    const searches: [string, Record<string, unknown>][] = [
      [`${API}/experiments/search`, { max_results: 10 }],
      [`${API}/runs/search`, { experiment_ids: ['0'] }],
      [`${API}/registered-models/search`, {}],
      [`${API}/model-versions/search`, {}],
      ['/api/v1/runs/search', { experimentIds: ['0'] }],
    ];
    for (const [url, body] of searches) expect([url, (await call(s, 'POST', url, body, bearer.reader)).status]).toEqual([url, 200]);
  });

  test('a writer logs but cannot delete experiments or move aliases; an admin can', async () => {
    const exp = (await call(s, 'POST', `${API}/experiments/create`, { name: 'by-writer' }, bearer.writer)).body.experiment_id;
    expect(exp).toBeTruthy();
    const run = (await call(s, 'POST', `${API}/runs/create`, { experiment_id: exp }, bearer.writer)).body.run.info.run_id;
    expect((await call(s, 'POST', `${API}/runs/log-metric`, { run_id: run, key: 'a', value: 1, timestamp: 1 }, bearer.writer)).status).toBe(200);
    expect((await call(s, 'POST', `${API}/experiments/delete`, { experiment_id: exp }, bearer.writer)).status).toBe(403);

    await call(s, 'POST', `${API}/registered-models/create`, { name: 'guarded' }, bearer.writer);
    await call(s, 'POST', `${API}/model-versions/create`, { name: 'guarded', source: 'x' }, bearer.writer);
    expect((await call(s, 'POST', `${API}/registered-models/alias`, { name: 'guarded', alias: 'champion', version: '1' }, bearer.writer)).status).toBe(403);
    expect((await call(s, 'POST', `${API}/registered-models/alias`, { name: 'guarded', alias: 'champion', version: '1' }, bearer.admin)).status).toBe(200);
    expect((await call(s, 'DELETE', `${API}/registered-models/alias`, { name: 'guarded', alias: 'champion' }, bearer.writer)).status).toBe(403);
    expect((await call(s, 'POST', `${API}/experiments/delete`, { experiment_id: exp }, bearer.admin)).status).toBe(200);
  });

  test('registry changes record the token name as the actor', async () => {
    await call(s, 'POST', `${API}/registered-models/create`, { name: 'audited' }, bearer.writer);
    const log = await call(s, 'GET', '/api/v1/models/audited/audit', {}, bearer.reader);
    expect(log.body.events[0].actor).toBe('writer');
  });

  test('tokens are stored as SHA-256 hashes only; a revoked token is refused', async () => {
    const { token, info } = await s.tokens.create({ role: 'writer', name: 'temp' });
    const db = new Database(path.join(s.dir, 'paddock.db'), { readonly: true });
    const row = db.prepare('select * from api_tokens where token_id = ?').get(info.tokenId) as Record<string, unknown>;
    db.close();
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(Object.values(row)).not.toContain(token);
    const auth = { authorization: `Bearer ${token}` };
    expect((await call(s, 'GET', `${API}/experiments/get`, { experiment_id: '0' }, auth)).status).toBe(200);
    await s.tokens.revoke('temp');
    expect((await call(s, 'GET', `${API}/experiments/get`, { experiment_id: '0' }, auth)).status).toBe(401);
  });
});
