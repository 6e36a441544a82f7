import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promotionConfigSchema } from '../../core/config-automation.js';
import { call, startTestServer, type TestServer } from '../test-server.js';

const V1 = '/api/v1';
const MLFLOW = '/api/2.0/mlflow';
const by = { actor: 'seed' };

describe('promotion policies over HTTP', () => {
  let s: TestServer;
  const bearer: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    s = await startTestServer({ auth: true, promotion: promotionConfigSchema.parse({ policies: { churn: { aliases: ['champion'], deployments: ['prod'], require: { approvals: 2 } } } }) });
    for (const role of ['reader', 'writer', 'admin'] as const) {
      const { token } = await s.tokens.create({ role, name: role });
      bearer[role] = { authorization: `Bearer ${token}` };
    }
    await s.registry.createModel({ name: 'churn' }, by);
    await s.registry.createVersion({ name: 'churn', source: '/m/1' }, by);
    await s.registry.createVersion({ name: 'churn', source: '/m/2' }, by);
  });
  afterAll(() => s.close());

  it('refuses an unapproved version on Paddock\'s and MLflow\'s alias endpoints, naming the check', async () => {
    const paddock = await call(s, 'PUT', `${V1}/models/churn/aliases/champion`, { version: 1 }, bearer.admin);
    expect(paddock.status).toBe(422);
    expect(paddock.body.error).toMatchObject({ code: 'POLICY_VIOLATION', details: { failed: [{ check: 'approvals' }] } });
    expect(paddock.body.error.message).toContain('0 of 2 approvals');
    const mlflow = await call(s, 'POST', `${MLFLOW}/registered-models/alias`, { name: 'churn', alias: 'champion', version: '1' }, bearer.admin);
    expect(mlflow.status).toBe(400);
    expect(mlflow.body).toMatchObject({ error_code: 'INVALID_STATE', message: expect.stringContaining('approvals') });
    // An alias the policy does not guard moves as before.
    expect((await call(s, 'POST', `${MLFLOW}/registered-models/alias`, { name: 'churn', alias: 'staging', version: '1' }, bearer.admin)).status).toBe(200);
    expect((await s.registry.getModel('churn')).aliases).toEqual({ staging: 1 });
  });

  it('records approvals (writer, one per token), lists them, and lets the approved version through', async () => {
    expect((await call(s, 'POST', `${V1}/models/churn/versions/1/approvals`, {}, bearer.reader)).status).toBe(403);
    const first = await call(s, 'POST', `${V1}/models/churn/versions/1/approvals`, { reason: 'metrics ok' }, bearer.writer);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ model: 'churn', version: 1, approver: 'writer', reason: 'metrics ok' });
    expect((await call(s, 'POST', `${V1}/models/churn/versions/1/approvals`, {}, bearer.writer)).body.error.code).toBe('ALREADY_EXISTS');
    expect((await call(s, 'POST', `${V1}/models/churn/versions/9/approvals`, {}, bearer.writer)).status).toBe(404);
    expect((await call(s, 'PUT', `${V1}/models/churn/aliases/champion`, { version: 1 }, bearer.admin)).body.error.message).toContain('1 of 2 approvals (writer)');
    expect((await call(s, 'POST', `${V1}/models/churn/versions/1/approvals`, {}, bearer.admin)).status).toBe(201);
    const listed = await call(s, 'GET', `${V1}/models/churn/versions/1/approvals`, {}, bearer.reader);
    expect(listed.body.items.map((a: { approver: string }) => a.approver)).toEqual(['writer', 'admin']);
    expect((await call(s, 'GET', `${V1}/models/churn/approvals`, {}, bearer.reader)).body.items).toHaveLength(2);
    const moved = await call(s, 'PUT', `${V1}/models/churn/aliases/champion`, { version: 1 }, bearer.admin);
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ version: 1, aliases: expect.arrayContaining(['champion']) });
  });

  it('overrides only with an admin token and a reason, audited; deployments are guarded the same way', async () => {
    const created = await call(s, 'POST', `${V1}/deployments`, { name: 'prod', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 10 }] } }, bearer.writer);
    expect(created.status).toBe(201);
    const refused = await call(s, 'POST', `${V1}/deployments/prod/promote`, {}, bearer.writer);
    expect(refused.body.error).toMatchObject({ code: 'POLICY_VIOLATION', details: { target: 'deployment prod' } });
    const writerOverride = await call(s, 'POST', `${V1}/deployments/prod/promote`, { reason: 'urgent' }, { ...bearer.writer, 'x-paddock-override': 'true' });
    expect(writerOverride.status).toBe(403);
    const noReason = await call(s, 'POST', `${V1}/deployments/prod/promote`, {}, { ...bearer.admin, 'x-paddock-override': 'true' });
    expect(noReason.body.error.code).toBe('INVALID_ARGUMENT');
    const ok = await call(s, 'POST', `${V1}/deployments/prod/promote`, { reason: 'incident 42' }, { ...bearer.admin, 'x-paddock-override': 'true' });
    expect(ok.status).toBe(200);
    expect(ok.body.policy.stable).toBe('2');
    const audit = (await call(s, 'GET', `${V1}/models/churn/audit`, {}, bearer.reader)).body.events as { action: string; actor: string; reason?: string; deployment?: string; to?: string }[];
    expect(audit.find((e) => e.action === 'policy.override')).toMatchObject({ actor: 'admin', reason: 'incident 42', deployment: 'prod', to: expect.stringContaining('approvals: 0 of 2') });
  });
});
