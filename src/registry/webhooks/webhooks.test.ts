import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../storage/sql/migrations/index.js';
import { runMigrations } from '../../storage/sql/migrations/run-migrations.js';
import { openDatabase, type SqlDatabase } from '../../storage/sql/open-database.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { SqlWebhookStore } from '../../storage/sql/registry/sql-webhook-store.js';
import { WebhookDispatcher, withWebhooks, type RegistryStore } from '../index.js';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A real HTTP receiver on 127.0.0.1; `statuses` says how to answer the n-th request of a path. */
async function startReceiver(statuses: Record<string, number[]>): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const counts: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body });
      const n = (counts[path] = (counts[path] ?? 0) + 1);
      const plan = statuses[path] ?? [200];
      res.statusCode = plan[Math.min(n, plan.length) - 1]!;
      // `/slow` answers late, to show that writes do not wait for receivers.
      setTimeout(() => res.end('ok'), path === '/slow' ? 500 : 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((r) => server.close(() => r())) };
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** The receiver's own check, written from MLflow's documented scheme, not Paddock's code. */
function mlflowSignatureValid(secret: string, r: Received): boolean {
  const id = String(r.headers['x-mlflow-delivery-id']);
  const ts = String(r.headers['x-mlflow-timestamp']);
  const expected = createHmac('sha256', secret).update(`${id}.${ts}.${r.body}`).digest('base64');
  return r.headers['x-mlflow-signature'] === `v1,${expected}`;
}

