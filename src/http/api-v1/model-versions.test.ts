import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestServer } from '../test-server.js';

const V1 = '/api/v1';
const by = { actor: 'test' };
let s: TestServer;
let runId: string;
beforeAll(async () => {
  s = await startTestServer();
  const exp = (await call(s, 'POST', `${V1}/experiments`, { name: 'lineage' })).body;
  runId = (await call(s, 'POST', `${V1}/runs`, { experimentId: exp.experimentId, runName: 'train' })).body.info.runId;
  await call(s, 'POST', `${V1}/runs/${runId}/log-batch`, {
    params: [{ key: 'lr', value: '0.1' }],
    metrics: [{ key: 'auc', value: 0.91, timestamp: 1, step: 0 }],
    tags: [{ key: 'paddock.git.commit', value: 'a'.repeat(40) }, { key: 'paddock.stage', value: 'train' }],
  });
  await s.tracking.logInputs(runId, [{ name: 'data/features', digest: 'b'.repeat(32) + '.dir', sourceType: 'dvc', source: 'data/features', tags: {} }]);
  await s.registry.createModel({ name: 'flights' }, by);
  await s.registry.createVersion({ name: 'flights', source: 'model', runId }, by);
  await s.registry.createVersion({ name: 'flights', source: 'model' }, by);
}, 60_000);
afterAll(async () => { await s.close(); });

describe('/api/v1/models/{name}/versions and …/lineage', () => {
  test("a model's versions come newest first; an unknown model is NOT_FOUND", async () => {
    const res = await call(s, 'GET', `${V1}/models/flights/versions`);
    expect(res.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const missing = await call(s, 'GET', `${V1}/models/nope/versions`);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
  });

  test('lineage names the run, its params, metrics, data, commit and stage', async () => {
    const res = await call(s, 'GET', `${V1}/models/flights/versions/1/lineage`);
    expect(res.body).toMatchObject({ model: 'flights', version: 1, runId, params: { lr: '0.1' }, metrics: { auc: 0.91 }, gitCommit: 'a'.repeat(40), stage: 'train' });
    expect(res.body.inputs).toEqual([expect.objectContaining({ name: 'data/features', source: 'data/features' })]);
    const bare = await call(s, 'GET', `${V1}/models/flights/versions/2/lineage`);
    expect(bare.body).toEqual({ model: 'flights', version: 2, params: {}, metrics: {}, inputs: [] });
    const bad = await call(s, 'GET', `${V1}/models/flights/versions/x/lineage`);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
  });
});
