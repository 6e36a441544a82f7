import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { caught } from '../../test-support/caught.js';
import { tempDir } from '../../test-support/cli.js';
import { replayTraffic } from './replay-traffic.js';

/**
 * replayTraffic against a small real HTTP server on loopback that answers like an Open Inference
 * model server: metadata for `m`, and infer answers whose version and status the test controls
 * through the request's data (distance 999 is refused with a 400, distance 666 drops the socket).
 */
const tmp = tempDir('paddock-replay-');
let server: http.Server;
let base = '';
let received: { headers: http.IncomingHttpHeaders; body: { inputs: { name: string; shape: number[]; datatype: string; data: unknown[] }[] } }[] = [];

const METADATA = {
  name: 'm', versions: ['1'], platform: 'onnxruntime_onnx',
  inputs: [{ name: 'hour', datatype: 'INT64', shape: [-1, 1] }, { name: 'origin', datatype: 'BYTES', shape: [-1, 1] }, { name: 'distance', datatype: 'FP64', shape: [-1, 1] }],
  outputs: [{ name: 'label', datatype: 'INT64', shape: [-1] }],
};

function file(name: string, text: string): string {
  const f = path.join(tmp.dir, name);
  writeFileSync(f, text);
  return f;
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/v2/models/m') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(METADATA));
      if (req.method !== 'POST' || req.url !== '/v2/models/m/infer') return void res.writeHead(404).end('{"error":"no such model"}');
      const body = JSON.parse(text);
      received.push({ headers: req.headers, body });
      const distance = body.inputs.find((t: { name: string }) => t.name === 'distance').data[0];
      if (distance === 666) return void req.socket.destroy();
      if (distance === 999) return void res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"distance too far"}');
      // Even hours are answered by version 1, odd ones by version 2.
      const hour = body.inputs.find((t: { name: string }) => t.name === 'hour').data[0];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ model_name: 'm', model_version: String((hour % 2) + 1), id: 'x', outputs: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  tmp.cleanup();
});
beforeEach(() => {
  received = [];
});

describe('replayTraffic', () => {
  it("sends each row as a single-row request of the model's inputs with their datatypes, and counts answers by status and version", async () => {
    const data = file('rows.csv', 'hour,origin,distance,late\n1,SEA,300,0\n2,ORD,999,1\n4,JFK,2400.5,1\n5,ATL,120,0\n6,SEA,80,0\n');
    const summary = await replayTraffic({ file: data, url: `${base}/v2/models/m/infer`, concurrency: 2, headers: { 'x-user': 'ann' } });
    expect(summary).toMatchObject({ requests: 5, byStatus: { 200: 4, 400: 1 }, byVersion: { 1: 2, 2: 2 }, transportFailures: 0, firstError: { status: 400, body: '{"error":"distance too far"}' } });
    expect(summary.latencyMs.p99).toBeGreaterThanOrEqual(summary.latencyMs.p50);
    expect(summary.latencyMs.p50).toBeGreaterThan(0);
    const first = received.find((r) => r.body.inputs[0]!.data[0] === 1)!;
    // Only the model's inputs (not `late`), in the metadata's order, origin as a string.
    expect(first.body).toEqual({ inputs: [
      { name: 'hour', shape: [1], datatype: 'INT64', data: [1] },
      { name: 'origin', shape: [1], datatype: 'BYTES', data: ['SEA'] },
      { name: 'distance', shape: [1], datatype: 'FP64', data: [300] },
    ] });
    expect(received.every((r) => r.headers['x-user'] === 'ann')).toBe(true);
  });

  it('sends only the first --limit rows, also under a rate cap', async () => {
    const data = file('many.jsonl', Array.from({ length: 30 }, (_, i) => JSON.stringify({ hour: i, origin: 'SEA', distance: 100 + i })).join('\n'));
    const summary = await replayTraffic({ file: data, url: `${base}/v2/models/m/infer`, limit: 12, rate: 1000 });
    expect(summary.requests).toBe(12);
    expect(summary.byVersion).toEqual({ 1: 6, 2: 6 });
    expect(received.map((r) => r.body.inputs[0]!.data[0]).sort((a, b) => (a as number) - (b as number))).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("with idColumn, sends each row's value of it as the request's x-request-id (and not as an input)", async () => {
    const data = file('ids.csv', 'flight_id,hour,origin,distance\nf-1,1,SEA,300\nf-2,2,ORD,999\n');
    const summary = await replayTraffic({ file: data, url: `${base}/v2/models/m/infer`, idColumn: 'flight_id' });
    expect(summary.requests).toBe(2);
    expect(received.map((r) => [r.headers['x-request-id'], r.body.inputs[0]!.data[0]]).sort()).toEqual([['f-1', 1], ['f-2', 2]]);
    expect(received.every((r) => r.body.inputs.every((t) => t.name !== 'flight_id'))).toBe(true);
    const err = await caught(() => replayTraffic({ file: data, url: `${base}/v2/models/m/infer`, idColumn: 'flight' }));
    expect(err.message).toMatch(/no column 'flight', given as --id-column — did you mean 'flight_id'\?/);
  });

  it('names a column the model takes that the file lacks, before sending anything', async () => {
    const data = file('no-origin.csv', 'hour,distnce\n1,300\n');
    const err = await caught(() => replayTraffic({ file: data, url: `${base}/v2/models/m/infer` }));
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', details: { column: 'origin' } });
    expect(err.message).toMatch(/no column 'origin', which the model takes as input/);
    expect(received).toEqual([]);
  });

  it('counts a request that got no answer and stops sending after it', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i},SEA,${i === 3 ? 666 : 100}`);
    const data = file('drop.csv', `hour,origin,distance\n${rows.join('\n')}\n`);
    const summary = await replayTraffic({ file: data, url: `${base}/v2/models/m/infer`, concurrency: 1 });
    expect(summary).toMatchObject({ requests: 4, transportFailures: 1, byStatus: { 200: 3 } });
    expect(summary.firstTransportFailure).toBeTruthy();
  });

  it('says what is wrong with the URL, the server and the options', async () => {
    const data = file('ok.csv', 'hour,origin,distance\n1,SEA,1\n');
    expect(await caught(() => replayTraffic({ file: data, url: `${base}/v2/models/m` }))).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'url' } });
    expect(await caught(() => replayTraffic({ file: data, url: `${base}/v2/models/nope/infer` }))).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/HTTP 404/) });
    expect(await caught(() => replayTraffic({ file: data, url: 'http://127.0.0.1:1/v2/models/m/infer' }))).toMatchObject({ code: 'REMOTE_UNREACHABLE' });
    expect(await caught(() => replayTraffic({ file: data, url: `${base}/v2/models/m/infer`, concurrency: 0 }))).toMatchObject({ details: { field: 'concurrency' } });
    expect(await caught(() => replayTraffic({ file: data, url: `${base}/v2/models/m/infer`, limit: 1.5 }))).toMatchObject({ details: { field: 'limit' } });
    expect(await caught(() => replayTraffic({ file: data, url: `${base}/v2/models/m/infer`, rate: 0 }))).toMatchObject({ details: { field: 'rate' } });
  });
});
