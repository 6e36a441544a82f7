import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonitoringProfile } from '../../app-model-packages.js';
import { parseTrainerParams, predict, readModelPackage, trainPackage, type ModelPackage } from '../../models/index.js';
import { ModelPool } from '../../serving/index.js';
import { tempDir } from '../../test-support/cli.js';
import { flightRows, flightsCsv } from '../../test-support/flights.js';
import { oipTensors } from '../../test-support/oip.js';
import { ServingMetrics } from './serving-metrics.js';
import { buildServingServer } from './serving-server.js';

/**
 * The inference lane against Fastify's own route, on one server: a request over real HTTP to
 * `POST /v2/models/{name}/infer` takes the lane, and `app.inject` (which calls Fastify's handler
 * directly, past the server's listener) takes the Fastify route. Both must answer alike: status,
 * body, headers, metrics. Requests the lane leaves to Fastify (chunked, another type, too large,
 * a query) must still be answered by Fastify.
 */
const tmp = tempDir('paddock-lane-e2e-');
let pkg: ModelPackage;
let pool: ModelPool;
let app: FastifyInstance;
let url = '';
let metrics: ServingMetrics;
const ROWS = flightRows(3, 7);
const BODY_LIMIT = 64 * 1024;

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

/** A raw HTTP request (headers exactly as given, a body as given or in chunks), with the whole answer. */
function send(method: string, pathAndQuery: string, headers: Record<string, string>, body: string | string[] = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${pathAndQuery}`, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    for (const part of Array.isArray(body) ? body : [body]) req.write(part);
    req.end();
  });
}

const JSON_HEADERS = (body: string, extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...extra });

/** The same request through Fastify's route (inject bypasses the server's listener, so the lane). */
async function viaFastify(pathAndQuery: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const res = await app.inject({ method: 'POST', url: pathAndQuery, headers, payload: body });
  return { status: res.statusCode, headers: res.headers as http.IncomingHttpHeaders, text: res.body };
}

/** What must agree between the two paths: status, the headers a client reads, the body. */
function comparable(a: Answer) {
  const { 'content-type': type, 'content-length': length, 'x-request-id': id, 'x-paddock-worker': worker } = a.headers;
  return { status: a.status, type, length, id, worker, body: JSON.parse(a.text) as unknown };
}

const requestCount = async (status: string): Promise<number> => {
  const text = await metrics.render();
  const line = text.split('\n').find((l) => l.startsWith('paddock_inference_requests_total{') && l.includes(`model="flights"`) && l.includes(`code="${status}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

beforeAll(async () => {
  const data = path.join(tmp.dir, 'flights.csv');
  writeFileSync(data, flightsCsv(flightRows(300, 1), ['hour', 'weekday', 'distance', 'origin', 'late']));
  pkg = (await trainPackage({
    data, task: 'classification', target: 'late', features: ['hour', 'weekday', 'distance', 'origin'], params: parseTrainerParams({ algorithm: 'gbdt', n_estimators: 10, max_depth: 3, min_samples_leaf: 5 }, 'test'),
    name: 'flights', outDir: path.join(tmp.dir, 'flights'), lineage: {}, producerVersion: '0.0.0-test', buildMonitoringProfile,
  })).pkg;
  pool = new ModelPool({ resolver: { resolve: async () => ({ pkg: await readModelPackage(pkg.dir), version: '3' }) } });
  await pool.add('flights', 'flights-ref');
  metrics = new ServingMetrics();
  app = await buildServingServer({ pool, version: '9.9.9-test', metrics, bodyLimitBytes: BODY_LIMIT, responseHeaders: { 'x-paddock-worker': '7' } });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
  await pool.close();
  tmp.cleanup();
});

describe('inference lane', () => {
  it('answers an infer request as the Fastify route does, with the model\'s predictions', async () => {
    const body = JSON.stringify({ id: 'req-1', inputs: oipTensors(ROWS) });
    const headers = JSON_HEADERS(body, { 'x-request-id': 'trace-1' });
    const before = await requestCount('200');
    const lane = await send('POST', '/v2/models/flights/infer', headers, body);
    const fastify = await viaFastify('/v2/models/flights/infer', headers, body);
    expect(comparable(lane)).toEqual(comparable(fastify));
    expect(lane.headers['x-request-id']).toBe('trace-1');
    expect(lane.headers['x-paddock-worker']).toBe('7');
    // Both were counted, as answered by version 3.
    expect(await requestCount('200')).toBe(before + 2);
    const answer = JSON.parse(lane.text) as { id: string; model_version: string; outputs: { name: string; data: number[] }[] };
    expect(answer).toMatchObject({ id: 'req-1', model_name: 'flights', model_version: '3' });
    const expected = await predict(pkg, ROWS);
    expect(answer.outputs[0]!.data).toEqual(expected.map((p) => p.label));
    expect(answer.outputs[1]!.data.length).toBe(2 * ROWS.length);
    answer.outputs[1]!.data.forEach((v, i) => expect(Math.abs(v - (expected[i >> 1]!.probabilities as number[])[i & 1]!)).toBeLessThan(1e-6));
  });

  it('generates a request id when none is given, and a single row answers as a batch of one', async () => {
    const body = JSON.stringify({ inputs: oipTensors(ROWS.slice(0, 1)) });
    const lane = await send('POST', '/v2/models/flights/infer', JSON_HEADERS(body), body);
    expect(lane.status).toBe(200);
    const id = lane.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.parse(lane.text)).toMatchObject({ id, outputs: [{ name: 'label', shape: [1] }, { name: 'probabilities', shape: [1, 2] }] });
  });

  it.each([
    ['malformed JSON', '{"inputs": [', 400, 'INVALID_ARGUMENT'],
    ['a missing input', JSON.stringify({ inputs: oipTensors(ROWS).slice(1) }), 400, 'INVALID_ARGUMENT'],
    ['a wrong datatype', JSON.stringify({ inputs: oipTensors(ROWS).map((t) => (t.name === 'origin' ? { ...t, datatype: 'FP32' } : t)) }), 400, 'INVALID_ARGUMENT'],
    ['an empty body', '', 400, 'INVALID_ARGUMENT'],
  ])('answers %s with the route\'s error, status and request id', async (_what, body, status, code) => {
    const headers = JSON_HEADERS(body, { 'x-request-id': 'bad-1' });
    const lane = await send('POST', '/v2/models/flights/infer', headers, body);
    const fastify = await viaFastify('/v2/models/flights/infer', headers, body);
    expect(comparable(lane)).toEqual(comparable(fastify));
    expect(lane.status).toBe(status);
    expect(JSON.parse(lane.text)).toMatchObject({ code, request_id: 'bad-1' });
  });

  it('answers an unknown model with 404 like the route', async () => {
    const body = JSON.stringify({ inputs: oipTensors(ROWS) });
    const headers = JSON_HEADERS(body, { 'x-request-id': 'nf-1' });
    const lane = await send('POST', '/v2/models/nope/infer', headers, body);
    expect(comparable(lane)).toEqual(comparable(await viaFastify('/v2/models/nope/infer', headers, body)));
    expect(lane.status).toBe(404);
  });

  it('leaves to Fastify what it does not take: a chunked body, another type, a body over the limit, a query, an escaped name', async () => {
    const body = JSON.stringify({ inputs: oipTensors(ROWS) });
    const half = body.length >> 1;
    const chunked = await send('POST', '/v2/models/flights/infer', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, [body.slice(0, half), body.slice(half)]);
    expect(chunked.status).toBe(200);
    expect(JSON.parse(chunked.text).outputs[0].data).toEqual((await predict(pkg, ROWS)).map((p) => p.label));
    expect(chunked.headers['x-paddock-worker']).toBe('7');
    const xml = await send('POST', '/v2/models/flights/infer', { 'content-type': 'application/xml', 'content-length': String(body.length) }, body);
    // Fastify's 415, in the protocol's error shape (a client error: 400 INVALID_ARGUMENT).
    expect(xml.status).toBe(400);
    expect(JSON.parse(xml.text)).toMatchObject({ code: 'INVALID_ARGUMENT', error: expect.stringMatching(/media type/i) });
    const big = JSON.stringify({ inputs: oipTensors(flightRows(5000, 3)) });
    expect(big.length).toBeGreaterThan(BODY_LIMIT);
    const tooLarge = await send('POST', '/v2/models/flights/infer', JSON_HEADERS(big), big);
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.text)).toMatchObject({ code: 'RESOURCE_LIMIT' });
    const query = await send('POST', '/v2/models/flights/infer?trace=1', JSON_HEADERS(body), body);
    expect(query.status).toBe(200);
    const escaped = await send('POST', '/v2/models/fl%69ghts/infer', JSON_HEADERS(body), body);
    expect(escaped.status).toBe(200);
    expect(JSON.parse(escaped.text)).toMatchObject({ model_name: 'flights' });
    const versioned = await send('POST', '/v2/models/flights/versions/3/infer', JSON_HEADERS(body), body);
    expect(versioned.status).toBe(200);
  });

  it('survives a client that goes away in the middle of a body', async () => {
    const body = JSON.stringify({ inputs: oipTensors(ROWS) });
    await new Promise<void>((resolve) => {
      const req = http.request(`${url}/v2/models/flights/infer`, { method: 'POST', headers: JSON_HEADERS(body), agent: false });
      req.on('error', () => resolve());
      req.write(body.slice(0, 20), () => setTimeout(() => {
        req.destroy();
        resolve();
      }, 50));
    });
    const after = await send('POST', '/v2/models/flights/infer', JSON_HEADERS(body), body);
    expect(after.status).toBe(200);
  });
});
