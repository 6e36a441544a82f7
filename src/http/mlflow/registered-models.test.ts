import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestServer } from '../test-server.js';

// model_registry.proto: RegisteredModel {name, creation_timestamp, last_updated_timestamp,
// description, latest_versions, tags, aliases [{alias, version}]}; create/get/search/update
// (PATCH)/rename (POST)/delete (DELETE)/set-tag/delete-tag (DELETE); alias POST/DELETE/GET.
const API = '/api/2.0/mlflow';
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s.close(); });

describe('MLflow registered-models API', () => {
  test('create and get return the RegisteredModel message', async () => {
    const created = await call(s, 'POST', `${API}/registered-models/create`, { name: 'churn', description: 'predicts churn', tags: [{ key: 'team', value: 'ml' }] });
    expect(created.status).toBe(200);
    expect(created.body.registered_model).toMatchObject({ name: 'churn', description: 'predicts churn', tags: [{ key: 'team', value: 'ml' }] });
    expect(typeof created.body.registered_model.creation_timestamp).toBe('number');
    const got = await call(s, 'GET', `${API}/registered-models/get`, { name: 'churn' });
    expect(got.body.registered_model.name).toBe('churn');
  });

  test('duplicate name → RESOURCE_ALREADY_EXISTS 400; unknown → RESOURCE_DOES_NOT_EXIST 404', async () => {
    await call(s, 'POST', `${API}/registered-models/create`, { name: 'twice' });
    const dup = await call(s, 'POST', `${API}/registered-models/create`, { name: 'twice' });
    expect([dup.status, dup.body.error_code]).toEqual([400, 'RESOURCE_ALREADY_EXISTS']);
    const missing = await call(s, 'GET', `${API}/registered-models/get`, { name: 'ghost' });
    expect([missing.status, missing.body.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
  });

  test('update (PATCH), rename (POST), set-tag, delete-tag (DELETE), delete (DELETE)', async () => {
    await call(s, 'POST', `${API}/registered-models/create`, { name: 'm1' });
    const upd = await call(s, 'PATCH', `${API}/registered-models/update`, { name: 'm1', description: 'new' });
    expect(upd.body.registered_model.description).toBe('new');
    const ren = await call(s, 'POST', `${API}/registered-models/rename`, { name: 'm1', new_name: 'm2' });
    expect(ren.body.registered_model.name).toBe('m2');
    await call(s, 'POST', `${API}/registered-models/set-tag`, { name: 'm2', key: 'k', value: 'v' });
    expect((await call(s, 'GET', `${API}/registered-models/get`, { name: 'm2' })).body.registered_model.tags).toEqual([{ key: 'k', value: 'v' }]);
    await call(s, 'DELETE', `${API}/registered-models/delete-tag`, { name: 'm2', key: 'k' });
    expect((await call(s, 'GET', `${API}/registered-models/get`, { name: 'm2' })).body.registered_model.tags).toBeUndefined();
    expect((await call(s, 'DELETE', `${API}/registered-models/delete`, { name: 'm2' })).body).toEqual({});
    expect((await call(s, 'GET', `${API}/registered-models/get`, { name: 'm2' })).status).toBe(404);
  });

  test('search (GET) with filter and paging', async () => {
    for (const n of ['s-a', 's-b', 's-c']) await call(s, 'POST', `${API}/registered-models/create`, { name: n });
    const first = await call(s, 'GET', `${API}/registered-models/search`, { filter: "name LIKE 's-%'", max_results: 2, order_by: 'name ASC' });
    expect(first.body.registered_models.map((m: { name: string }) => m.name)).toEqual(['s-a', 's-b']);
    const rest = await call(s, 'GET', `${API}/registered-models/search`, { filter: "name LIKE 's-%'", max_results: 2, order_by: 'name ASC', page_token: first.body.next_page_token });
    expect(rest.body.registered_models.map((m: { name: string }) => m.name)).toEqual(['s-c']);
  });

  test('aliases: set, get-by-alias, listed on the model as {alias, version: "1"}, deleted', async () => {
    await call(s, 'POST', `${API}/registered-models/create`, { name: 'aliased' });
    await call(s, 'POST', `${API}/model-versions/create`, { name: 'aliased', source: 's3://b/model' });
    expect((await call(s, 'POST', `${API}/registered-models/alias`, { name: 'aliased', alias: 'champion', version: '1' })).body).toEqual({});
    const byAlias = await call(s, 'GET', `${API}/registered-models/alias`, { name: 'aliased', alias: 'champion' });
    expect(byAlias.body.model_version).toMatchObject({ name: 'aliased', version: '1', aliases: ['champion'] });
    const model = (await call(s, 'GET', `${API}/registered-models/get`, { name: 'aliased' })).body.registered_model;
    expect(model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    expect(model.latest_versions[0].version).toBe('1');
    await call(s, 'DELETE', `${API}/registered-models/alias`, { name: 'aliased', alias: 'champion' });
    expect((await call(s, 'GET', `${API}/registered-models/alias`, { name: 'aliased', alias: 'champion' })).status).toBe(404);
    const badVersion = await call(s, 'POST', `${API}/registered-models/alias`, { name: 'aliased', alias: 'x', version: 'one' });
    expect([badVersion.status, badVersion.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
  });
});
