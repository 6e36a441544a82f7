import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fail } from '../../core/errors.js';
import { SqlAlertStore } from '../../storage/sql/alerts/sql-alert-store.js';
import { FsObjectStore } from '../../storage/artifacts/fs-object-store.js';
import { SqlDeploymentStore } from '../../storage/sql/deployments/sql-deployment-store.js';
import { openMetadataStore, type MetadataStore } from '../../storage/sql/open-metadata-store.js';
import { SqlPredictionLog } from '../../storage/sql/prediction-log/sql-prediction-log.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { SqlRetrainingStore } from '../../storage/sql/retraining/sql-retraining-store.js';
import { SqlTokenStore } from '../auth/token-store.js';
import { buildServer } from '../server.js';
import { call, startTestServer } from '../test-server.js';
import { defaultWindow, defaultWindows } from './monitoring.js';

/**
 * The stats, alerts and retrainings endpoints over real SQLite stores and a real server: traffic
 * per variant from the prediction log (errors unknown there), alerts with their numbers, and a
 * retraining's chain of causes joined to its alert, its run and the deployment's history.
 */
describe('deployment stats, alerts and retrainings on /api/v1', () => {
  let dir: string;
  let meta: MetadataStore;
  let app: FastifyInstance;
  let url: string;
  let reader: string;
  let alertId: number;
  let promote: () => Promise<unknown>;
  const now = Date.now();
  const seed = { actor: 'seed' };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'paddock-monitoring-api-'));
    meta = await openMetadataStore('sqlite:paddock.db', { root: dir, artifactsRoot: path.join(dir, 'artifacts') });
    const database = { db: meta.db, dialect: meta.dialect };
    const registry = new SqlRegistryStore({ ...database, close: async () => undefined } as never);
    await registry.createModel({ name: 'churn' }, seed);
    for (let i = 1; i <= 3; i++) await registry.createVersion({ name: 'churn', source: `file:///m/${i}`, ...(i === 3 ? { runId: 'f'.repeat(32) } : {}) }, seed);
    const deployments = new SqlDeploymentStore(database);
    const created = await deployments.create({ name: 'web', model: 'churn', policy: { stable: '2', candidates: [{ version: '3', weight: 20 }], mirror: { version: '3', percent: 50 } } }, seed);
    const log = new SqlPredictionLog(database, {});
    const row = { rowIndex: 0, deployment: 'web', model: 'churn', inputs: { x: 1 }, outputs: { label: 1 } };
    // 10 stable requests at 1..10 ms, 4 canary requests at 20 ms (one with two rows), one an hour
    // ago, and the mirror's answers to three stable requests (0.5, 1.5 and 2.5 ms).
    await log.append([
      ...Array.from({ length: 10 }, (_, i) => ({ ...row, requestId: `s${i}`, version: '2', variant: 'stable', latencyMs: i + 1, at: now - 20_000 + i })),
      ...Array.from({ length: 4 }, (_, i) => ({ ...row, requestId: `c${i}`, version: '3', variant: 'canary', latencyMs: 20, at: now - 10_000 + i })),
      { ...row, requestId: 'c0', rowIndex: 1, version: '3', variant: 'canary', latencyMs: 20, at: now - 10_000 },
      { ...row, requestId: 'old', version: '2', variant: 'stable', latencyMs: 99, at: now - 3_600_000 },
      ...Array.from({ length: 3 }, (_, i) => ({ ...row, requestId: `s${i}`, version: '3', variant: 'shadow', latencyMs: i + 0.5, at: now - 19_000 + i })),
    ]);
    const alerts = new SqlAlertStore(database);
    alertId = (await alerts.record({ rule: 'drift', deployment: 'web', kind: 'fired', metric: 'dataset_drift_share', value: 0.75, condition: 'dataset_drift_share >= 0.5', windows: [{ since: now - 7_200_000, until: now - 3_600_000, value: 0.75, samples: 200 }], at: now - 3_600_000, retrain: ['train'] })).id;
    await alerts.record({ rule: 'other', deployment: 'api', kind: 'fired', metric: 'latency_p99', value: 900, condition: 'latency_p99 > 500', windows: [], at: now - 3_000_000, retrain: [] });
    const retrainings = new SqlRetrainingStore(database);
    await retrainings.create({
      id: 'rt1', pipeline: 'train', model: 'churn', status: 'succeeded', reason: '', attempts: 1, pipelineMs: 10, version: 3, dataVersions: { 'data.csv': 'a'.repeat(32) },
      trigger: { kind: 'alert', detail: { rule: 'drift', deployment: 'web', firedAt: new Date(now - 3_600_000).toISOString(), id: String(alertId) } },
      steps: [{ name: 'pipeline', status: 'ok', detail: 'ran train', startedAt: now - 3_500_000, durationMs: 10 }, { name: 'gates', status: 'failed', detail: 'accuracy 0.6 < 0.7', startedAt: now - 3_400_000, durationMs: 1 }],
      createdAt: now - 3_599_000,
    });
    promote = () => deployments.update('web', { policy: { stable: '3', candidates: [] }, kind: 'promoted', expectedRevision: created.revision }, { actor: 'ops', reason: 'looks good' });
    const tokens = new SqlTokenStore(meta.db);
    reader = (await tokens.create({ role: 'reader', name: 'r' })).token;
    app = await buildServer({
      tracking: meta.tracking, registry, deployments, artifacts: (uri) => new FsObjectStore(uri), artifactRoot: path.join(dir, 'artifacts'), auth: { tokens },
      monitoring: { predictionLog: log, alerts, retrainings, rules: [], referenceOf: async (d) => fail('NOT_FOUND', `no reference for ${d}`, {}) },
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = (p: string, query?: Record<string, string>) => call({ url }, 'GET', p, query, { authorization: `Bearer ${reader}` });

  test('stats from the prediction log: requests, requests/s and latency per variant, the mirror\'s from its logged answers; errors unknown and said so', async () => {
    const r = await get('/api/v1/deployments/web/stats', { window: '60s' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ deployment: 'web', windowMs: 60_000, source: 'prediction-log', shadow: null });
    expect(r.body.notes.join(' ')).toContain('errors are unknown');
    expect(r.body.variants).toEqual([
      { variant: 'stable', version: '2', percent: 80, requests: 10, requestsPerSecond: 10 / 60, errors: null, errorRate: null, p50Ms: 5, p99Ms: 10 },
      { variant: 'canary', version: '3', percent: 20, requests: 4, requestsPerSecond: 4 / 60, errors: null, errorRate: null, p50Ms: 20, p99Ms: 20 },
      { variant: 'shadow', version: '3', percent: 50, requests: 3, requestsPerSecond: 3 / 60, errors: null, errorRate: null, p50Ms: 1.5, p99Ms: 2.5 },
    ]);
    expect(r.body.notes.join(' ')).toContain('agreement with the primary is known only to the server that mirrors them');
    // At most an hour back (the request logged just over an hour ago falls outside).
    const hour = await get('/api/v1/deployments/web/stats', { window: '1h' });
    expect(hour.body.variants[0]).toMatchObject({ requests: 10, p99Ms: 10 });
    for (const bad of ['0s', 'soon', '2h']) {
      const b = await get('/api/v1/deployments/web/stats', { window: bad });
      expect([b.status, b.body.error.details.field]).toEqual([400, 'window']);
    }
    expect((await get('/api/v1/deployments/nope/stats')).status).toBe(404);
  });

  test('alerts: newest first with their numbers, filtered by deployment and rule', async () => {
    const all = await get('/api/v1/alerts');
    expect(all.body.items.map((a: { rule: string }) => a.rule)).toEqual(['other', 'drift']);
    const web = await get('/api/v1/alerts', { deployment: 'web' });
    expect(web.body.items).toEqual([expect.objectContaining({ id: alertId, rule: 'drift', value: 0.75, condition: 'dataset_drift_share >= 0.5', windows: [expect.objectContaining({ samples: 200 })] })]);
    expect((await get('/api/v1/alerts', { rule: 'other', limit: '1' })).body.items).toHaveLength(1);
    expect((await get('/api/v1/alerts', { since: String(now) })).body.items).toEqual([]);
    const bad = await get('/api/v1/alerts', { limit: '0' });
    expect([bad.status, bad.body.error.details.field]).toEqual([400, 'limit']);
    expect((await get('/api/v1/alerts', { since: 'yesterday' })).body.error.details.field).toBe('since');
  });

  test("retrainings: each with its chain — the alert's numbers, data, run, a failed evaluation, the promotion", async () => {
    const before = await get('/api/v1/retrainings', { model: 'churn' });
    expect(before.body.items[0].chain.find((l: { step: string }) => l.step === 'promotion')).toMatchObject({ status: 'pending' });
    await promote();
    const r = await get('/api/v1/retrainings', { model: 'churn' });
    expect(r.body.items.map((x: { id: string }) => x.id)).toEqual(['rt1']);
    const chain = r.body.items[0].chain as { step: string; status: string; detail: string; runId?: string; alert?: { id: number } }[];
    expect(chain.map((l) => l.step)).toEqual(['alert', 'trigger', 'data', 'run', 'evaluation', 'canary', 'promotion']);
    expect(chain[0]).toMatchObject({ status: 'ok', alert: { id: alertId } });
    expect(chain[0]!.detail).toBe('drift on web: dataset_drift_share = 0.7500 (dataset_drift_share >= 0.5) over 1 window(s)');
    expect(chain[2]!.detail).toBe(`data.csv @ ${'a'.repeat(12)}`);
    expect(chain[3]).toMatchObject({ status: 'ok', runId: 'f'.repeat(32) });
    expect(chain[4]).toMatchObject({ status: 'failed', detail: 'accuracy 0.6 < 0.7' });
    expect(chain[5]).toMatchObject({ status: 'skipped' });
    expect(chain[6]).toMatchObject({ status: 'ok', detail: 'version 3 became stable of web (promoted by ops)' });
    expect((await get('/api/v1/retrainings', { model: 'nope' })).body.items).toEqual([]);
    expect((await get('/api/v1/retrainings', { modle: 'churn' })).body.error.details.field).toBe('modle');
  });

  test("without a window the report uses the project's monitoring.window (else 1h), with up to 60 windows under an hour", () => {
    expect(defaultWindow({})).toBe('1h');
    expect(defaultWindow({ project: { config: { monitoring: { window: '10s' } } } as never })).toBe('10s');
    expect([defaultWindows(10_000), defaultWindows(1_800_000), defaultWindows(3_600_000), defaultWindows(86_400_000)]).toEqual([60, 48, 24, 24]);
  });

  test('the monitoring report names a missing deployment; a server without monitoring stores refuses, saying why', async () => {
    expect((await get('/api/v1/deployments/nope/monitoring')).status).toBe(404);
    const s = await startTestServer();
    try {
      for (const p of ['/api/v1/alerts', '/api/v1/retrainings', '/api/v1/deployments/web/monitoring']) {
        const r = await call(s, 'GET', p);
        expect([r.status, r.body.error.code]).toEqual([400, 'INVALID_STATE']);
      }
    } finally {
      await s.close();
    }
  });
});
