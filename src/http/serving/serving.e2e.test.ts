import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonitoringProfile } from '../../app-model-packages.js';
import { parseTrainerParams, predict, readModelPackage, trainPackage, type ModelPackage, type PredictionRow } from '../../models/index.js';
import { ModelPool, type PackageResolver } from '../../serving/index.js';
import { tempDir } from '../../test-support/cli.js';
import { MLP_COLUMNS, MLP_REFERENCE, writeMlpPackage } from '../../test-support/mlp-fixture.js';
import { ServingMetrics } from './serving-metrics.js';
import { buildServingServer } from './serving-server.js';
import { oipTensors } from '../../test-support/oip.js';
import { flightRows, flightsCsv, type Flight } from '../../test-support/flights.js';

/**
 * The model server over real HTTP on loopback: packages trained by trainPackage on generated
 * flight-like data, served by a ModelPool behind buildServingServer, called with Node's fetch.
 * Every answer is checked against `predict()` on the same package and rows.
 */
const FEATURES = ['hour', 'weekday', 'distance', 'origin'] as const;




const tmp = tempDir('paddock-serving-e2e-');
const pkgs = {} as Record<'flights1' | 'flights2' | 'delay', ModelPackage>;
const ROWS = flightRows(12, 99);

/** A registry stand-in: ref → package dir and version, moved by the tests; an Error entry fails the load. */
const refs = new Map<string, { dir: string; version: string } | Error>();
const resolver: PackageResolver = {
  async resolve(ref) {
    const entry = refs.get(ref);
    if (!entry) throw new Error(`no such ref ${ref}`);
    if (entry instanceof Error) throw entry;
    return { pkg: await readModelPackage(entry.dir), version: entry.version };
  },
};

const pools: ModelPool[] = [];
const apps: FastifyInstance[] = [];

/** A listening server over `pool`; closed after the file. */
async function serve(pool: ModelPool, metrics?: ServingMetrics): Promise<string> {
  const app = await buildServingServer({ pool, version: '9.9.9-test', ...(metrics ? { metrics } : {}) });
  apps.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

async function newPool(models: Readonly<Record<string, string>>): Promise<ModelPool> {
  const pool = new ModelPool({ resolver });
  pools.push(pool);
  for (const [name, ref] of Object.entries(models)) await pool.add(name, ref).catch(() => undefined);
  return pool;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON from the wire, checked by the assertions
}

async function call(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const raw = typeof init.body === 'string' ? init.body : init.body === undefined ? undefined : JSON.stringify(init.body);
  const res = await fetch(url, {
    method: init.method ?? (raw === undefined ? 'GET' : 'POST'),
    headers: { ...(raw !== undefined && { 'content-type': 'application/json' }), ...init.headers },
    ...(raw !== undefined && { body: raw }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Prometheus text, CSV: kept as text.
  }
  return { status: res.status, headers: res.headers, body };
}

/** The rows as Open Inference tensors, one per column (INT64 as JSON numbers, or as decimal strings); weekday shaped [N, 1], which the protocol also allows. */
function tensors(rows: readonly Flight[], opts: { int64AsStrings?: boolean } = {}) {
  return oipTensors(rows, opts).map((t) => (t.name === 'weekday' ? { ...t, shape: [rows.length, 1] } : t));
}

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!), `element ${i}: ${v} vs ${expected[i]!}`).toBeLessThan(1e-6));
}

/** A classifier's answer as rows of {label, probabilities} against predict()'s. */
function expectPredictions(got: readonly { label: number; probabilities: number[] }[], expected: readonly PredictionRow[]): void {
  expect(got.map((p) => p.label)).toEqual(expected.map((p) => p.label));
  expectClose(got.flatMap((p) => p.probabilities), expected.flatMap((p) => p.probabilities as number[]));
}

