import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPaddockError } from '../core/errors.js';
import { startTestServer, type TestServer } from '../http/test-server.js';
import { createClient, type PaddockClient } from './index.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    if (isPaddockError(err)) return err.code;
    throw err;
  }
}

describe('SDK deployment calls', () => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startTestServer({ auth: true });
    await s.registry.createModel({ name: 'churn' }, { actor: 'seed' });
    for (let i = 1; i <= 3; i++) await s.registry.createVersion({ name: 'churn', source: `file:///m/${i}` }, { actor: 'seed' });
    token = (await s.tokens.create({ role: 'admin', name: 'ci-bot' })).token;
  });
  afterAll(async () => { await s.close(); });

  it('over a server: create, update, promote, rollback, history and errors as catalogue codes', async () => {
    const client: PaddockClient = createClient({ trackingUri: s.url, token, env: {}, handleExit: false });
    try {
      const created = await client.createDeployment({ name: 'api', model: 'churn', policy: { stable: '1' }, analysis: { threshold: 3 } }, { reason: 'launch' });
      expect(created).toMatchObject({ name: 'api', revision: 1, policy: { stable: '1', candidates: [] }, analysis: { threshold: 3, intervalSeconds: 60 } });
      const updated = await client.updateDeployment('api', { candidates: [{ version: '2', weight: 20 }], analysis: null }, { expectedRevision: 1 });
      expect(updated.policy.candidates).toEqual([{ version: '2', weight: 20 }]);
      expect(await codeOf(client.updateDeployment('api', { stable: '3' }, { expectedRevision: 1 }))).toBe('CONFLICT');
      expect((await client.promoteDeployment('api')).policy.stable).toBe('2');
      expect((await client.rollbackDeployment('api', { reason: 'latency' })).policy.stable).toBe('1');
      expect((await client.getDeployment('api')).revision).toBe(updated.revision + 2);
      expect((await client.listDeployments()).map((d) => d.name)).toEqual(['api']);
      const history = await client.deploymentHistory('api');
      expect(history.map((e) => [e.kind, e.actor, e.reason])).toEqual([
        ['created', 'ci-bot', 'launch'], ['set', 'ci-bot', undefined], ['analysis', 'ci-bot', undefined], ['promoted', 'ci-bot', undefined], ['rolled-back', 'ci-bot', 'latency'],
      ]);
      expect(await codeOf(client.createDeployment({ name: 'bad', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 101 }] } }))).toBe('INVALID_ARGUMENT');
      await client.deleteDeployment('api');
      expect(await codeOf(client.getDeployment('api'))).toBe('NOT_FOUND');
    } finally {
      await client.close();
    }
  });

  it("over the database: the same calls, recording the local actor; the server sees the change", async () => {
    // The server's directory as a project (`.paddock/`), its database named by the tracking URI.
    mkdirSync(path.join(s.dir, '.paddock'), { recursive: true });
    const client = createClient({ trackingUri: `sqlite:${path.join(s.dir, 'paddock.db')}`, cwd: s.dir, env: { PADDOCK_ACTOR: 'ann' }, handleExit: false });
    try {
      await client.createDeployment({ name: 'local', model: 'churn', policy: { stable: '2', candidates: [{ version: '3', weight: 10 }] } });
      expect((await client.promoteDeployment('local', { reason: 'good' })).policy).toEqual({ stable: '3', candidates: [] });
      expect((await client.deploymentHistory('local')).map((e) => [e.kind, e.actor])).toEqual([['created', 'ann'], ['promoted', 'ann']]);
      expect(await codeOf(client.rollbackDeployment('local', { expectedRevision: 1 }))).toBe('CONFLICT');
    } finally {
      await client.close();
    }
    const viaServer = createClient({ trackingUri: s.url, token, env: {}, handleExit: false });
    expect((await viaServer.getDeployment('local')).policy.stable).toBe('3');
    await viaServer.close();
  });
});
