import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestServer } from '../test-server.js';

// Shapes from MLflow's REST API reference (docs rest-api: Create/Get/Search/Update/Delete/
// Restore Experiment, Set/Delete Experiment Tag) and service.proto's Experiment message.
const API = '/api/2.0/mlflow';
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s.close(); });

describe('MLflow experiments API', () => {
  test('create returns experiment_id as a string; get returns the Experiment message', async () => {
    const created = await call(s, 'POST', `${API}/experiments/create`, { name: 'exp-a', tags: [{ key: 'team', value: 'ml' }] });
    expect(created.status).toBe(200);
    expect(typeof created.body.experiment_id).toBe('string');
    const got = await call(s, 'GET', `${API}/experiments/get`, { experiment_id: created.body.experiment_id });
    expect(got.status).toBe(200);
    const e = got.body.experiment;
    expect(e).toMatchObject({ experiment_id: created.body.experiment_id, name: 'exp-a', lifecycle_stage: 'active', tags: [{ key: 'team', value: 'ml' }] });
    // int64 fields are JSON numbers (proto_json_utils.message_to_json marks int64 fields).
    expect(typeof e.creation_time).toBe('number');
    expect(typeof e.last_update_time).toBe('number');
    expect(typeof e.artifact_location).toBe('string');
  });

  test('the Default experiment 0 exists', async () => {
    const got = await call(s, 'GET', `${API}/experiments/get`, { experiment_id: '0' });
    expect(got.body.experiment).toMatchObject({ experiment_id: '0', name: 'Default' });
  });

  test('get-by-name, and RESOURCE_DOES_NOT_EXIST (404) for an unknown name or id', async () => {
    await call(s, 'POST', `${API}/experiments/create`, { name: 'by-name' });
    const got = await call(s, 'GET', `${API}/experiments/get-by-name`, { experiment_name: 'by-name' });
    expect(got.body.experiment.name).toBe('by-name');
    const missing = await call(s, 'GET', `${API}/experiments/get-by-name`, { experiment_name: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(typeof missing.body.message).toBe('string');
    const missingId = await call(s, 'GET', `${API}/experiments/get`, { experiment_id: '987654' });
    expect(missingId.status).toBe(404);
  });

  test('a duplicate name is RESOURCE_ALREADY_EXISTS with status 400', async () => {
    await call(s, 'POST', `${API}/experiments/create`, { name: 'dup' });
    const again = await call(s, 'POST', `${API}/experiments/create`, { name: 'dup' });
    expect(again.status).toBe(400);
    expect(again.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  });

  test('missing or mistyped fields are INVALID_PARAMETER_VALUE naming the field', async () => {
    const missing = await call(s, 'POST', `${API}/experiments/create`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(missing.body.message).toContain("'name'");
    const wrong = await call(s, 'POST', `${API}/experiments/create`, { name: 42 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toContain("'name'");
    const badTags = await call(s, 'POST', `${API}/experiments/create`, { name: 'x', tags: 'nope' });
    expect(badTags.body.message).toContain("'tags'");
  });

  test('update renames; delete and restore change lifecycle_stage; search filters by view_type', async () => {
    const { body } = await call(s, 'POST', `${API}/experiments/create`, { name: 'to-rename' });
    const id = body.experiment_id as string;
    expect((await call(s, 'POST', `${API}/experiments/update`, { experiment_id: id, new_name: 'renamed' })).body).toEqual({});
    expect((await call(s, 'GET', `${API}/experiments/get`, { experiment_id: id })).body.experiment.name).toBe('renamed');

    expect((await call(s, 'POST', `${API}/experiments/delete`, { experiment_id: id })).body).toEqual({});
    expect((await call(s, 'GET', `${API}/experiments/get`, { experiment_id: id })).body.experiment.lifecycle_stage).toBe('deleted');
    const deleted = await call(s, 'POST', `${API}/experiments/search`, { view_type: 'DELETED_ONLY', max_results: 100 });
    expect(deleted.body.experiments.map((e: { name: string }) => e.name)).toContain('renamed');
    const active = await call(s, 'POST', `${API}/experiments/search`, { max_results: 100 });
    expect(active.body.experiments.map((e: { name: string }) => e.name)).not.toContain('renamed');

    await call(s, 'POST', `${API}/experiments/restore`, { experiment_id: id });
    expect((await call(s, 'GET', `${API}/experiments/get`, { experiment_id: id })).body.experiment.lifecycle_stage).toBe('active');
  });

  test('search pages with max_results and next_page_token (POST and GET)', async () => {
    for (const n of ['page-1', 'page-2', 'page-3']) await call(s, 'POST', `${API}/experiments/create`, { name: n });
    const first = await call(s, 'POST', `${API}/experiments/search`, { max_results: 2, filter: "name LIKE 'page-%'", order_by: ['name ASC'] });
    expect(first.body.experiments.map((e: { name: string }) => e.name)).toEqual(['page-1', 'page-2']);
    expect(typeof first.body.next_page_token).toBe('string');
    const second = await call(s, 'GET', `${API}/experiments/search`, { max_results: 2, filter: "name LIKE 'page-%'", order_by: 'name ASC', page_token: first.body.next_page_token });
    expect(second.body.experiments.map((e: { name: string }) => e.name)).toEqual(['page-3']);
    expect(second.body.next_page_token).toBeUndefined();
  });

  test('set-experiment-tag and delete-experiment-tag', async () => {
    const { body } = await call(s, 'POST', `${API}/experiments/create`, { name: 'tagged' });
    const id = body.experiment_id as string;
    await call(s, 'POST', `${API}/experiments/set-experiment-tag`, { experiment_id: id, key: 'k', value: 'v' });
    expect((await call(s, 'GET', `${API}/experiments/get`, { experiment_id: id })).body.experiment.tags).toEqual([{ key: 'k', value: 'v' }]);
    await call(s, 'POST', `${API}/experiments/delete-experiment-tag`, { experiment_id: id, key: 'k' });
    // Empty repeated fields are omitted, as proto JSON does.
    expect((await call(s, 'GET', `${API}/experiments/get`, { experiment_id: id })).body.experiment.tags).toBeUndefined();
  });
});