/** An OIP classifier response against predict()'s rows. */
function expectOutputs(body: { outputs: { name: string; shape: number[]; datatype: string; data: number[] }[] }, expected: readonly PredictionRow[]): void {
  const [label, probs] = body.outputs;
  expect(label).toMatchObject({ name: 'label', shape: [expected.length], datatype: 'INT64' });
  expect(probs).toMatchObject({ name: 'probabilities', shape: [expected.length, 2], datatype: 'FP32' });
  expect(label!.data).toEqual(expected.map((p) => p.label));
  expectClose(probs!.data, expected.flatMap((p) => p.probabilities as number[]));
}

beforeAll(async () => {
  const data = path.join(tmp.dir, 'flights.csv');
  writeFileSync(data, flightsCsv(flightRows(400, 1), ['hour', 'weekday', 'distance', 'origin', 'late', 'delay']));
  const train = (name: string, task: 'classification' | 'regression', target: string, params: Record<string, unknown>) =>
    trainPackage({ data, task, target, features: [...FEATURES], params: parseTrainerParams(params, 'test'), name, outDir: path.join(tmp.dir, name), lineage: {}, producerVersion: '0.0.0-test', buildMonitoringProfile }).then((r) => r.pkg);
  pkgs.flights1 = await train('flights1', 'classification', 'late', { algorithm: 'gbdt', n_estimators: 20, max_depth: 3, min_samples_leaf: 5 });
  pkgs.flights2 = await train('flights2', 'classification', 'late', { algorithm: 'linear' });
  pkgs.delay = await train('delay', 'regression', 'delay', { algorithm: 'gbdt', n_estimators: 15, max_depth: 3 });
  refs.set('flights-ref', { dir: pkgs.flights1.dir, version: '1' });
  refs.set('delay-ref', { dir: pkgs.delay.dir, version: '4' });
});

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const pool of pools) await pool.close();
  tmp.cleanup();
});

