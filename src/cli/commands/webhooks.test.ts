/**
 * Webhooks end to end: registered with the CLI, fired by `paddock server` when a model version
 * is created over MLflow's REST API, and verified by a receiver that checks the signature with
 * node:crypto the way MLflow documents it (v1,<base64 HMAC-SHA256 of "id.timestamp.body">).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../../test-support/cli.js';

const SECRET = 's3cr3t';
let dir: string;
let cleanup: () => void;
let receiver: http.Server;
let receiverUrl: string;
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let server: ChildProcess | undefined;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  expect((await runCli(dir, ['init', '-q'])).code).toBe(0);
});
afterAll(async () => {
  server?.kill('SIGTERM');
  await new Promise((r) => receiver.close(r));
  cleanup();
});

function startServer(): Promise<string> {
  server = spawn(process.execPath, [CLI, 'server', '--port', '0'], { cwd: dir });
  let out = '';
  return new Promise((resolve, reject) => {
    server!.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server!.once('close', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

describe('paddock webhooks', () => {
  it('rejects an unknown event naming it', async () => {
    const r = await runCli(dir, ['webhooks', 'create', 'bad', receiverUrl, '--events', 'model_version.exploded']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown event 'model_version.exploded'");
  });

  it('delivers signed events for registry changes made through the server', async () => {
    const created = await runCli(dir, ['webhooks', 'create', 'ci', receiverUrl, '--events', 'model_version.created,model_version_alias.created', '--secret', SECRET, '--json']);
    expect(created.code, created.stderr).toBe(0);
    const hookId = JSON.parse(created.stdout).id as string;
    const url = await startServer();
    const post = (path: string, body: unknown) => fetch(`${url}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('registered-models/create', { name: 'churn' })).status).toBe(200);
    expect((await post('model-versions/create', { name: 'churn', source: 's3://models/churn/1' })).status).toBe(200);
    expect((await post('registered-models/alias', { name: 'churn', alias: 'champion', version: '1' })).status).toBe(200);
    const deadline = Date.now() + 10_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(received.length).toBe(2);
    for (const { headers, body } of received) {
      const id = headers['x-mlflow-delivery-id'] as string;
      const ts = headers['x-mlflow-timestamp'] as string;
      const expected = `v1,${createHmac('sha256', SECRET).update(`${id}.${ts}.${body}`).digest('base64')}`;
      expect(headers['x-mlflow-signature']).toBe(expected);
    }
    const events = received.map((r) => JSON.parse(r.body) as { entity: string; action: string; data: { name: string } });
    expect(events.map((e) => `${e.entity}.${e.action}`).sort()).toEqual(['model_version.created', 'model_version_alias.created']);
    expect(events.every((e) => e.data.name === 'churn')).toBe(true);
    const deliveries = await runCli(dir, ['webhooks', 'deliveries', hookId, '--json']);
    expect(JSON.parse(deliveries.stdout).deliveries.filter((d: { succeeded: boolean }) => d.succeeded)).toHaveLength(2);
  });
});