describe('registry webhooks', () => {
  let database: SqlDatabase;
  let hooks: SqlWebhookStore;
  let dispatcher: WebhookDispatcher;
  let registry: RegistryStore;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const by = { actor: 'alice' };

  beforeAll(async () => {
    receiver = await startReceiver({ '/flaky': [503, 503, 200], '/down': [500], '/bad': [400] });
  });
  afterAll(() => receiver.close());

  beforeEach(async () => {
    database = openDatabase('sqlite::memory:', { root: process.cwd() });
    await runMigrations(database.db, database.dialect, MIGRATIONS);
    hooks = new SqlWebhookStore(database);
    dispatcher = new WebhookDispatcher({ store: hooks, baseDelayMs: 20, maxAttempts: 4 });
    registry = withWebhooks(new SqlRegistryStore(database), dispatcher);
    receiver.received.length = 0;
  });
  afterEach(async () => {
    await dispatcher.close();
    await database.close();
  });

  it('POSTs MLflow-shaped, HMAC-SHA256-signed JSON that an independent receiver verifies', async () => {
    const secret = 's3cr3t-key';
    await hooks.createWebhook({ name: 'ci', url: `${receiver.url}/ok`, events: ['registered_model.created', 'model_version.created', 'model_version_alias.created'], secret });
    await registry.createModel({ name: 'fraud', tags: { team: 'risk' } }, by);
    await registry.createVersion({ name: 'fraud', source: 'runs:/r1/model', runId: 'r1' }, by);
    await registry.setAlias('fraud', 'champion', 1, by);
    await registry.setVersionTag('fraud', 1, 'qa', 'ok', by); // not subscribed
    await dispatcher.idle();
    expect(receiver.received).toHaveLength(3);
    for (const r of receiver.received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-mlflow-delivery-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(Math.abs(Number(r.headers['x-mlflow-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(mlflowSignatureValid(secret, r)).toBe(true);
      expect(mlflowSignatureValid('wrong', r)).toBe(false);
    }
    const bodies = receiver.received.map((r) => JSON.parse(r.body));
    const byEvent = Object.fromEntries(bodies.map((b) => [`${b.entity}.${b.action}`, b]));
    expect(byEvent['registered_model.created'].data).toEqual({ name: 'fraud', tags: { team: 'risk' }, description: null });
    expect(byEvent['model_version.created'].data).toEqual({ name: 'fraud', version: '1', source: 'runs:/r1/model', run_id: 'r1', tags: {}, description: null });
    expect(byEvent['model_version_alias.created'].data).toEqual({ name: 'fraud', alias: 'champion', version: '1' });
    expect(new Date(byEvent['model_version.created'].timestamp).toISOString()).toBe(byEvent['model_version.created'].timestamp);
  });

  it('retries a receiver that fails twice with backoff, then succeeds; every attempt is recorded', async () => {
    const hook = await hooks.createWebhook({ name: 'flaky', url: `${receiver.url}/flaky`, events: ['registered_model.created'], secret: 'k' });
    const t0 = Date.now();
    await registry.createModel({ name: 'm' }, by);
    await dispatcher.idle();
    const elapsed = Date.now() - t0;
    const attempts = await hooks.deliveries(hook.id);
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.succeeded])).toEqual([[1, 503, false], [2, 503, false], [3, 200, true]]);
    // One delivery: the same id on every retry (receivers can de-duplicate).
    expect(new Set(attempts.map((a) => a.deliveryId)).size).toBe(1);
    const seen = receiver.received.filter((r) => r.path === '/flaky');
    expect(new Set(seen.map((r) => r.headers['x-mlflow-delivery-id'])).size).toBe(1);
    expect(seen.every((r) => mlflowSignatureValid('k', r))).toBe(true);
    // Backoff 20 ms then 40 ms before the second and third tries.
    expect(elapsed).toBeGreaterThanOrEqual(60);
  });

  it('gives up after maxAttempts on 5xx and does not retry a 4xx', async () => {
    const down = await hooks.createWebhook({ name: 'down', url: `${receiver.url}/down`, events: ['registered_model.created'] });
    const bad = await hooks.createWebhook({ name: 'bad', url: `${receiver.url}/bad`, events: ['registered_model.created'] });
    const closed = await hooks.createWebhook({ name: 'nobody', url: `http://127.0.0.1:${await closedPort()}/`, events: ['registered_model.created'] });
    await registry.createModel({ name: 'm' }, by);
    await dispatcher.idle();
    expect((await hooks.deliveries(down.id)).map((a) => a.statusCode)).toEqual([500, 500, 500, 500]);
    expect((await hooks.deliveries(bad.id)).map((a) => a.statusCode)).toEqual([400]);
    const refused = await hooks.deliveries(closed.id);
    expect(refused).toHaveLength(4);
    expect(refused.every((a) => !a.succeeded && a.statusCode === undefined && /ECONNREFUSED/.test(a.error ?? ''))).toBe(true);
  });

  it('delivers per-model webhooks only for their model and skips disabled ones', async () => {
    await hooks.createWebhook({ name: 'a-only', url: `${receiver.url}/a`, events: ['model_version.created'], modelName: 'a' });
    const off = await hooks.createWebhook({ name: 'off', url: `${receiver.url}/off`, events: ['model_version.created'] });
    await hooks.setWebhookStatus(off.id, 'DISABLED');
    await registry.createModel({ name: 'a' }, by);
    await registry.createModel({ name: 'b' }, by);
    await registry.createVersion({ name: 'a', source: 'x' }, by);
    await registry.createVersion({ name: 'b', source: 'y' }, by);
    await dispatcher.idle();
    expect(receiver.received.map((r) => [r.path, JSON.parse(r.body).data.name])).toEqual([['/a', 'a']]);
    expect(receiver.received[0]!.headers['x-mlflow-signature']).toBeUndefined();
  });

  it('does not hold up the write: the call returns before the receiver answers', async () => {
    const hook = await hooks.createWebhook({ name: 'slow', url: `${receiver.url}/slow`, events: ['registered_model.created'] });
    await registry.createModel({ name: 'fast' }, by);
    // No delivery is recorded yet: the write returned while the slow receiver was still answering.
    expect(await hooks.deliveries(hook.id)).toEqual([]);
    await dispatcher.idle();
    expect((await hooks.deliveries(hook.id)).map((a) => a.statusCode)).toEqual([200]);
  });

  it('rejects bad webhook definitions', async () => {
    await expect(hooks.createWebhook({ name: 'x', url: 'ftp://host/', events: ['model_version.created'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(hooks.createWebhook({ name: 'x', url: 'http://h/', events: ['model.exploded' as never] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(hooks.createWebhook({ name: 'x', url: 'http://h/', events: ['registered_model.created'], modelName: 'm' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await hooks.listWebhooks()).toEqual([]);
  });
});
