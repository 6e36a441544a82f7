import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startTestServer, type TestServer } from '../test-server.js';

// Shapes from MLflow's REST API reference (Create/Get/Update/Search Run, Log Metric/Param/Batch,
// Log Inputs, Set/Delete Tag, Delete/Restore Run) and service.proto's Run, RunInfo, RunData.
const API = '/api/2.0/mlflow';
let s: TestServer;
let experimentId: string;
beforeAll(async () => {
  s = await startTestServer();
  experimentId = (await call(s, 'POST', `${API}/experiments/create`, { name: 'runs' })).body.experiment_id;
});
afterAll(async () => { await s.close(); });

async function newRun(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call(s, 'POST', `${API}/runs/create`, { experiment_id: experimentId, start_time: 1700000000000, ...extra });
  expect(res.status).toBe(200);
  return res.body.run.info.run_id;
}

describe('MLflow runs API', () => {
  test('create returns a Run with RunInfo fields; run_uuid mirrors run_id', async () => {
    const res = await call(s, 'POST', `${API}/runs/create`, { experiment_id: experimentId, user_id: 'ann', run_name: 'first', start_time: 1700000000000, tags: [{ key: 't', value: '1' }] });
    const info = res.body.run.info;
    expect(info).toMatchObject({ experiment_id: experimentId, user_id: 'ann', run_name: 'first', status: 'RUNNING', start_time: 1700000000000, lifecycle_stage: 'active' });
    expect(info.run_uuid).toBe(info.run_id);
    expect(info.end_time).toBeUndefined();
    expect(info.artifact_uri).toMatch(/^mlflow-artifacts:\//);
    expect(res.body.run.data.tags).toContainEqual({ key: 't', value: '1' });
  });

  test('start_time as a string (old clients) is accepted; as a word it is a 400 naming start_time', async () => {
    const ok = await call(s, 'POST', `${API}/runs/create`, { experiment_id: experimentId, start_time: '1700000000001' });
    expect(ok.body.run.info.start_time).toBe(1700000000001);
    const bad = await call(s, 'POST', `${API}/runs/create`, { experiment_id: experimentId, start_time: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(bad.body.message).toContain('start_time');
  });

  test('update sets status and end_time and returns run_info', async () => {
    const id = await newRun();
    const res = await call(s, 'POST', `${API}/runs/update`, { run_id: id, status: 'FINISHED', end_time: 1700000009999 });
    expect(res.body.run_info).toMatchObject({ run_id: id, status: 'FINISHED', end_time: 1700000009999 });
    const bad = await call(s, 'POST', `${API}/runs/update`, { run_id: id, status: 'DONE' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('status');
  });

  test('log-metric, log-parameter, set-tag show up in get; run_uuid alone works', async () => {
    const id = await newRun();
    expect((await call(s, 'POST', `${API}/runs/log-metric`, { run_id: id, key: 'loss', value: 0.5, timestamp: 10, step: 0 })).body).toEqual({});
    await call(s, 'POST', `${API}/runs/log-metric`, { run_uuid: id, key: 'loss', value: 0.25, timestamp: 20, step: 1 });
    await call(s, 'POST', `${API}/runs/log-parameter`, { run_id: id, key: 'lr', value: '0.1' });
    await call(s, 'POST', `${API}/runs/set-tag`, { run_id: id, key: 'team', value: 'ml' });
    const run = (await call(s, 'GET', `${API}/runs/get`, { run_id: id })).body.run;
    expect(run.data.metrics).toEqual([{ key: 'loss', value: 0.25, timestamp: 20, step: 1 }]);
    expect(run.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(run.data.tags).toContainEqual({ key: 'team', value: 'ml' });
  });

  test('log-metric requires value and timestamp; step defaults to 0', async () => {
    const id = await newRun();
    const noTs = await call(s, 'POST', `${API}/runs/log-metric`, { run_id: id, key: 'a', value: 1 });
    expect(noTs.status).toBe(400);
    expect(noTs.body.message).toContain("'timestamp'");
    const noValue = await call(s, 'POST', `${API}/runs/log-metric`, { run_id: id, key: 'a', timestamp: 1 });
    expect(noValue.body.message).toContain("'value'");
    await call(s, 'POST', `${API}/runs/log-metric`, { run_id: id, key: 'a', value: 3, timestamp: 1 });
    expect((await call(s, 'GET', `${API}/runs/get`, { run_id: id })).body.run.data.metrics).toEqual([{ key: 'a', value: 3, timestamp: 1, step: 0 }]);
  });

  test('a param logged again with a different value is INVALID_PARAMETER_VALUE and changes nothing', async () => {
    const id = await newRun();
    await call(s, 'POST', `${API}/runs/log-parameter`, { run_id: id, key: 'p', value: 'a' });
    expect((await call(s, 'POST', `${API}/runs/log-parameter`, { run_id: id, key: 'p', value: 'a' })).status).toBe(200);
    const clash = await call(s, 'POST', `${API}/runs/log-parameter`, { run_id: id, key: 'p', value: 'b' });
    expect(clash.status).toBe(400);
    expect(clash.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await call(s, 'GET', `${API}/runs/get`, { run_id: id })).body.run.data.params).toEqual([{ key: 'p', value: 'a' }]);
  });

  test('log-batch writes metrics, params and tags; a bad item fails the whole batch', async () => {
    const id = await newRun();
    const ok = await call(s, 'POST', `${API}/runs/log-batch`, {
      run_id: id,
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }, { key: 'm', value: 'Infinity', timestamp: '2', step: '1' }],
      params: [{ key: 'p', value: 'x' }],
      tags: [{ key: 't', value: 'y' }],
    });
    expect(ok.body).toEqual({});
    const run = (await call(s, 'GET', `${API}/runs/get`, { run_id: id })).body.run;
    expect(run.data.metrics).toEqual([{ key: 'm', value: 'Infinity', timestamp: 2, step: 1 }]);
    expect(run.data.params).toEqual([{ key: 'p', value: 'x' }]);
    const bad = await call(s, 'POST', `${API}/runs/log-batch`, { run_id: id, metrics: [{ key: 'n', value: 1, timestamp: 1 }, { key: 'n', value: 'high', timestamp: 2 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('metrics[1].value');
    const after = (await call(s, 'GET', `${API}/runs/get`, { run_id: id })).body.run;
    expect(after.data.metrics.map((m: { key: string }) => m.key)).toEqual(['m']);
  });

  test('log-batch past server.max_batch_metrics is a 400 that states the limit', async () => {
    const small = await startTestServer({ limits: { maxBatchMetrics: 3 } });
    try {
      const exp = (await call(small, 'POST', `${API}/experiments/create`, { name: 'x' })).body.experiment_id;
      const id = (await call(small, 'POST', `${API}/runs/create`, { experiment_id: exp })).body.run.info.run_id;
      const metrics = Array.from({ length: 4 }, (_, i) => ({ key: 'k', value: i, timestamp: i, step: i }));
      const res = await call(small, 'POST', `${API}/runs/log-batch`, { run_id: id, metrics });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(res.body.message).toContain('at most 3 metrics');
    } finally {
      await small.close();
    }
  });

  test('log-inputs records datasets as run.inputs.dataset_inputs', async () => {
    const id = await newRun();
    const dataset = { name: 'train', digest: 'abc123', source_type: 'local', source: 'data/train.csv' };
    const res = await call(s, 'POST', `${API}/runs/log-inputs`, { run_id: id, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }] });
    expect(res.status).toBe(200);
    const run = (await call(s, 'GET', `${API}/runs/get`, { run_id: id })).body.run;
    expect(run.inputs.dataset_inputs).toEqual([{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }]);
  });

  test('delete-tag, delete and restore', async () => {
    const id = await newRun({ tags: [{ key: 'gone', value: '1' }] });
    await call(s, 'POST', `${API}/runs/delete-tag`, { run_id: id, key: 'gone' });
    expect((await call(s, 'GET', `${API}/runs/get`, { run_id: id })).body.run.data.tags ?? []).not.toContainEqual({ key: 'gone', value: '1' });
    await call(s, 'POST', `${API}/runs/delete`, { run_id: id });
    expect((await call(s, 'GET', `${API}/runs/get`, { run_id: id })).body.run.info.lifecycle_stage).toBe('deleted');
    await call(s, 'POST', `${API}/runs/restore`, { run_id: id });
    expect((await call(s, 'GET', `${API}/runs/get`, { run_id: id })).body.run.info.lifecycle_stage).toBe('active');
  });

  test('an unknown run is RESOURCE_DOES_NOT_EXIST with status 404', async () => {
    const res = await call(s, 'POST', `${API}/runs/log-metric`, { run_id: 'f'.repeat(32), key: 'a', value: 1, timestamp: 1 });
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  test('search filters, orders and pages', async () => {
    const exp = (await call(s, 'POST', `${API}/experiments/create`, { name: 'search' })).body.experiment_id;
    for (const [i, auc] of [0.7, 0.95, 0.91].entries()) {
      const id = (await call(s, 'POST', `${API}/runs/create`, { experiment_id: exp, run_name: `r${i}` })).body.run.info.run_id;
      await call(s, 'POST', `${API}/runs/log-batch`, { run_id: id, metrics: [{ key: 'auc', value: auc, timestamp: 1, step: 0 }], params: [{ key: 'model', value: 'gbdt' }] });
    }
    const res = await call(s, 'POST', `${API}/runs/search`, { experiment_ids: [exp], filter: "metrics.auc > 0.9 and params.model = 'gbdt'", order_by: ['metrics.auc DESC'], max_results: 1 });
    expect(res.body.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual(['r1']);
    const next = await call(s, 'POST', `${API}/runs/search`, { experiment_ids: [exp], filter: "metrics.auc > 0.9 and params.model = 'gbdt'", order_by: ['metrics.auc DESC'], max_results: 1, page_token: res.body.next_page_token });
    expect(next.body.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual(['r2']);
    const badFilter = await call(s, 'POST', `${API}/runs/search`, { experiment_ids: [exp], filter: 'metrics.auc >' });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });
});
