import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RemoteConfig } from '../core/config.js';
import { isPaddockError } from '../core/errors.js';
import { lineageOf } from '../registry/index.js';
import { createClient } from '../sdk/index.js';
import { openObjectStore } from '../storage/artifacts/open-object-store.js';
import { S3ObjectStore } from '../storage/artifacts/s3-object-store.js';
import { tempDir } from '../test-support/cli.js';
import { startS3Server, type S3TestServer } from '../test-support/s3-server.js';
import { call, startTestServer, type TestServer } from './test-server.js';

// The "at scale" column of DESIGN's backend table, end to end: one server over PostgreSQL
// metadata and S3 artifacts (s3rver), driven through MLflow's REST API and the SDK over HTTP;
// then a local SDK client whose paddock.yaml names the same database and bucket. Expected
// shapes come from MLflow's protos (service.proto, model_registry.proto, mlflow_artifacts.proto)
// and its --serve-artifacts conventions (`mlflow-artifacts:/<exp>/<run>/artifacts`).
const PG_URI = process.env.PADDOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const API = '/api/2.0/mlflow';
const PROXY = '/api/2.0/mlflow-artifacts/artifacts';
const BUCKET = 'paddock-scale';
const ROOT = `s3://${BUCKET}/artifacts`;

let s3: S3TestServer;
let server: TestServer;
let bucket: S3ObjectStore;
let metadataUri: string;
const schema = `t_${randomBytes(6).toString('hex')}`;
const admin = new pg.Pool({ connectionString: PG_URI, max: 1 });
const work = tempDir('paddock-scale-');

/** The S3 settings a deployment would put in its remote config, pointing at s3rver. */
function remote(url: string): RemoteConfig {
  return { url, endpoint: s3.endpoint, region: 'us-east-1', force_path_style: true, access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey };
}

beforeAll(async () => {
  [s3] = await Promise.all([startS3Server({ buckets: [BUCKET] }), admin.query(`create schema ${schema}`)]);
  metadataUri = `${PG_URI}${PG_URI.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  // The same adapter table `paddock server` uses (openObjectStore), with explicit credentials.
  server = await startTestServer({ metadataUri, artifactRoot: ROOT, artifacts: (uri) => openObjectStore(remote(uri), { root: work.dir, name: 'artifacts' }) });
  bucket = new S3ObjectStore(remote(`s3://${BUCKET}`));
});

afterAll(async () => {
  await server?.close();
  await bucket?.close();
  await s3?.stop();
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
  work.cleanup();
});

/** Every key in the bucket. */
async function bucketKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of bucket.list('')) keys.push(o.key);
  return keys.sort();
}

/** A request with the path sent byte for byte (fetch would normalise `..` away). */
function raw(method: string, route: string, body?: string): Promise<{ status: number; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: route }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const byKey = (items: { key: string; value: unknown }[] | undefined) => Object.fromEntries((items ?? []).map((i) => [i.key, i.value]));

