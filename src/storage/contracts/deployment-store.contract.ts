import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { isPaddockError, type ErrorCode } from '../../core/errors.js';
import type { RegistryStore } from '../../registry/index.js';
import type { AnalysisConfig, DeploymentStore, TrafficPolicy } from '../../serving/index.js';

/**
 * A fresh, empty store over `clock`, the registry over the same database (whose audit log records
 * every deployment change), and how to dispose of them.
 */
export type MakeDeploymentStore = (clock: Clock) => Promise<{ store: DeploymentStore; registry: RegistryStore; cleanup: () => Promise<void> }>;

const START = Date.UTC(2026, 0, 1);

/** A clock that moves 1 s forward on every reading, so every write has its own timestamp. */
function tickingClock(start = START): Clock {
  let t = start;
  return { now: () => new Date((t += 1000)) };
}

async function caught(promise: Promise<unknown>): Promise<{ code: ErrorCode | 'resolved' | 'not a PaddockError'; details?: Readonly<Record<string, unknown>>; message?: string }> {
  try {
    await promise;
    return { code: 'resolved' };
  } catch (err) {
    return isPaddockError(err) ? { code: err.code, details: err.details, message: err.message } : { code: 'not a PaddockError', message: String(err) };
  }
}

const alice = { actor: 'alice', reason: 'launch' };
const bob = { actor: 'bob' };
const v1: TrafficPolicy = { stable: '1', candidates: [] };
const canary: TrafficPolicy = { stable: '1', candidates: [{ version: '2', weight: 10 }], mirror: { version: '3', percent: 50 }, sticky: { header: 'x-user' } };
const analysis: AnalysisConfig = { intervalSeconds: 60, stepWeights: [10, 50, 100], threshold: 2, minSamples: 100, successRate: 0.99, p99LatencyMs: 500, noData: 'hold' };

/**
 * The behaviour every DeploymentStore adapter must show: unique names, a revision that counts
 * changes and guards updates (optimistic concurrency), one history event per change, oldest
 * first, and writes that either happen whole or not at all.
 */
