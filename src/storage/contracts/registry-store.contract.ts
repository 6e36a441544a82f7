import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { isPaddockError, type ErrorCode } from '../../core/errors.js';
import type { Actor, RegistryStore } from '../../registry/index.js';

/** A fresh, empty store over `clock`, and how to dispose of it. */
export type MakeRegistryStore = (clock: Clock) => Promise<{ store: RegistryStore; cleanup: () => Promise<void> }>;

const alice: Actor = { actor: 'alice', reason: 'first registration' };
const bob: Actor = { actor: 'bob' };

/** A clock that moves 1 s forward on every reading, so every write has its own timestamp. */
function tickingClock(start = Date.UTC(2026, 0, 1)): Clock {
  let t = start;
  return { now: () => new Date((t += 1000)) };
}

async function code(promise: Promise<unknown>): Promise<ErrorCode | 'resolved' | 'not a PaddockError'> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    return isPaddockError(err) ? err.code : 'not a PaddockError';
  }
}

/**
 * The behaviour every RegistryStore adapter must show: MLflow's registry semantics (unique
 * names, versions 1, 2, 3 per model, aliases, tags, rename, delete) plus Paddock's audit log.
 * Expected values come from MLflow's documented behaviour, never from the store under test.
 */
export function registryStoreContract(name: string, make: MakeRegistryStore): void {
  describe(`RegistryStore contract: ${name}`, () => {
    let store: RegistryStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await make(tickingClock()));
    });
    afterEach(async () => {
      await cleanup();
    });

    describe('registered models', () => {
      it('creates a model with description and tags; the name is unique', async () => {
        const m = await store.createModel({ name: 'fraud', description: 'card fraud', tags: { team: 'risk' } }, alice);
        expect(m).toMatchObject({ name: 'fraud', description: 'card fraud', tags: { team: 'risk' }, aliases: {} });
        expect(m.latestVersion).toBeUndefined();
        expect(m.creationTimestamp).toBe(m.lastUpdatedTimestamp);
        expect(await store.getModel('fraud')).toEqual(m);
        expect(await code(store.createModel({ name: 'fraud' }, bob))).toBe('ALREADY_EXISTS');
        expect((await store.auditLog('fraud')).map((e) => e.action)).toEqual(['model.created']);
      });

      it('rejects bad input with INVALID_ARGUMENT and changes nothing', async () => {
        expect(await code(store.createModel({ name: '' }, alice))).toBe('INVALID_ARGUMENT');
        expect(await code(store.createModel({ name: 'x'.repeat(257) }, alice))).toBe('INVALID_ARGUMENT');
        expect(await code(store.createModel({ name: 'ok' }, { actor: '' }))).toBe('INVALID_ARGUMENT');
        expect(await code(store.getModel('ok'))).toBe('NOT_FOUND');
        expect((await store.searchModels({})).items).toEqual([]);
      });

      it('updates the description and tags', async () => {
        await store.createModel({ name: 'm' }, alice);
        const updated = await store.updateModel('m', { description: 'v2 docs' }, bob);
        expect(updated.description).toBe('v2 docs');
        await store.setModelTag('m', 'owner', 'ann', bob);
        await store.setModelTag('m', 'owner', 'ben', bob);
        await store.setModelTag('m', 'tier', 'gold', bob);
        await store.deleteModelTag('m', 'tier', bob);
        expect((await store.getModel('m')).tags).toEqual({ owner: 'ben' });
        expect(await code(store.updateModel('nope', { description: 'x' }, bob))).toBe('NOT_FOUND');
      });

      it('renames a model: versions and aliases follow, the old name is free', async () => {
        await store.createModel({ name: 'old' }, alice);
        await store.createVersion({ name: 'old', source: 's3://b/1' }, alice);
        await store.setAlias('old', 'champion', 1, alice);
        await store.createModel({ name: 'taken' }, alice);
        expect(await code(store.renameModel('old', 'taken', bob))).toBe('ALREADY_EXISTS');
        const renamed = await store.renameModel('old', 'new', bob);
        expect(renamed).toMatchObject({ name: 'new', aliases: { champion: 1 } });
        expect(await store.getVersion('new', 1)).toMatchObject({ name: 'new', version: 1, source: 's3://b/1', aliases: ['champion'] });
        expect(await code(store.getModel('old'))).toBe('NOT_FOUND');
        expect((await store.createModel({ name: 'old' }, bob)).name).toBe('old');
        expect((await store.auditLog('new')).map((e) => e.action)).toEqual(['model.created', 'version.created', 'alias.set', 'model.renamed']);
      });

      it('deletes a model with its versions and aliases; the audit log stays', async () => {
        await store.createModel({ name: 'gone' }, alice);
        await store.createVersion({ name: 'gone', source: 'a' }, alice);
        await store.setAlias('gone', 'prod', 1, alice);
        await store.deleteModel('gone', { actor: 'carol', reason: 'retired' });
        expect(await code(store.getModel('gone'))).toBe('NOT_FOUND');
        expect(await code(store.getVersion('gone', 1))).toBe('NOT_FOUND');
        expect((await store.searchVersions({ filter: "name = 'gone'" })).items).toEqual([]);
        const log = await store.auditLog('gone');
        expect(log.at(-1)).toMatchObject({ action: 'model.deleted', actor: 'carol', reason: 'retired', model: 'gone' });
        // A new model with the same name starts again at version 1.
        await store.createModel({ name: 'gone' }, bob);
        expect((await store.createVersion({ name: 'gone', source: 'b' }, bob)).version).toBe(1);
        expect(await code(store.deleteModel('never', bob))).toBe('NOT_FOUND');
      });
    });

    describe('model versions', () => {
      it('numbers versions 1, 2, 3 per model and tracks the newest', async () => {
        await store.createModel({ name: 'a' }, alice);
        await store.createModel({ name: 'b' }, alice);
        const v1 = await store.createVersion({ name: 'a', source: 'runs:/r1/model', runId: 'r1', description: 'first', tags: { k: 'v' }, signature: '{"inputs":[]}' }, alice);
        expect(v1).toMatchObject({ name: 'a', version: 1, source: 'runs:/r1/model', runId: 'r1', status: 'READY', description: 'first', tags: { k: 'v' }, aliases: [], signature: '{"inputs":[]}' });
        expect((await store.createVersion({ name: 'a', source: 'x' }, alice)).version).toBe(2);
        expect((await store.createVersion({ name: 'b', source: 'y' }, alice)).version).toBe(1);
        expect((await store.createVersion({ name: 'a', source: 'z' }, alice)).version).toBe(3);
        expect((await store.getModel('a')).latestVersion).toMatchObject({ version: 3, source: 'z' });
        expect(await store.getVersion('a', 1)).toEqual(v1);
      });

      it('gives concurrent creators distinct, consecutive numbers', async () => {
        await store.createModel({ name: 'busy' }, alice);
        const made = await Promise.all(Array.from({ length: 8 }, (_, i) => store.createVersion({ name: 'busy', source: `s${i}` }, alice)));
        expect(made.map((v) => v.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      });

      it('never reuses the number of a deleted version', async () => {
        await store.createModel({ name: 'm' }, alice);
        await store.createVersion({ name: 'm', source: 'a' }, alice);
        await store.createVersion({ name: 'm', source: 'b' }, alice);
        await store.deleteVersion('m', 2, bob);
        expect(await code(store.getVersion('m', 2))).toBe('NOT_FOUND');
        expect((await store.createVersion({ name: 'm', source: 'c' }, alice)).version).toBe(3);
      });

      it('reports unknown models and versions as NOT_FOUND, bad numbers as INVALID_ARGUMENT', async () => {
        expect(await code(store.createVersion({ name: 'nope', source: 'a' }, alice))).toBe('NOT_FOUND');
        await store.createModel({ name: 'm' }, alice);
        expect(await code(store.getVersion('m', 1))).toBe('NOT_FOUND');
        expect(await code(store.getVersion('m', 0))).toBe('INVALID_ARGUMENT');
        expect(await code(store.createVersion({ name: 'm', source: '' }, alice))).toBe('INVALID_ARGUMENT');
        expect(await code(store.updateVersion('m', 1, { description: 'x' }, alice))).toBe('NOT_FOUND');
      });

      it('updates description and status, sets and deletes tags', async () => {
        await store.createModel({ name: 'm' }, alice);
        await store.createVersion({ name: 'm', source: 'a' }, alice);
        const v = await store.updateVersion('m', 1, { description: 'calibrated', status: 'FAILED_REGISTRATION' }, bob);
        expect(v).toMatchObject({ description: 'calibrated', status: 'FAILED_REGISTRATION' });
        expect(v.lastUpdatedTimestamp).toBeGreaterThan(v.creationTimestamp);
        expect(await code(store.updateVersion('m', 1, { status: 'ARCHIVED' as never }, bob))).toBe('INVALID_ARGUMENT');
        await store.setVersionTag('m', 1, 'validated', 'yes', bob);
        await store.setVersionTag('m', 1, 'gate', 'passed', bob);
        await store.deleteVersionTag('m', 1, 'gate', bob);
        expect((await store.getVersion('m', 1)).tags).toEqual({ validated: 'yes' });
      });
    });

    describe('aliases', () => {
      beforeEach(async () => {
        await store.createModel({ name: 'm' }, alice);
        for (const s of ['a', 'b', 'c']) await store.createVersion({ name: 'm', source: s }, alice);
      });

      it('points an alias at one version and moves it when set again', async () => {
        await store.setAlias('m', 'champion', 1, alice);
        await store.setAlias('m', 'challenger', 2, alice);
        expect((await store.getVersionByAlias('m', 'champion')).version).toBe(1);
        await store.setAlias('m', 'champion', 2, { actor: 'bob', reason: 'won the A/B test' });
        expect((await store.getVersionByAlias('m', 'champion')).version).toBe(2);
        expect((await store.getModel('m')).aliases).toEqual({ champion: 2, challenger: 2 });
        expect((await store.getVersion('m', 2)).aliases).toEqual(['challenger', 'champion']);
        expect((await store.getVersion('m', 1)).aliases).toEqual([]);
        const moved = (await store.auditLog('m')).filter((e) => e.action === 'alias.set' && e.alias === 'champion');
        expect(moved.map((e) => [e.from, e.to, e.actor])).toEqual([[undefined, '1', 'alice'], ['1', '2', 'bob']]);
        expect(moved[1]!.reason).toBe('won the A/B test');
      });

      it('accepts any alias name except latest and v<number> (as MLflow)', async () => {
        for (const ok of ['champion', 'v1a', 'vtest', 'prod-eu_2', 'V']) await store.setAlias('m', ok, 1, alice);
        for (const bad of ['latest', 'LATEST', 'v1', 'V12', 'has space', 'a/b', '']) {
          expect(await code(store.setAlias('m', bad, 1, alice)), bad).toBe('INVALID_ARGUMENT');
        }
      });

      it('fails on unknown versions, models and aliases without recording anything', async () => {
        const before = (await store.auditLog('m')).length;
        expect(await code(store.setAlias('m', 'prod', 9, alice))).toBe('NOT_FOUND');
        expect(await code(store.setAlias('nope', 'prod', 1, alice))).toBe('NOT_FOUND');
        expect(await code(store.getVersionByAlias('m', 'prod'))).toBe('NOT_FOUND');
        expect((await store.auditLog('m')).length).toBe(before);
      });

      it('deleting a version drops its aliases; deleting an alias leaves the version', async () => {
        await store.setAlias('m', 'prod', 3, alice);
        await store.setAlias('m', 'shadow', 3, alice);
        await store.setAlias('m', 'stable', 1, alice);
        await store.deleteVersion('m', 3, bob);
        expect((await store.getModel('m')).aliases).toEqual({ stable: 1 });
        await store.deleteAlias('m', 'stable', bob);
        expect((await store.getModel('m')).aliases).toEqual({});
        expect((await store.getVersion('m', 1)).version).toBe(1);
        const actions = (await store.auditLog('m')).map((e) => `${e.action}${e.alias ? `:${e.alias}` : ''}`);
        expect(actions.slice(-4)).toEqual(['alias.deleted:prod', 'alias.deleted:shadow', 'version.deleted', 'alias.deleted:stable']);
      });
    });

    describe('search', () => {
      beforeEach(async () => {
        for (const [n, team] of [['fraud-detector', 'risk'], ['Fraud-Legacy', 'risk'], ['churn', 'growth'], ['ltv', 'growth'], ['ranker', 'search']]) {
          await store.createModel({ name: n!, tags: { team: team! } }, alice);
        }
        await store.createVersion({ name: 'churn', source: 'runs:/r1/m', runId: 'r1', tags: { stage: 'cand' } }, alice);
        await store.createVersion({ name: 'churn', source: 'runs:/r2/m', runId: 'r2' }, alice);
        await store.createVersion({ name: 'ltv', source: 'runs:/r3/m', runId: 'r3', tags: { stage: 'cand' } }, alice);
      });

      it('orders models by name by default and filters with MLflow syntax plus or/parentheses', async () => {
        const names = async (filter?: string, orderBy?: string[]) => (await store.searchModels({ filter, orderBy })).items.map((m) => m.name);
        expect(await names()).toEqual(['Fraud-Legacy', 'churn', 'fraud-detector', 'ltv', 'ranker']);
        expect(await names("name LIKE 'fraud%'")).toEqual(['fraud-detector']);
        expect(await names("name ILIKE 'fraud%'")).toEqual(['Fraud-Legacy', 'fraud-detector']);
        expect(await names("tags.team = 'growth'")).toEqual(['churn', 'ltv']);
        expect(await names("tags.team = 'risk' and name != 'Fraud-Legacy'")).toEqual(['fraud-detector']);
        expect(await names("(tags.team = 'search' or name = 'ltv')")).toEqual(['ltv', 'ranker']);
        expect(await names(undefined, ['name DESC'])).toEqual(['ranker', 'ltv', 'fraud-detector', 'churn', 'Fraud-Legacy']);
        expect(await names(undefined, ['last_updated_timestamp DESC'])).toEqual(['ltv', 'churn', 'ranker', 'Fraud-Legacy', 'fraud-detector']);
        expect((await store.searchModels({ filter: "name = 'churn'" })).items[0]!.latestVersion?.version).toBe(2);
      });

      it('pages with tokens: every model exactly once', async () => {
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const page = await store.searchModels({ maxResults: 2, pageToken: token });
          seen.push(...page.items.map((m) => m.name));
          token = page.nextPageToken;
          pages++;
        } while (token);
        expect(pages).toBe(3);
        expect(seen).toEqual(['Fraud-Legacy', 'churn', 'fraud-detector', 'ltv', 'ranker']);
      });

      it('searches versions by name, run_id, version_number and tags', async () => {
        const found = async (filter: string) => (await store.searchVersions({ filter })).items.map((v) => `${v.name}/${v.version}`);
        // Default order: last_updated_timestamp DESC.
        expect(await found('')).toEqual(['ltv/1', 'churn/2', 'churn/1']);
        expect(await found("name = 'churn'")).toEqual(['churn/2', 'churn/1']);
        expect(await found("run_id IN ('r1', 'r3')")).toEqual(['ltv/1', 'churn/1']);
        expect(await found("name = 'churn' and version_number > 1")).toEqual(['churn/2']);
        expect(await found("tags.stage = 'cand'")).toEqual(['ltv/1', 'churn/1']);
        expect(await found("source_path LIKE 'runs:/r2%'")).toEqual(['churn/2']);
        const ordered = await store.searchVersions({ orderBy: ['name ASC', 'version_number ASC'] });
        expect(ordered.items.map((v) => `${v.name}/${v.version}`)).toEqual(['churn/1', 'churn/2', 'ltv/1']);
      });

      it('rejects bad filters, order keys, page tokens and sizes with INVALID_ARGUMENT', async () => {
        expect(await code(store.searchModels({ filter: "name = 'x' and" }))).toBe('INVALID_ARGUMENT');
        expect(await code(store.searchModels({ filter: "metrics.auc > 1" }))).toBe('INVALID_ARGUMENT');
        expect(await code(store.searchModels({ orderBy: ['version_number'] }))).toBe('INVALID_ARGUMENT');
        expect(await code(store.searchModels({ pageToken: 'garbage' }))).toBe('INVALID_ARGUMENT');
        expect(await code(store.searchModels({ maxResults: 1001 }))).toBe('INVALID_ARGUMENT');
        expect(await code(store.searchVersions({ filter: 'version_number > ' }))).toBe('INVALID_ARGUMENT');
      });
    });

    describe('audit log', () => {
      it('records who, when, what, from and to for every change, oldest first', async () => {
        await store.createModel({ name: 'm' }, alice);
        await store.createVersion({ name: 'm', source: 's3://b/m/1', runId: 'r1' }, alice);
        await store.setVersionTag('m', 1, 'qa', 'ok', bob);
        await store.updateVersion('m', 1, { description: 'good' }, bob);
        await store.setAlias('m', 'prod', 1, { actor: 'carol', reason: 'release 1' });
        await store.deleteAlias('m', 'prod', { actor: 'carol', reason: 'rollback' });
        const log = await store.auditLog('m');
        expect(log.map((e) => e.action)).toEqual(['model.created', 'version.created', 'version.tag_set', 'version.updated', 'alias.set', 'alias.deleted']);
        expect(log[0]).toMatchObject({ model: 'm', actor: 'alice', reason: 'first registration' });
        expect(log[1]).toMatchObject({ version: 1, to: 's3://b/m/1' });
        expect(log[2]).toMatchObject({ version: 1, key: 'qa', to: 'ok', actor: 'bob' });
        expect(log[3]).toMatchObject({ version: 1, from: '', to: 'good' });
        expect(log[4]).toMatchObject({ alias: 'prod', to: '1', actor: 'carol', reason: 'release 1' });
        expect(log[5]).toMatchObject({ alias: 'prod', from: '1', reason: 'rollback' });
        const times = log.map((e) => e.timestamp);
        expect([...times].sort((a, b) => a - b)).toEqual(times);
        expect(new Set(log.map((e) => e.id)).size).toBe(log.length);
        expect(await store.auditLog('unknown')).toEqual([]);
      });
    });
  });
}