describe('server over PostgreSQL metadata and S3 artifacts', () => {
  let expId: string;
  let sdkRunId: string;
  const modelBytes = randomBytes(300_000);

  test('MLflow REST: experiment and run with params and metrics incl. NaN and ±Infinity', async () => {
    const created = await call(server, 'POST', `${API}/experiments/create`, { name: 'scale' });
    expect(created.status).toBe(200);
    expId = created.body.experiment_id;
    // With the server serving artifacts, locations are shown in the proxy's scheme.
    const exp = await call(server, 'GET', `${API}/experiments/get`, { experiment_id: expId });
    expect(exp.body.experiment).toMatchObject({ name: 'scale', artifact_location: `mlflow-artifacts:/${expId}`, lifecycle_stage: 'active' });

    const run = (await call(server, 'POST', `${API}/runs/create`, { experiment_id: expId, run_name: 'rest', start_time: 1000 })).body.run.info;
    expect(run.artifact_uri).toBe(`mlflow-artifacts:/${expId}/${run.run_id}/artifacts`);
    const batch = await call(server, 'POST', `${API}/runs/log-batch`, {
      run_id: run.run_id,
      params: [{ key: 'model', value: 'gbdt' }, { key: 'lr', value: '0.1' }],
      metrics: [
        { key: 'auc', value: 0.7, timestamp: 1001, step: 0 },
        { key: 'loss', value: 'NaN', timestamp: 1002, step: 0 },
        { key: 'loss', value: 'Infinity', timestamp: 1003, step: 1 },
        { key: 'loss', value: '-Infinity', timestamp: 1004, step: 2 },
      ],
    });
    expect(batch.status).toBe(200);
    expect((await call(server, 'POST', `${API}/runs/log-metric`, { run_id: run.run_id, key: 'auc', value: 0.75, timestamp: 1005, step: 1 })).status).toBe(200);

    const history = await call(server, 'GET', `${API}/metrics/get-history`, { run_id: run.run_id, metric_key: 'loss' });
    expect(history.body.metrics).toEqual([
      { key: 'loss', value: 'NaN', timestamp: 1002, step: 0 },
      { key: 'loss', value: 'Infinity', timestamp: 1003, step: 1 },
      { key: 'loss', value: '-Infinity', timestamp: 1004, step: 2 },
    ]);
    const got = (await call(server, 'GET', `${API}/runs/get`, { run_id: run.run_id })).body.run;
    expect(byKey(got.data.params)).toEqual({ model: 'gbdt', lr: '0.1' });
    // The latest value per key is the one at the highest step.
    expect(byKey(got.data.metrics)).toEqual({ auc: 0.75, loss: '-Infinity' });
  });

  test('SDK over HTTP: logs a file and a directory through the proxy; they land in the bucket byte for byte', async () => {
    const files = path.join(work.dir, 'files');
    mkdirSync(path.join(files, 'model', 'sub'), { recursive: true });
    writeFileSync(path.join(files, 'report.txt'), 'accuracy 0.91\n');
    writeFileSync(path.join(files, 'model', 'MLmodel'), 'flavors: {}\n');
    writeFileSync(path.join(files, 'model', 'sub', 'weights.bin'), modelBytes);
    // Names that need percent-encoding on the way through the proxy.
    writeFileSync(path.join(files, 'model', 'notes 100%+é.txt'), 'n');

    const client = createClient({ trackingUri: server.url, handleExit: false, env: {} });
    try {
      const run = await client.startRun({ experiment: 'scale', runName: 'sdk', tags: { team: 'ml' } });
      expect(run.experimentId).toBe(expId);
      await run.logParams({ model: 'gbdt', lr: 0.05 });
      run.logMetrics({ auc: 0.91, loss: Number.NaN }, 0);
      run.logMetric('loss', Number.POSITIVE_INFINITY, 1);
      await run.logArtifact(path.join(files, 'report.txt'));
      await run.logArtifacts(path.join(files, 'model'), 'model');
      // The SDK refuses a path that would leave the run's root before anything is sent.
      const escape = await run.logArtifact(path.join(files, 'report.txt'), '../other').catch((e: unknown) => e);
      expect(isPaddockError(escape, 'INVALID_ARGUMENT')).toBe(true);
      await run.end();
      sdkRunId = run.runId;

      const stored = await (await client.store()).getRun(sdkRunId);
      expect(stored.info.status).toBe('FINISHED');
      expect(Object.fromEntries(stored.data.metrics.map((m) => [m.key, m.value]))).toEqual({ auc: 0.91, loss: Number.POSITIVE_INFINITY });
    } finally {
      await client.close();
    }

    // Where MLflow's layout puts them: <root>/<experiment>/<run>/artifacts/<path>.
    const prefix = `artifacts/${expId}/${sdkRunId}/artifacts`;
    const keys = (await bucketKeys()).filter((k) => k.startsWith(`${prefix}/`));
    expect(keys).toEqual([`${prefix}/model/MLmodel`, `${prefix}/model/notes 100%+é.txt`, `${prefix}/model/sub/weights.bin`, `${prefix}/report.txt`]);
    expect(Buffer.from(await bucket.getBytes(`${prefix}/model/sub/weights.bin`)).equals(modelBytes)).toBe(true);
  });

  test('MLflow REST: artifacts/list and a proxied download over S3', async () => {
    const top = await call(server, 'GET', `${API}/artifacts/list`, { run_id: sdkRunId });
    expect(top.status).toBe(200);
    expect(top.body.root_uri).toBe(`mlflow-artifacts:/${expId}/${sdkRunId}/artifacts`);
    expect(top.body.files).toEqual([{ path: 'model', is_dir: true }, { path: 'report.txt', is_dir: false, file_size: 14 }]);
    const sub = await call(server, 'GET', `${API}/artifacts/list`, { run_id: sdkRunId, path: 'model/sub' });
    expect(sub.body.files).toEqual([{ path: 'model/sub/weights.bin', is_dir: false, file_size: modelBytes.length }]);
    const proxied = await call(server, 'GET', PROXY, { path: `${expId}/${sdkRunId}/artifacts/model` });
    expect(proxied.body.files).toEqual([{ path: 'MLmodel', is_dir: false, file_size: 12 }, { path: 'notes 100%+é.txt', is_dir: false, file_size: 1 }, { path: 'sub', is_dir: true }]);
    const odd = await fetch(`${server.url}${PROXY}/${expId}/${sdkRunId}/artifacts/model/${encodeURIComponent('notes 100%+é.txt')}`);
    expect([odd.status, await odd.text()]).toEqual([200, 'n']);

    const res = await fetch(`${server.url}${PROXY}/${expId}/${sdkRunId}/artifacts/model/sub/weights.bin`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(modelBytes)).toBe(true);
    const missing = await call(server, 'GET', `${PROXY}/${expId}/${sdkRunId}/artifacts/nope.bin`);
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(missing.body.message).not.toContain(BUCKET);
  });

  test('search runs with a filter and an order by, through REST and the SDK, with page tokens', async () => {
    const filter = "params.model = 'gbdt' and metrics.auc > 0.5 and tags.mlflow.runName LIKE '%'";
    const page1 = await call(server, 'POST', `${API}/runs/search`, { experiment_ids: [expId], filter, order_by: ['metrics.auc DESC'], max_results: 1 });
    expect(page1.status).toBe(200);
    expect(page1.body.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual(['sdk']);
    expect(page1.body.next_page_token).toEqual(expect.any(String));
    const page2 = await call(server, 'POST', `${API}/runs/search`, { experiment_ids: [expId], filter, order_by: ['metrics.auc DESC'], max_results: 1, page_token: page1.body.next_page_token });
    expect(page2.body.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual(['rest']);
    expect(page2.body.next_page_token).toBeUndefined();

    const client = createClient({ trackingUri: server.url, handleExit: false, env: {} });
    try {
      const store = await client.store();
      const asc = await store.searchRuns({ experimentIds: [expId], filter: 'metrics.auc >= 0.75 or params.lr = \'0.1\'', orderBy: ['metrics.auc ASC'] });
      expect(asc.items.map((r) => r.info.runName)).toEqual(['rest', 'sdk']);
      const none = await store.searchRuns({ experimentIds: [expId], filter: 'metrics.auc > 0.95' });
      expect(none.items).toEqual([]);
    } finally {
      await client.close();
    }
  });

  test('registry: a version from the run, an alias, download URI and lineage back to the run', async () => {
    expect((await call(server, 'POST', `${API}/registered-models/create`, { name: 'churn' })).status).toBe(200);
    const mv = await call(server, 'POST', `${API}/model-versions/create`, { name: 'churn', source: `runs:/${sdkRunId}/model`, run_id: sdkRunId });
    expect(mv.status).toBe(200);
    expect(mv.body.model_version).toMatchObject({ name: 'churn', version: '1', run_id: sdkRunId, status: 'READY' });
    expect((await call(server, 'POST', `${API}/registered-models/alias`, { name: 'churn', alias: 'champion', version: '1' })).status).toBe(200);

    const byAlias = await call(server, 'GET', `${API}/registered-models/alias`, { name: 'churn', alias: 'champion' });
    expect(byAlias.body.model_version).toMatchObject({ version: '1', aliases: ['champion'], run_id: sdkRunId });
    const model = await call(server, 'GET', `${API}/registered-models/get`, { name: 'churn' });
    expect(model.body.registered_model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    // The rows are in PostgreSQL, in this file's schema.
    const rows = await admin.query(`select count(*)::int as n from ${schema}.registered_models`);
    expect(rows.rows[0].n).toBe(1);
    const uri = await call(server, 'GET', `${API}/model-versions/get-download-uri`, { name: 'churn', version: '1' });
    expect(uri.body.artifact_uri).toBe(`mlflow-artifacts:/${expId}/${sdkRunId}/artifacts/model`);

    // The audit log (Paddock's API) and lineage read back from PostgreSQL.
    const audit = await call(server, 'GET', '/api/v1/models/churn/audit');
    expect(audit.status).toBe(200);
    expect(audit.body.events.map((e: { action: string }) => e.action)).toContain('alias.set');
    const lineage = await lineageOf(server.registry, server.tracking, 'churn', 1);
    expect(lineage).toMatchObject({ model: 'churn', version: 1, runId: sdkRunId, experimentId: expId, params: { model: 'gbdt', lr: '0.05' } });
    expect(lineage.metrics).toEqual({ auc: 0.91, loss: Number.POSITIVE_INFINITY });
  });

  test('a long metric series on PostgreSQL: appended batches read back through get-history pages and the columnar API', async () => {
    const run = (await call(server, 'POST', `${API}/runs/create`, { experiment_id: expId, run_name: 'long' })).body.run.info;
    const n = 30_000;
    const value = (i: number) => (i === 12_345 ? 'NaN' : i / 3);
    for (let start = 0; start < n; start += 10_000) {
      const metrics = Array.from({ length: 10_000 }, (_, j) => ({ key: 'loss', value: value(start + j), timestamp: 5000 + start + j, step: start + j }));
      expect((await call(server, 'POST', `${API}/runs/log-batch`, { run_id: run.run_id, metrics })).status).toBe(200);
    }
    // MLflow's Python client pages get-history 25,000 points at a time.
    const first = await call(server, 'GET', `${API}/metrics/get-history`, { run_id: run.run_id, metric_key: 'loss', max_results: 25_000 });
    expect(first.body.metrics).toHaveLength(25_000);
    const rest = await call(server, 'GET', `${API}/metrics/get-history`, { run_id: run.run_id, metric_key: 'loss', max_results: 25_000, page_token: first.body.next_page_token });
    expect(rest.body.next_page_token).toBeUndefined();
    const all = [...first.body.metrics, ...rest.body.metrics];
    expect(all.map((m: { step: number }) => m.step)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(all[12_345]).toEqual({ key: 'loss', value: 'NaN', timestamp: 5000 + 12_345, step: 12_345 });
    expect(all[n - 1]).toEqual({ key: 'loss', value: (n - 1) / 3, timestamp: 5000 + n - 1, step: n - 1 });

    const columns = await call(server, 'GET', `/api/v1/runs/${run.run_id}/metrics/loss`);
    expect(columns.status).toBe(200);
    expect(columns.body.points).toBe(n);
    expect(columns.body.values[12_345]).toBe('NaN');
    expect(columns.body.steps[n - 1]).toBe(n - 1);
    const downsampled = await call(server, 'GET', `/api/v1/runs/${run.run_id}/metrics/loss`, { max_points: 500 });
    expect(downsampled.body.points).toBeLessThanOrEqual(500);
    expect(downsampled.body.steps[0]).toBe(0);
  });

  test.each([
    ['dot-dot', (root: string) => `${PROXY}/${root}/../../../../etc/passwd`],
    ['encoded dot-dot', (root: string) => `${PROXY}/${root}/%2e%2e/%2e%2e/secret`],
    ['double-encoded dot-dot', (root: string) => `${PROXY}/${root}/%252e%252e/secret`],
    ['absolute', () => `${PROXY}//etc/passwd`],
    ['encoded absolute', () => `${PROXY}/%2Fetc%2Fpasswd`],
  ])('artifact path traversal on S3 (%s) is a 400 and writes nothing', async (_name, route) => {
    const before = await bucketKeys();
    const target = route(`${expId}/${sdkRunId}/artifacts`);
    const put = await raw('PUT', target, 'pwned');
    expect(put.status).toBe(400);
    expect(JSON.parse(put.body).error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await raw('GET', target)).status).toBe(400);
    expect((await raw('DELETE', target)).status).toBe(400);
    expect(await bucketKeys()).toEqual(before);
  });

  test('artifacts/list refuses paths that leave the run root on S3', async () => {
    for (const p of ['../..', '/etc', '%2e%2e/x', 'model/../../other']) {
      const res = await call(server, 'GET', `${API}/artifacts/list`, { run_id: sdkRunId, path: p });
      expect([p, res.status]).toEqual([p, 400]);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const listed = await call(server, 'GET', PROXY, { path: '../artifacts' });
    expect(listed.status).toBe(400);
  });
});

describe('proxied delete on S3', () => {
  test('DELETE of a directory removes its objects and nothing else', async () => {
    const exp = (await call(server, 'POST', `${API}/experiments/create`, { name: 'deletes' })).body.experiment_id;
    const run = (await call(server, 'POST', `${API}/runs/create`, { experiment_id: exp })).body.run.info;
    const root = `${PROXY}/${exp}/${run.run_id}/artifacts`;
    for (const name of ['keep.txt', 'dir/a.txt', 'dir/b/c.txt', 'dirx/d.txt']) {
      expect((await fetch(`${server.url}${root}/${name}`, { method: 'PUT', body: name })).status).toBe(200);
    }
    expect((await call(server, 'DELETE', `${root}/dir`)).status).toBe(200);
    const prefix = `artifacts/${exp}/${run.run_id}/artifacts/`;
    expect((await bucketKeys()).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length))).toEqual(['dirx/d.txt', 'keep.txt']);
  });
});

describe('local SDK (no server) with postgres:// metadata and an s3:// artifact root', () => {
  test('createClient() in the project writes the run to PostgreSQL and the artifact to the bucket', async () => {
    const project = path.join(work.dir, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, 'paddock.yaml'), [
      'metadata:',
      `  uri: ${JSON.stringify(metadataUri)}`,
      'artifacts:',
      `  root: s3://${BUCKET}/local`,
      `  endpoint: ${s3.endpoint}`,
      `  access_key_id: ${s3.accessKeyId}`,
      `  secret_access_key: ${s3.secretAccessKey}`,
      '',
    ].join('\n'));
    const file = path.join(project, 'summary.json');
    writeFileSync(file, '{"rows": 3}\n');
    // Credentials come from artifacts.* in paddock.yaml (the AWS_* environment is the fallback).
    const client = createClient({ cwd: project, handleExit: false, env: {} });
    let runId: string;
    let experimentId: string;
    try {
      const run = await client.startRun({ experiment: 'local-scale' });
      ({ runId, experimentId } = run);
      await run.logParam('source', 'local');
      await run.logArtifact(file, 'reports');
      await run.end();
      expect((await (await client.store()).getRun(runId)).info.artifactUri).toBe(`s3://${BUCKET}/local/${experimentId}/${runId}/artifacts`);
    } finally {
      await client.close();
    }
    const key = `local/${experimentId}/${runId}/artifacts/reports/summary.json`;
    expect((await bucketKeys()).filter((k) => k.startsWith('local/'))).toEqual([key]);
    expect(Buffer.from(await bucket.getBytes(key)).toString()).toBe('{"rows": 3}\n');

    // The server over the same database sees the run, and lists its artifacts from the bucket.
    const got = await call(server, 'GET', `${API}/runs/get`, { run_id: runId });
    expect(got.body.run.info.artifact_uri).toBe(`s3://${BUCKET}/local/${experimentId}/${runId}/artifacts`);
    expect(byKey(got.body.run.data.params)).toEqual({ source: 'local' });
    const listed = await call(server, 'GET', `${API}/artifacts/list`, { run_id: runId, path: 'reports' });
    expect(listed.body.files).toEqual([{ path: 'reports/summary.json', is_dir: false, file_size: 12 }]);
  });

  test('a script that never ends its run nor closes the client exits promptly: pooled connections do not hold it', async () => {
    const project = path.join(work.dir, 'script');
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, 'paddock.yaml'), `metadata:\n  uri: ${JSON.stringify(metadataUri)}\n`);
    const sdk = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../sdk/index.ts')).href;
    const file = path.join(project, 'train.mts');
    writeFileSync(file, [
      `import { paddock } from ${JSON.stringify(sdk)};`,
      `const run = await paddock.startRun({ experiment: 'script' });`,
      `await run.logParams({ epochs: 3 });`,
      `for (let i = 0; i < 100; i++) run.logMetric('loss', 1 / (i + 1), i);`,
      `const idle = Date.now();`,
      `process.on('exit', () => process.stdout.write(JSON.stringify({ runId: run.runId, exitMs: Date.now() - idle })));`,
    ].join('\n'));
    const out = await new Promise<string>((resolve, reject) => {
      const env = { ...process.env, PADDOCK_TRACKING_URI: '', MLFLOW_TRACKING_URI: '', PADDOCK_STAGE: '' };
      // The script imports the SDK's sources, so node loads them through tsx (from this repository).
      const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
      const child = spawn(process.execPath, ['--import', tsx, file], { cwd: project, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`script exited ${code}: ${stderr}`))));
    });
    const { runId, exitMs } = JSON.parse(out) as { runId: string; exitMs: number };
    // pg's idle timeout is 10 s; ending the run at exit takes a few queries.
    expect(exitMs).toBeLessThan(3000);
    const got = await call(server, 'GET', `${API}/runs/get`, { run_id: runId });
    expect(got.body.run.info.status).toBe('FINISHED');
    expect(byKey(got.body.run.data.metrics)).toEqual({ loss: 1 / 100 });
  });
});