describe('health, server and model metadata', () => {
  let url = '';
  beforeAll(async () => {
    url = await serve(await newPool({ flights: 'flights-ref', delay: 'delay-ref' }));
  });

  it('live, ready, server metadata and the model list', async () => {
    expect(await call(`${url}/v2/health/live`)).toMatchObject({ status: 200, body: { live: true } });
    expect(await call(`${url}/v2/health/ready`)).toMatchObject({ status: 200, body: { ready: true } });
    expect(await call(`${url}/v2`)).toMatchObject({ status: 200, body: { name: 'paddock', version: '9.9.9-test', extensions: [] } });
    const list = await call(`${url}/v2/models`);
    expect(list.body.models).toEqual([{ name: 'flights', version: '1', ready: true }, { name: 'delay', version: '4', ready: true }]);
  });

  it('model metadata (with and without the version) and readiness; unknown names and versions are 404s naming them', async () => {
    const meta = await call(`${url}/v2/models/flights`);
    expect(meta.status).toBe(200);
    expect(meta.body).toEqual({
      name: 'flights', versions: ['1'], platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'hour', datatype: 'INT64', shape: [-1, 1] }, { name: 'weekday', datatype: 'INT64', shape: [-1, 1] },
        { name: 'distance', datatype: 'INT64', shape: [-1, 1] }, { name: 'origin', datatype: 'BYTES', shape: [-1, 1] },
      ],
      outputs: [{ name: 'label', datatype: 'INT64', shape: [-1] }, { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] }],
    });
    expect((await call(`${url}/v2/models/delay/versions/4`)).body.outputs).toEqual([{ name: 'prediction', datatype: 'FP32', shape: [-1] }]);
    expect(await call(`${url}/v2/models/flights/ready`)).toMatchObject({ status: 200, body: { name: 'flights', ready: true } });
    expect(await call(`${url}/v2/models/delay/versions/4/ready`)).toMatchObject({ status: 200, body: { ready: true } });

    const unknown = await call(`${url}/v2/models/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/no model named 'nope' is served \(served: flights, delay\)/);
    expect((await call(`${url}/v2/models/nope/ready`)).status).toBe(404);
    const version = await call(`${url}/v2/models/flights/versions/7`);
    expect(version.status).toBe(404);
    expect(version.body.error).toMatch(/no loaded version 7 \(serving 1\)/);
    expect((await call(`${url}/v2/models/flights/versions/7/ready`)).status).toBe(503);
    expect((await call(`${url}/v2/nothing-here`)).status).toBe(404);
  });
});

describe('Open Inference Protocol: POST /v2/models/{name}/infer', () => {
  let url = '';
  let expected: PredictionRow[] = [];
  beforeAll(async () => {
    url = await serve(await newPool({ flights: 'flights-ref', delay: 'delay-ref' }));
    expected = await predict(pkgs.flights1, ROWS);
  });
  const infer = (body: unknown, headers: Record<string, string> = {}, model = 'flights') => call(`${url}/v2/models/${model}/infer`, { body, headers });

  it('answers what predict() answers, echoes the id given and generates one otherwise, and echoes x-request-id', async () => {
    const given = await infer({ id: 'req-42', inputs: tensors(ROWS) }, { 'x-request-id': 'trace-7' });
    expect(given.status).toBe(200);
    expect(given.headers.get('x-request-id')).toBe('trace-7');
    expect(given.body).toMatchObject({ model_name: 'flights', model_version: '1', id: 'req-42' });
    expectOutputs(given.body, expected);
    // Labels really vary: a constant model would pass the comparison too easily.
    expect(new Set(expected.map((p) => p.label)).size).toBe(2);

    const generated = await infer({ inputs: tensors(ROWS) });
    expect(generated.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.headers.get('x-request-id')).toBe(generated.body.id);
    const versioned = await call(`${url}/v2/models/flights/versions/1/infer`, { body: { inputs: tensors(ROWS) } });
    expectOutputs(versioned.body, expected);
  });

  it('INT64 sent as decimal strings gives the same answer; a requested outputs subset is honoured', async () => {
    expectOutputs((await infer({ inputs: tensors(ROWS, { int64AsStrings: true }) })).body, expected);
    const only = await infer({ inputs: tensors(ROWS), outputs: [{ name: 'probabilities' }] });
    expect(only.body.outputs.map((o: { name: string }) => o.name)).toEqual(['probabilities']);
    expectClose(only.body.outputs[0].data, expected.flatMap((p) => p.probabilities as number[]));
  });

  it('a regression model answers one FP32 prediction per row', async () => {
    const reg = await infer({ inputs: tensors(ROWS) }, {}, 'delay');
    const want = await predict(pkgs.delay, ROWS);
    expect(reg.body).toMatchObject({ model_name: 'delay', model_version: '4' });
    expect(reg.body.outputs[0]).toMatchObject({ name: 'prediction', shape: [ROWS.length], datatype: 'FP32' });
    expectClose(reg.body.outputs[0].data, want.map((p) => p.prediction as number));
  });

  it('bad requests are 400s naming the problem, each with the request id', async () => {
    const cases: [unknown, RegExp][] = [
      [{ inputs: tensors(ROWS).filter((t) => t.name !== 'origin') }, /missing input 'origin' \(BYTES\)/],
      [{ inputs: tensors(ROWS).map((t) => (t.name === 'origin' ? { ...t, datatype: 'FP32' } : t)) }, /input 'origin' is FP32, but column 'origin' is string: send it as BYTES/],
      [{ inputs: tensors(ROWS).map((t) => (t.name === 'hour' ? { ...t, shape: [ROWS.length + 1] } : t)) }, /input 'hour' has shape \[13\], which holds 13 elements, but its data has 12/],
      [{ inputs: tensors(ROWS).map((t) => (t.name === 'distance' ? { ...t, data: t.data.map(() => 'far') } : t)) }, /input 'distance' data\[0\]: INT64 data must be a whole number/],
      [{ inputs: tensors(ROWS), outputs: [{ name: 'score' }] }, /unknown output 'score'/],
    ];
    for (const [body, message] of cases) {
      const res = await infer(body, { 'x-request-id': 'bad-1' });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error).toMatch(message);
      expect(res.body.request_id).toBe('bad-1');
    }
    const version = await call(`${url}/v2/models/flights/versions/3/infer`, { body: { inputs: tensors(ROWS) } });
    expect(version.status).toBe(404);
    expect(version.body.error).toMatch(/model 'flights' has no version '3' loaded: it serves version 1/);
    expect(version.body.request_id).toBe(version.headers.get('x-request-id'));
    const unknown = await infer({ inputs: tensors(ROWS) }, {}, 'nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/no model named 'nope'/);
  });

  it('garbage JSON is a 400 with the request id, and the server keeps serving', async () => {
    for (const garbage of ['{"inputs": [', 'not json at all', '[1, 2', '']) {
      const res = await infer(garbage, { 'x-request-id': 'junk' });
      expect(res.status, `${garbage} → ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.request_id).toBe('junk');
      expect(res.headers.get('x-request-id')).toBe('junk');
    }
    expect((await infer('{"inputs": [')).body.error).toMatch(/malformed JSON/);
    expectOutputs((await infer({ inputs: tensors(ROWS) })).body, expected);
  });
});

