import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestServer } from '../test-server.js';

const V1 = '/api/v1';

/** A server over SQLite whose registry holds model `churn` with versions 1–3. */
async function serverWithModel(auth: boolean): Promise<TestServer> {
  const s = await startTestServer({ auth });
  const seed = { actor: 'seed' };
  await s.registry.createModel({ name: 'churn' }, seed);
  for (let i = 1; i <= 3; i++) await s.registry.createVersion({ name: 'churn', source: `file:///models/churn/${i}` }, seed);
  return s;
}

describe('/api/v1/deployments without auth', () => {
  let s: TestServer;
  beforeAll(async () => { s = await serverWithModel(false); });
  afterAll(async () => { await s.close(); });

  test('create, list, get, patch, promote, rollback, history and delete round trip', async () => {
    const created = await call(s, 'POST', `${V1}/deployments`, { name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 10 }] }, analysis: { intervalSeconds: 30 }, reason: 'first rollout' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'api', model: 'churn', revision: 1, policy: { stable: '1', candidates: [{ version: '2', weight: 10 }] } });
    // The analysis fields left out take the defaults, as `paddock deploy create` does.
    expect(created.body.analysis).toEqual({ intervalSeconds: 30, stepWeights: [10, 25, 50, 100], threshold: 2, minSamples: 50, successRate: 0.99, p99LatencyMs: 500, noData: 'hold' });

    const dup = await call(s, 'POST', `${V1}/deployments`, { name: 'api', model: 'churn', policy: { stable: '1' } });
    expect([dup.status, dup.body.error.code]).toEqual([409, 'ALREADY_EXISTS']);

    const list = await call(s, 'GET', `${V1}/deployments`);
    expect(list.body.items.map((d: { name: string }) => d.name)).toEqual(['api']);
    const got = await call(s, 'GET', `${V1}/deployments/api`);
    expect(got.body).toEqual(created.body);

    const patched = await call(s, 'PATCH', `${V1}/deployments/api`, { candidates: [{ version: '2', weight: 50 }], mirror: { version: '3', percent: 100 }, sticky: { header: 'x-user' }, analysis: { threshold: 3 }, expectedRevision: 1 });
    expect(patched.status).toBe(200);
    // A policy change, then the analysis change guarded by the revision it produced: two events.
    expect(patched.body).toMatchObject({
      revision: 3,
      policy: { stable: '1', candidates: [{ version: '2', weight: 50 }], mirror: { version: '3', percent: 100 }, sticky: { header: 'x-user' } },
      analysis: { intervalSeconds: 30, threshold: 3 },
    });
    const cleared = await call(s, 'PATCH', `${V1}/deployments/api`, { mirror: null, analysis: null });
    expect(cleared.body.policy).toEqual({ stable: '1', candidates: [{ version: '2', weight: 50 }], sticky: { header: 'x-user' } });
    expect(cleared.body.analysis).toBeUndefined();

    const promoted = await call(s, 'POST', `${V1}/deployments/api/promote`, { reason: 'canary healthy' });
    expect(promoted.body.policy).toEqual({ stable: '2', candidates: [], sticky: { header: 'x-user' } });
    const rolledBack = await call(s, 'POST', `${V1}/deployments/api/rollback`, { reason: 'errors up' });
    expect(rolledBack.body.policy.stable).toBe('1');

    const history = await call(s, 'GET', `${V1}/deployments/api/history`);
    expect(history.body.events.map((e: { kind: string; reason?: string; actor: string }) => [e.kind, e.reason, e.actor])).toEqual([
      ['created', 'first rollout', 'anonymous'], ['set', undefined, 'anonymous'], ['analysis', undefined, 'anonymous'],
      ['set', undefined, 'anonymous'], ['analysis', undefined, 'anonymous'], ['promoted', 'canary healthy', 'anonymous'], ['rolled-back', 'errors up', 'anonymous'],
    ]);
    expect(history.body.events[5]).toMatchObject({ revision: 6, from: { stable: '1' }, to: { stable: '2' } });

    expect((await call(s, 'DELETE', `${V1}/deployments/api`, { reason: 'retired' })).status).toBe(204);
    const gone = await call(s, 'GET', `${V1}/deployments/api`);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'NOT_FOUND']);
    // The history keeps the deletion.
    const after = await call(s, 'GET', `${V1}/deployments/api/history`);
    expect(after.body.events.at(-1)).toMatchObject({ kind: 'deleted', reason: 'retired' });
  });

  test('a stale expectedRevision is 409 CONFLICT and changes nothing', async () => {
    await call(s, 'POST', `${V1}/deployments`, { name: 'stale', model: 'churn', policy: { stable: '1' } });
    await call(s, 'PATCH', `${V1}/deployments/stale`, { candidates: [{ version: '2', weight: 5 }] });
    const stale = await call(s, 'PATCH', `${V1}/deployments/stale`, { candidates: [{ version: '3', weight: 5 }], expectedRevision: 1 });
    expect([stale.status, stale.body.error.code, stale.body.error.details.revision]).toEqual([409, 'CONFLICT', 2]);
    const promote = await call(s, 'POST', `${V1}/deployments/stale/promote`, { expectedRevision: 1 });
    expect(promote.status).toBe(409);
    expect((await call(s, 'GET', `${V1}/deployments/stale`)).body).toMatchObject({ revision: 2, policy: { stable: '1', candidates: [{ version: '2', weight: 5 }] } });
  });

  test('bad input is a 400 naming the field as a JSON path, with the CLI validators\' messages', async () => {
    const weight = await call(s, 'POST', `${V1}/deployments`, { name: 'bad', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 120 }] } });
    expect([weight.status, weight.body.error.code, weight.body.error.details.field]).toEqual([400, 'INVALID_ARGUMENT', 'policy.candidates[0].weight']);
    expect(weight.body.error.message).toMatch(/^policy\.candidates\[0\]\.weight: the weight of version 2 must be a number from 0 to 100/);

    const noData = await call(s, 'POST', `${V1}/deployments`, { name: 'bad', model: 'churn', policy: { stable: '1' }, analysis: { noData: 'maybe' } });
    expect([noData.status, noData.body.error.details.field]).toEqual([400, 'analysis.noData']);
    expect(noData.body.error.message).toContain('must be hold, fail or pass');
    const typo = await call(s, 'POST', `${V1}/deployments`, { name: 'bad', model: 'churn', policy: { stable: '1' }, analysis: { interval: 30 } });
    expect([typo.status, typo.body.error.details.field]).toEqual([400, 'analysis.interval']);

    await call(s, 'POST', `${V1}/deployments`, { name: 'ok', model: 'churn', policy: { stable: '1' } });
    const patchWeight = await call(s, 'PATCH', `${V1}/deployments/ok`, { candidates: [{ version: '2', weight: -1 }] });
    expect([patchWeight.status, patchWeight.body.error.details.field]).toEqual([400, 'candidates[0].weight']);
    const patchAnalysis = await call(s, 'PATCH', `${V1}/deployments/ok`, { analysis: { stepWeights: [50, 10] } });
    expect([patchAnalysis.status, patchAnalysis.body.error.details.field]).toEqual([400, 'analysis.stepWeights']);
    const nullStable = await call(s, 'PATCH', `${V1}/deployments/ok`, { stable: null });
    expect([nullStable.status, nullStable.body.error.details.field]).toEqual([400, 'stable']);
    // Nothing was written by the failed changes.
    expect((await call(s, 'GET', `${V1}/deployments/ok`)).body.revision).toBe(1);
    expect((await call(s, 'GET', `${V1}/deployments`)).body.items.map((d: { name: string }) => d.name)).not.toContain('bad');
  });

  test('unknown deployments, models and versions are 404', async () => {
    const deployment = await call(s, 'PATCH', `${V1}/deployments/nope`, { stable: '2' });
    expect([deployment.status, deployment.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await call(s, 'POST', `${V1}/deployments/nope/rollback`)).status).toBe(404);
    expect((await call(s, 'GET', `${V1}/deployments/nope/history`)).status).toBe(404);
    const model = await call(s, 'POST', `${V1}/deployments`, { name: 'x', model: 'nope', policy: { stable: '1' } });
    expect([model.status, model.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const version = await call(s, 'POST', `${V1}/deployments`, { name: 'x', model: 'churn', policy: { stable: '1', candidates: [{ version: '9', weight: 10 }] } });
    expect([version.status, version.body.error.details]).toEqual([404, { field: 'policy.candidates', model: 'churn', version: '9' }]);
  });
});

