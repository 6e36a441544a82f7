import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestServer } from '../test-server.js';

// model_registry.proto: ModelVersion {name, version (string), creation_timestamp,
// last_updated_timestamp, current_stage, description, source, run_id, status, tags, aliases};
// create (POST), get/search/get-download-uri (GET), update (PATCH), delete and delete-tag
// (DELETE), set-tag (POST).
const API = '/api/2.0/mlflow';
let s: TestServer;
let runId: string;
let artifactUri: string;
beforeAll(async () => {
  s = await startTestServer();
  await call(s, 'POST', `${API}/registered-models/create`, { name: 'reg' });
  const exp = (await call(s, 'POST', `${API}/experiments/create`, { name: 'mv' })).body.experiment_id;
  const info = (await call(s, 'POST', `${API}/runs/create`, { experiment_id: exp })).body.run.info;
  runId = info.run_id;
  artifactUri = info.artifact_uri;
});
afterAll(async () => { await s.close(); });

describe('MLflow model-versions API', () => {
  test('create numbers versions from 1 as strings and records source and run_id', async () => {
    const v1 = await call(s, 'POST', `${API}/model-versions/create`, { name: 'reg', source: `${artifactUri}/model`, run_id: runId, tags: [{ key: 'k', value: 'v' }] });
    expect(v1.status).toBe(200);
    expect(v1.body.model_version).toMatchObject({ name: 'reg', version: '1', source: `${artifactUri}/model`, run_id: runId, status: 'READY', tags: [{ key: 'k', value: 'v' }] });
    const v2 = await call(s, 'POST', `${API}/model-versions/create`, { name: 'reg', source: `runs:/${runId}/model` });
    expect(v2.body.model_version.version).toBe('2');
    const unknownModel = await call(s, 'POST', `${API}/model-versions/create`, { name: 'nope', source: 'x' });
    expect(unknownModel.status).toBe(404);
  });

  test('get, update (PATCH), set-tag, delete-tag', async () => {
    const got = await call(s, 'GET', `${API}/model-versions/get`, { name: 'reg', version: '1' });
    expect(got.body.model_version.version).toBe('1');
    const upd = await call(s, 'PATCH', `${API}/model-versions/update`, { name: 'reg', version: '1', description: 'first' });
    expect(upd.body.model_version.description).toBe('first');
    await call(s, 'POST', `${API}/model-versions/set-tag`, { name: 'reg', version: '1', key: 'stage', value: 'qa' });
    expect((await call(s, 'GET', `${API}/model-versions/get`, { name: 'reg', version: '1' })).body.model_version.tags).toContainEqual({ key: 'stage', value: 'qa' });
    await call(s, 'DELETE', `${API}/model-versions/delete-tag`, { name: 'reg', version: '1', key: 'stage' });
    expect((await call(s, 'GET', `${API}/model-versions/get`, { name: 'reg', version: '1' })).body.model_version.tags).not.toContainEqual({ key: 'stage', value: 'qa' });
    const badVersion = await call(s, 'GET', `${API}/model-versions/get`, { name: 'reg', version: 'latest' });
    expect([badVersion.status, badVersion.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
  });

  test('get-download-uri resolves runs:/ sources to the run artifact location', async () => {
    expect((await call(s, 'GET', `${API}/model-versions/get-download-uri`, { name: 'reg', version: '1' })).body).toEqual({ artifact_uri: `${artifactUri}/model` });
    expect((await call(s, 'GET', `${API}/model-versions/get-download-uri`, { name: 'reg', version: '2' })).body).toEqual({ artifact_uri: `${artifactUri}/model` });
  });

  test('search by name and run_id', async () => {
    const byName = await call(s, 'GET', `${API}/model-versions/search`, { filter: "name = 'reg'" });
    expect(byName.body.model_versions.map((v: { version: string }) => v.version).sort()).toEqual(['1', '2']);
    const byRun = await call(s, 'GET', `${API}/model-versions/search`, { filter: `run_id = '${runId}'` });
    expect(byRun.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['1']);
  });

  test('delete (DELETE) removes the version', async () => {
    expect((await call(s, 'DELETE', `${API}/model-versions/delete`, { name: 'reg', version: '2' })).body).toEqual({});
    expect((await call(s, 'GET', `${API}/model-versions/get`, { name: 'reg', version: '2' })).status).toBe(404);
  });
});
