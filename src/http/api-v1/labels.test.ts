import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SqlPredictionLog } from '../../storage/sql/prediction-log/sql-prediction-log.js';
import { openMetadataStore, type MetadataStore } from '../../storage/sql/open-metadata-store.js';
import { SqlDeploymentStore } from '../../storage/sql/deployments/sql-deployment-store.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { FsObjectStore } from '../../storage/artifacts/fs-object-store.js';
import { SqlTokenStore } from '../auth/token-store.js';
import { buildServer } from '../server.js';
import { call, startTestServer } from '../test-server.js';

const URL_ = '/api/v1/deployments/churn/labels';

describe('POST /api/v1/deployments/{name}/labels', () => {
  let dir: string;
  let meta: MetadataStore;
  let app: FastifyInstance;
  let url: string;
  let writer: string;
  let reader: string;
  const now = Date.now();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'paddock-labels-'));
    meta = await openMetadataStore('sqlite:paddock.db', { root: dir, artifactsRoot: path.join(dir, 'artifacts') });
    const database = { db: meta.db, dialect: meta.dialect };
    const store = new SqlPredictionLog(database, { keyColumnOf: () => 'customer' });
    const tokens = new SqlTokenStore(meta.db);
    writer = (await tokens.create({ role: 'writer', name: 'w' })).token;
    reader = (await tokens.create({ role: 'reader', name: 'r' })).token;
    const row = { rowIndex: 0, deployment: 'churn', model: 'churn', version: '1', variant: 'stable', outputs: { label: 'no' }, latencyMs: 1 };
    await store.append([
      { ...row, requestId: 'q1', inputs: { customer: 'c1', tenure: 5 }, at: now - 1000 },
      { ...row, requestId: 'q2', inputs: { customer: 'c2', tenure: 9 }, at: now - 1000 },
    ]);
    app = await buildServer({
      tracking: meta.tracking, registry: new SqlRegistryStore({ ...database, close: async () => undefined } as never), deployments: new SqlDeploymentStore(database),
      artifacts: (uri) => new FsObjectStore(uri), artifactRoot: path.join(dir, 'artifacts'), auth: { tokens },
      labels: { store, joinWindowMs: 3_600_000, keyColumnOf: () => 'customer' },
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const post = (body: Record<string, unknown>, token = writer) => call({ url }, 'POST', URL_, body, { authorization: `Bearer ${token}` });

  test('joins by request id and by the key column, and counts the unmatched', async () => {
    const r = await post({ labels: [{ request_id: 'q1', row: 0, label: 'yes' }, { key: 'c2', label: 'no', at: new Date(now).toISOString() }, { request_id: 'zz', label: 1 }] });
    expect([r.status, r.body]).toEqual([200, { matched: 2, unmatched: 1 }]);
    // Another key column for this call: the value is read from the inputs.
    const byTenure = await post({ labels: [{ key: 9, label: 'maybe' }], key_column: 'tenure' });
    expect(byTenure.body).toEqual({ matched: 1, unmatched: 0 });
  });

  test('a bad item is a 400 naming its index and field; nothing is joined', async () => {
    const missing = await post({ labels: [{ request_id: 'q1', label: 1 }, { request_id: 'q2' }] });
    expect([missing.status, missing.body.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect(missing.body.error.message).toContain('labels[1].label');
    const row = await post({ labels: [{ request_id: 'q1', row: -1, label: 1 }] });
    expect(row.body.error.details.field).toBe('labels[0].row');
    const at = await post({ labels: [{ key: 'c1', label: 1, at: 'yesterday' }] });
    expect(at.body.error.details.field).toBe('labels[0].at');
    const unknown = await post({ labels: [{ request_id: 'q1', label: 1, lable: 2 }] });
    expect(unknown.body.error.message).toContain('labels[0].lable');
    const empty = await post({ labels: [] });
    expect(empty.status).toBe(400);
  });

  test('needs the writer role', async () => {
    const r = await post({ labels: [{ request_id: 'q1', label: 1 }] }, reader);
    expect([r.status, r.body.error.code]).toEqual([403, 'PERMISSION_DENIED']);
  });

  test('a server without a prediction log refuses labels, saying how to enable it', async () => {
    const s = await startTestServer();
    try {
      const r = await call(s, 'POST', URL_, { labels: [{ request_id: 'q1', label: 1 }] });
      expect([r.status, r.body.error.code]).toEqual([400, 'INVALID_STATE']);
      expect(r.body.error.message).toContain('monitoring.prediction_log');
    } finally {
      await s.close();
    }
  });
});