export function deploymentStoreContract(name: string, make: MakeDeploymentStore): void {
  describe(`DeploymentStore contract: ${name}`, () => {
    let store: DeploymentStore;
    let registry: RegistryStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, registry, cleanup } = await make(tickingClock()));
    });
    afterEach(async () => {
      await cleanup();
    });

    it('creates a deployment at revision 1 with a created event; names are unique', async () => {
      const d = await store.create({ name: 'churn-api', model: 'churn', policy: canary }, alice);
      expect(d).toEqual({ name: 'churn-api', model: 'churn', policy: canary, revision: 1, createdAt: START + 1000, updatedAt: START + 1000 });
      expect(await store.get('churn-api')).toEqual(d);
      expect((await caught(store.create({ name: 'churn-api', model: 'other', policy: v1 }, bob))).code).toBe('ALREADY_EXISTS');
      expect((await store.get('churn-api')).model).toBe('churn');
      expect(await store.history('churn-api')).toEqual([
        { deployment: 'churn-api', revision: 1, at: START + 1000, kind: 'created', actor: 'alice', reason: 'launch', to: canary },
      ]);
    });

    it('lists deployments by name', async () => {
      expect(await store.list()).toEqual([]);
      await store.create({ name: 'b', model: 'm', policy: v1 }, bob);
      await store.create({ name: 'a', model: 'm', policy: v1 }, bob);
      expect((await store.list()).map((d) => d.name)).toEqual(['a', 'b']);
    });

    it('rejects bad input with INVALID_ARGUMENT and stores nothing', async () => {
      expect((await caught(store.create({ name: '', model: 'm', policy: v1 }, bob))).code).toBe('INVALID_ARGUMENT');
      expect((await caught(store.create({ name: 'a/b', model: 'm', policy: v1 }, bob))).code).toBe('INVALID_ARGUMENT');
      expect((await caught(store.create({ name: 'x', model: '', policy: v1 }, bob))).code).toBe('INVALID_ARGUMENT');
      expect((await caught(store.create({ name: 'x', model: 'm', policy: { stable: '1', candidates: [{ version: '2', weight: 60 }, { version: '3', weight: 50 }] } }, bob))).code).toBe('INVALID_ARGUMENT');
      expect((await caught(store.create({ name: 'x', model: 'm', policy: v1 }, { actor: ' ' }))).code).toBe('INVALID_ARGUMENT');
      expect(await store.list()).toEqual([]);
      expect((await caught(store.get('x'))).code).toBe('NOT_FOUND');
      expect((await caught(store.history('x'))).code).toBe('NOT_FOUND');
    });

    it('updates the policy: the revision counts changes and each change is one event', async () => {
      await store.create({ name: 'd', model: 'm', policy: v1 }, alice);
      const updated = await store.update('d', { policy: canary, kind: 'set', expectedRevision: 1 }, { actor: 'bob', reason: 'canary 10%' });
      expect(updated).toMatchObject({ name: 'd', model: 'm', policy: canary, revision: 2, createdAt: START + 1000 });
      expect(updated.updatedAt).toBeGreaterThan(updated.createdAt);
      expect(await store.get('d')).toEqual(updated);
      const promoted: TrafficPolicy = { stable: '2', candidates: [], sticky: { header: 'x-user' } };
      // Without expectedRevision the update applies to whatever is current.
      expect((await store.update('d', { policy: promoted, kind: 'promoted' }, alice)).revision).toBe(3);
      const history = await store.history('d');
      expect(history.map((e) => [e.revision, e.kind, e.actor, e.reason])).toEqual([
        [1, 'created', 'alice', 'launch'],
        [2, 'set', 'bob', 'canary 10%'],
        [3, 'promoted', 'alice', 'launch'],
      ]);
      expect(history[0]!.from).toBeUndefined();
      expect([history[1]!.from, history[1]!.to]).toEqual([v1, canary]);
      expect([history[2]!.from, history[2]!.to]).toEqual([canary, promoted]);
      expect(history.map((e) => e.at)).toEqual([...history.map((e) => e.at)].sort((a, b) => a - b));
      expect(new Set(history.map((e) => e.at)).size).toBe(3);
    });

    it('refuses a stale revision with a conflict and changes nothing', async () => {
      await store.create({ name: 'd', model: 'm', policy: v1 }, alice);
      await store.update('d', { policy: canary, kind: 'set', expectedRevision: 1 }, bob);
      const stale = await caught(store.update('d', { policy: v1, kind: 'rolled-back', expectedRevision: 1 }, alice));
      expect(stale.code).toBe('CONFLICT');
      expect(stale.details).toMatchObject({ conflict: 'revision', expectedRevision: 1, revision: 2 });
      expect(stale.message).toMatch(/revision 2, not 1/);
      expect(await store.get('d')).toMatchObject({ revision: 2, policy: canary });
      expect((await store.history('d')).length).toBe(2);
    });

    it('lets exactly one of two concurrent updates from the same revision win', async () => {
      await store.create({ name: 'd', model: 'm', policy: v1 }, alice);
      const a: TrafficPolicy = { stable: '1', candidates: [{ version: '2', weight: 5 }] };
      const b: TrafficPolicy = { stable: '1', candidates: [{ version: '3', weight: 7 }] };
      const results = await Promise.all([
        caught(store.update('d', { policy: a, kind: 'set', expectedRevision: 1 }, alice)),
        caught(store.update('d', { policy: b, kind: 'set', expectedRevision: 1 }, bob)),
      ]);
      expect(results.map((r) => r.code).sort()).toEqual(['CONFLICT', 'resolved']);
      const winner = results[0]!.code === 'resolved' ? a : b;
      expect(await store.get('d')).toMatchObject({ revision: 2, policy: winner });
      expect((await store.history('d')).map((e) => e.revision)).toEqual([1, 2]);
    });

    it('rejects a bad update (policy, kind, unknown name) and changes nothing', async () => {
      await store.create({ name: 'd', model: 'm', policy: v1 }, alice);
      expect((await caught(store.update('d', { policy: { stable: '1', candidates: [{ version: '1', weight: 10 }] }, kind: 'set' }, bob))).code).toBe('INVALID_ARGUMENT');
      expect((await caught(store.update('d', { policy: { stable: '1', candidates: [], mirror: { version: '2', percent: 101 } }, kind: 'set' }, bob))).code).toBe('INVALID_ARGUMENT');
      expect((await caught(store.update('d', { policy: canary, kind: 'created' }, bob))).code).toBe('INVALID_ARGUMENT');
      expect((await caught(store.update('nope', { policy: canary, kind: 'set' }, bob))).code).toBe('NOT_FOUND');
      expect(await store.get('d')).toMatchObject({ revision: 1, policy: v1 });
      expect((await store.history('d')).length).toBe(1);
    });

    it('keeps, replaces and clears the analysis config', async () => {
      await store.create({ name: 'd', model: 'm', policy: v1, analysis }, alice);
      expect((await store.get('d')).analysis).toEqual(analysis);
      expect((await store.update('d', { policy: canary, kind: 'set' }, bob)).analysis).toEqual(analysis);
      const faster = { ...analysis, intervalSeconds: 30 };
      expect((await store.update('d', { policy: canary, kind: 'analysis', analysis: faster }, bob)).analysis).toEqual(faster);
      // The optional bounds round-trip; a config without them (as stored before they existed) loads without them.
      const judged = { ...analysis, minAgreement: 0.97, maxMeanAbsDelta: 0.5, maxLabelShift: 0.1 };
      await store.update('d', { policy: canary, kind: 'analysis', analysis: judged }, bob);
      expect((await store.get('d')).analysis).toEqual(judged);
      await store.update('d', { policy: canary, kind: 'analysis', analysis: faster }, bob);
      expect(Object.keys((await store.get('d')).analysis!)).not.toContain('minAgreement');
      const cleared = await store.update('d', { policy: canary, kind: 'set', analysis: null }, bob);
      expect(cleared.analysis).toBeUndefined();
      expect((await store.get('d')).analysis).toBeUndefined();
    });

    it("records every change in the registry's audit log of the model, in order, with actor, reason, policy and deployment", async () => {
      await registry.createModel({ name: 'churn' }, alice);
      await store.create({ name: 'api', model: 'churn', policy: v1 }, alice);
      await store.update('api', { policy: canary, kind: 'set' }, { actor: 'bob', reason: 'canary 10%' });
      await store.update('api', { policy: { ...canary, candidates: [{ version: '2', weight: 50 }] }, kind: 'step' }, { actor: 'paddock-analysis', reason: 'canary passed' });
      await store.update('api', { policy: { stable: '2', candidates: [], sticky: { header: 'x-user' } }, kind: 'promoted' }, { actor: 'carol', reason: 'looks good' });
      await store.update('api', { policy: v1, kind: 'rolled-back' }, { actor: 'dave', reason: 'latency' });
      await store.delete('api', { actor: 'erin' });
      const log = (await registry.auditLog('churn')).filter((e) => e.action.startsWith('deployment.'));
      expect(log.map((e) => [e.action, e.deployment, e.actor, e.reason, e.from, e.to])).toEqual([
        ['deployment.created', 'api', 'alice', 'launch', undefined, 'stable 1'],
        ['deployment.set', 'api', 'bob', 'canary 10%', 'stable 1', 'stable 1, canary 2@10%, mirror 3@50%, sticky header x-user'],
        ['deployment.step', 'api', 'paddock-analysis', 'canary passed', 'stable 1, canary 2@10%, mirror 3@50%, sticky header x-user', 'stable 1, canary 2@50%, mirror 3@50%, sticky header x-user'],
        ['deployment.promoted', 'api', 'carol', 'looks good', 'stable 1, canary 2@50%, mirror 3@50%, sticky header x-user', 'stable 2, sticky header x-user'],
        ['deployment.rolled_back', 'api', 'dave', 'latency', 'stable 2, sticky header x-user', 'stable 1'],
        ['deployment.deleted', 'api', 'erin', undefined, 'stable 1', undefined],
      ]);
      expect(log.every((e) => e.model === 'churn')).toBe(true);
      // The audit entries carry the same times as the deployment's history.
      const history = await store.history('api');
      expect(log.map((e) => e.timestamp)).toEqual(history.map((e) => e.at));
      // The registry's own events have no deployment.
      expect((await registry.auditLog('churn'))[0]).toMatchObject({ action: 'model.created' });
      expect((await registry.auditLog('churn'))[0]!.deployment).toBeUndefined();
    });

    it('a failed change leaves no audit entry; a deleted model still gets its deployments audited by name', async () => {
      await registry.createModel({ name: 'churn' }, alice);
      await store.create({ name: 'api', model: 'churn', policy: v1 }, alice);
      expect((await caught(store.update('api', { policy: canary, kind: 'set', expectedRevision: 7 }, bob))).code).toBe('CONFLICT');
      expect((await registry.auditLog('churn')).map((e) => e.action)).toEqual(['model.created', 'deployment.created']);
      await registry.deleteModel('churn', bob);
      // The deployment outlives its model: changing it still works and is still audited under the name.
      await store.update('api', { policy: canary, kind: 'set' }, { actor: 'bob', reason: 'after delete' });
      const log = await registry.auditLog('churn');
      expect(log.map((e) => e.action)).toEqual(['model.created', 'deployment.created', 'model.deleted', 'deployment.set']);
      expect(log[3]).toMatchObject({ model: 'churn', deployment: 'api', actor: 'bob', reason: 'after delete' });
      // A deployment of a model the registry never had is audited under its name as well.
      await store.create({ name: 'other', model: 'ghost', policy: v1 }, alice);
      expect((await registry.auditLog('ghost')).map((e) => [e.action, e.deployment])).toEqual([['deployment.created', 'other']]);
    });

    it('deletes a deployment; its history stays and ends with the deletion', async () => {
      await store.create({ name: 'd', model: 'm', policy: canary }, alice);
      await store.create({ name: 'e', model: 'm', policy: v1 }, alice);
      await store.delete('d', { actor: 'bob', reason: 'retired' });
      expect((await caught(store.get('d'))).code).toBe('NOT_FOUND');
      expect((await store.list()).map((d) => d.name)).toEqual(['e']);
      const history = await store.history('d');
      expect(history.map((e) => [e.revision, e.kind, e.actor, e.reason])).toEqual([[1, 'created', 'alice', 'launch'], [2, 'deleted', 'bob', 'retired']]);
      expect(history[1]!.to).toEqual(canary);
      expect((await caught(store.delete('d', bob))).code).toBe('NOT_FOUND');
      // The name is free again.
      expect((await store.create({ name: 'd', model: 'm2', policy: v1 }, alice)).revision).toBe(1);
      expect((await store.history('d')).map((e) => e.kind)).toEqual(['created', 'deleted', 'created']);
    });
  });
}