describe('the feature tensor: an MLP called as Triton and KServe clients call it', () => {
  const reference = MLP_REFERENCE;
  const cols = MLP_COLUMNS;
  let url = '';
  beforeAll(async () => {
    const mlp = await writeMlpPackage(path.join(tmp.dir, 'mlp'), { name: 'mlp', example: false });
    refs.set('mlp-ref', { dir: mlp.dir, version: '1' });
    url = await serve(await newPool({ mlp: 'mlp-ref', flights: 'flights-ref' }));
  });

  it("one [N, 64] FP32 'features' tensor answers numpy's outputs, as the 64 columns sent one by one do", async () => {
    const rows = reference.input.rows;
    const asTensor = await call(`${url}/v2/models/mlp/infer`, { body: { inputs: [{ name: 'features', shape: [rows.length, 64], datatype: 'FP32', data: rows.flat() }] } });
    const asColumns = await call(`${url}/v2/models/mlp/infer`, { body: { inputs: cols.map((name, j) => ({ name, shape: [rows.length], datatype: 'FP64', data: rows.map((r) => r[j]) })) } });
    expect(asTensor.status).toBe(200);
    expect(asTensor.body.outputs[0]).toMatchObject({ name: 'probabilities', shape: [rows.length, 2], datatype: 'FP32' });
    expect(asTensor.body.outputs).toEqual(asColumns.body.outputs);
    asTensor.body.outputs[0].data.forEach((p: number, i: number) => expect(Math.abs(p - reference.output.rows.flat()[i]!)).toBeLessThan(1e-5));
    const one = await call(`${url}/v2/models/mlp/infer`, { body: { inputs: [{ name: 'features', shape: [1, 64], datatype: 'FP32', data: [rows[3]] }] } });
    expect(one.body.outputs[0].data).toEqual(asTensor.body.outputs[0].data.slice(6, 8));
  });

  it('a wrong width, or a package that preprocesses its columns, is a 400 saying what to send', async () => {
    const wide = await call(`${url}/v2/models/mlp/infer`, { body: { inputs: [{ name: 'features', shape: [1, 65], datatype: 'FP32', data: new Array(65).fill(0) }] } });
    expect(wide.status).toBe(400);
    expect(wide.body.error).toContain("input 'features' has shape [1, 65]; the feature matrix is [N, 64]");
    const flights = await call(`${url}/v2/models/flights/infer`, { body: { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] } });
    expect(flights.status).toBe(400);
    expect(flights.body.error).toMatch(/input 'features' is the model's feature matrix, which this package does not take from callers: .*preprocessing.*; send each column as its own input: hour \(int64\), weekday/);
  });
});