describe('/api/v1/deployments with auth', () => {
  let s: TestServer;
  const bearer: Record<'reader' | 'writer' | 'admin', Record<string, string>> = { reader: {}, writer: {}, admin: {} };
  beforeAll(async () => {
    s = await serverWithModel(true);
    for (const role of ['reader', 'writer', 'admin'] as const) {
      const { token } = await s.tokens.create({ role, name: `${role}-token` });
      bearer[role] = { authorization: `Bearer ${token}` };
    }
  });
  afterAll(async () => { await s.close(); });

  test('a reader reads but cannot write; the history records the token that wrote', async () => {
    const denied = await call(s, 'POST', `${V1}/deployments`, { name: 'api', model: 'churn', policy: { stable: '1' } }, bearer.reader);
    expect([denied.status, denied.body.error.code]).toEqual([403, 'PERMISSION_DENIED']);
    expect((await call(s, 'POST', `${V1}/deployments`, { name: 'api', model: 'churn', policy: { stable: '1' } })).status).toBe(401);

    expect((await call(s, 'POST', `${V1}/deployments`, { name: 'api', model: 'churn', policy: { stable: '1' } }, bearer.writer)).status).toBe(201);
    expect((await call(s, 'PATCH', `${V1}/deployments/api`, { candidates: [{ version: '2', weight: 10 }], reason: 'canary' }, { ...bearer.admin })).status).toBe(200);
    for (const [method, route, fields] of [
      ['PATCH', '/deployments/api', { stable: '3' }], ['POST', '/deployments/api/promote', {}], ['POST', '/deployments/api/rollback', {}], ['DELETE', '/deployments/api', {}],
    ] as const) {
      expect((await call(s, method, `${V1}${route}`, fields, bearer.reader)).status).toBe(403);
    }
    // Deleting takes down what callers depend on: admin only, like deleting a registered model.
    expect((await call(s, 'DELETE', `${V1}/deployments/api`, {}, bearer.writer)).status).toBe(403);

    expect((await call(s, 'GET', `${V1}/deployments`, {}, bearer.reader)).status).toBe(200);
    expect((await call(s, 'GET', `${V1}/deployments/api`, {}, bearer.reader)).body.revision).toBe(2);
    const history = await call(s, 'GET', `${V1}/deployments/api/history`, {}, bearer.reader);
    expect(history.status).toBe(200);
    expect(history.body.events.map((e: { kind: string; actor: string; reason?: string }) => [e.kind, e.actor, e.reason])).toEqual([
      ['created', 'writer-token', undefined], ['set', 'admin-token', 'canary'],
    ]);
    // The registry's audit log of the model names the token too.
    const audit = await call(s, 'GET', `${V1}/models/churn/audit`, {}, bearer.reader);
    expect(audit.body.events.filter((e: { deployment?: string }) => e.deployment === 'api').map((e: { actor: string }) => e.actor)).toEqual(['writer-token', 'admin-token']);
  });
});