describe('KServe V1 and MLflow /invocations', () => {
  let url = '';
  let expected: PredictionRow[] = [];
  beforeAll(async () => {
    url = await serve(await newPool({ flights: 'flights-ref', delay: 'delay-ref' }));
    expected = await predict(pkgs.flights1, ROWS);
  });
  const asArrays = ROWS.map((r) => FEATURES.map((f) => r[f]));

  it('V1 :predict with instances as objects and as arrays', async () => {
    for (const instances of [ROWS, asArrays]) {
      const res = await call(`${url}/v1/models/flights:predict`, { body: { instances } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectPredictions(res.body.predictions, expected);
    }
    expect(await call(`${url}/v1/models/flights`)).toMatchObject({ status: 200, body: { name: 'flights', ready: true } });
    const bad = await call(`${url}/v1/models/flights:predict`, { body: { instances: [[1, 2, 3]] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/instances\[0\] has 3 values but the model takes 4 inputs/);
    expect(typeof bad.body.request_id).toBe('string');
  });

  it('/invocations?model= in every JSON format and as text/csv', async () => {
    const bodies: unknown[] = [
      { dataframe_split: { columns: [...FEATURES], data: asArrays } },
      { dataframe_records: ROWS },
      { instances: ROWS },
      { inputs: Object.fromEntries(FEATURES.map((f) => [f, ROWS.map((r) => r[f])])) },
    ];
    for (const body of bodies) {
      const res = await call(`${url}/invocations?model=flights`, { body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectPredictions(res.body.predictions, expected);
    }
    const csv = `${FEATURES.join(',')}\n${asArrays.map((r) => r.join(',')).join('\n')}\n`;
    const res = await call(`${url}/invocations?model=flights`, { body: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectPredictions(res.body.predictions, expected);
    const reg = await call(`${url}/invocations?model=delay`, { body: { dataframe_records: ROWS } });
    expectClose(reg.body.predictions, (await predict(pkgs.delay, ROWS)).map((p) => p.prediction as number));
  });

  it('/invocations without ?model= on a two-model server is a 400 listing them; bad input is MLflow-shaped', async () => {
    const res = await call(`${url}/invocations`, { body: { instances: ROWS } });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('BAD_REQUEST');
    expect(res.body.message).toMatch(/serves 2 models.*\?model=<name> \(flights, delay\)/);
    const bad = await call(`${url}/invocations?model=flights`, { body: { dataframe_records: ROWS.map(({ origin: _o, ...r }) => r) } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect(bad.body.message).toMatch(/dataframe_records\[0\]: missing column 'origin'/);
    expect(typeof bad.body.request_id).toBe('string');
  });
});

describe('a model whose load failed', () => {
  let url = '';
  beforeAll(async () => {
    refs.set('broken-ref', new Error('artifact store unreachable: s3://models/flights/3'));
    url = await serve(await newPool({ flights: 'flights-ref', broken: 'broken-ref' }));
  });

  it('is listed not ready; its readiness and inference are 503s with the cause; the other model serves', async () => {
    expect(await call(`${url}/v2/health/ready`)).toMatchObject({ status: 503, body: { ready: false } });
    expect(await call(`${url}/v2/health/live`)).toMatchObject({ status: 200 });
    expect((await call(`${url}/v2/models`)).body.models).toEqual([{ name: 'flights', version: '1', ready: true }, { name: 'broken', ready: false }]);
    const ready = await call(`${url}/v2/models/broken/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toMatch(/loading broken-ref failed: artifact store unreachable: s3:\/\/models\/flights\/3/);
    const infer = await call(`${url}/v2/models/broken/infer`, { body: { inputs: tensors(ROWS) } });
    expect(infer.status).toBe(503);
    expect(infer.body.error).toMatch(/model 'broken' is not ready: .*artifact store unreachable/);
    expect(typeof infer.body.request_id).toBe('string');
    expect((await call(`${url}/v2/models/flights/infer`, { body: { inputs: tensors(ROWS) } })).status).toBe(200);
  });
});

describe('GET /metrics', () => {
  it('counts requests by model, version and code, with the latency histogram and the in-flight gauge', async () => {
    const url = await serve(await newPool({ flights: 'flights-ref', delay: 'delay-ref' }), new ServingMetrics());
    const made = new Map<string, number>();
    const count = async (key: string, req: Promise<Answer>, status: number) => {
      expect((await req).status).toBe(status);
      made.set(key, (made.get(key) ?? 0) + 1);
    };
    const v2 = (model: string, body: unknown) => call(`${url}/v2/models/${model}/infer`, { body });
    for (let i = 0; i < 3; i++) await count('flights|1|v2|200', v2('flights', { inputs: tensors(ROWS) }), 200);
    for (let i = 0; i < 2; i++) await count('flights|1|v1|200', call(`${url}/v1/models/flights:predict`, { body: { instances: ROWS } }), 200);
    await count('flights|1|v2|400', v2('flights', { inputs: tensors(ROWS).slice(1) }), 400);
    await count('nope||v2|404', v2('nope', { inputs: tensors(ROWS) }), 404);
    // Refused before the handler (unparseable JSON on Fastify's V1 route): counted too, with no version.
    await count('flights||v1|400', call(`${url}/v1/models/flights:predict`, { body: '{"instances": [' }), 400);
    // The inference lane parses a V2 body once the model is known: counted under the version it went to.
    await count('flights|1|v2|400', v2('flights', '{"inputs": ['), 400);
    await count('delay|4|mlflow|200', call(`${url}/invocations?model=delay`, { body: { instances: ROWS } }), 200);

    const res = await call(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = res.body as string;
    const samples = parseSamples(text);
    const requests = samples.filter((s) => s.name === 'paddock_inference_requests_total');
    const seen = new Map(requests.map((s) => [`${s.labels.model}|${s.labels.version}|${s.labels.protocol}|${s.labels.code}`, s.value]));
    expect(seen).toEqual(made);
    expect(requests.every((s) => s.labels.variant === 'default')).toBe(true);
    // Latency is observed for successful requests only, one per request.
    const counts = samples.filter((s) => s.name === 'paddock_inference_request_duration_seconds_count');
    expect(new Map(counts.map((s) => [`${s.labels.model}|${s.labels.protocol}`, s.value]))).toEqual(new Map([['flights|v2', 3], ['flights|v1', 2], ['delay|mlflow', 1]]));
    const inf = samples.find((s) => s.name === 'paddock_inference_request_duration_seconds_bucket' && s.labels.protocol === 'v2' && s.labels.le === '+Inf');
    expect(inf?.value).toBe(3);
    expect(text).toContain('# TYPE paddock_inference_request_duration_seconds histogram');
    expect(text).toContain('# TYPE paddock_inference_in_flight gauge');
    expect(samples.find((s) => s.name === 'paddock_inference_in_flight' && s.labels.model === 'flights')?.value).toBe(0);
    const rows = samples.find((s) => s.name === 'paddock_inference_batch_rows_sum' && s.labels.model === 'flights');
    expect(rows?.value).toBe(5 * ROWS.length);
  });
});

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Prometheus text exposition → samples (comments skipped). */
function parseSamples(text: string): Sample[] {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((line) => {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample: ${line}`);
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    return { name: m[1]!, labels, value: Number(m[3]) };
  });
}

describe('hot swap under load', () => {
  it('8 concurrent clients see no failure while the ref moves from v1 to v2, and only v2 after the switch', async () => {
    refs.set('swap-ref', { dir: pkgs.flights1.dir, version: '1' });
    const pool = await newPool({ swap: 'swap-ref' });
    const url = await serve(pool);
    const want = { '1': await predict(pkgs.flights1, ROWS), '2': await predict(pkgs.flights2, ROWS) };
    // The two versions are told apart by their answers, not only by the version they claim.
    expect(want['1'].map((p) => (p.probabilities as number[])[1])).not.toEqual(want['2'].map((p) => (p.probabilities as number[])[1]));

    interface Seen { readonly started: number; readonly status: number; readonly version?: string; readonly body: unknown }
    const seen: Seen[] = [];
    const deadline = performance.now() + 1500;
    let switched = Infinity;
    const client = async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        const res = await call(`${url}/v2/models/swap/infer`, { body: { inputs: tensors(ROWS) } });
        seen.push({ started, status: res.status, version: res.body?.model_version, body: res.body });
      }
    };
    const mover = async () => {
      await sleep(600);
      refs.set('swap-ref', { dir: pkgs.flights2.dir, version: '2' });
      expect(await pool.refresh()).toEqual([{ name: 'swap', from: '1', to: '2' }]);
      switched = performance.now();
    };
    await Promise.all([...Array.from({ length: 8 }, client), mover()]);

    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    const v1 = seen.filter((s) => s.version === '1');
    const v2 = seen.filter((s) => s.version === '2');
    expect(v1.length).toBeGreaterThan(8);
    expect(v2.length).toBeGreaterThan(8);
    expect(v1.length + v2.length).toBe(seen.length);
    for (const s of seen) expectOutputs(s.body as Parameters<typeof expectOutputs>[0], want[s.version as '1' | '2']);
    expect(seen.filter((s) => s.started > switched && s.version !== '2')).toEqual([]);
    expect(pool.status('swap')).toMatchObject({ version: '2', ready: true });
    // With one model served, /invocations needs no ?model=.
    const inv = await call(`${url}/invocations`, { body: { instances: ROWS } });
    expectPredictions(inv.body.predictions, want['2']);
  });
});

/** GET on a connection of its own (not fetch's keep-alive pool), as text. */
function freshGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text)).on('error', reject);
    }).on('error', reject);
  });
}

describe('graceful shutdown', () => {
  it('a large request in flight when close() is called completes with 200; a request after close is refused', async () => {
    refs.set('big-ref', { dir: pkgs.flights2.dir, version: '2' });
    const pool = await newPool({ flights: 'big-ref' });
    const app = await buildServingServer({ pool, version: '9.9.9-test', metrics: new ServingMetrics() });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const N = 200_000;
    const rows = flightRows(N, 5);
    const body = JSON.stringify({ inputs: tensors(rows) });
    const big = call(`${url}/v2/models/flights/infer`, { body, headers: { 'x-request-id': 'big' } });
    // Until the request is being answered (the in-flight gauge says so): its body arrived and the model runs.
    const inFlight = async () => parseSamples(await freshGet(`${url}/metrics`)).find((s) => s.name === 'paddock_inference_in_flight' && s.labels.model === 'flights')?.value;
    while ((await inFlight()) !== 1) await sleep(2);
    let answered = false;
    void big.then(() => (answered = true));
    const closing = app.close();
    expect(answered).toBe(false);
    // Once the listener is closed, a new connection is refused (fetch's pool holds only the big
    // request's busy connection, so this opens a new one).
    while (app.server.listening) await sleep(2);
    const after = await call(`${url}/v2/health/live`).then((r) => r.status, (e: unknown) => ((e as { cause?: { code?: string } }).cause?.code ?? String(e)));
    expect([503, 'ECONNREFUSED']).toContain(after);
    const res = await big;
    // Without `Connection: close` on the in-flight response, close() waited out the keep-alive timeout.
    await Promise.race([closing, sleep(10_000, undefined, { ref: false }).then(() => Promise.reject(new Error('app.close() still waiting 10 s after the last response')))]);
    await pool.close();
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.outputs[0].shape).toEqual([N]);
    expect(res.body.outputs[1].shape).toEqual([N, 2]);
    // Spot-check rows across the batch against predict().
    const picks = [0, 1, 77_777, N - 1];
    const direct = await predict(pkgs.flights2, picks.map((i) => rows[i]!));
    expect(picks.map((i) => res.body.outputs[0].data[i])).toEqual(direct.map((p) => p.label));
    expectClose(picks.flatMap((i) => res.body.outputs[1].data.slice(2 * i, 2 * i + 2)), direct.flatMap((p) => p.probabilities as number[]));
  });
});
