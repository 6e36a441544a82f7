import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import type { RegistryStore } from '../../registry/index.js';
import { MIGRATIONS } from '../../storage/sql/migrations/index.js';
import { runMigrations } from '../../storage/sql/migrations/run-migrations.js';
import { openDatabase, type SqlDatabase } from '../../storage/sql/open-database.js';
import { SqlDeploymentStore } from '../../storage/sql/deployments/sql-deployment-store.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { DeploymentService } from './deployment-service.js';

async function caught(p: Promise<unknown>): Promise<{ code: string; message: string; details: Readonly<Record<string, unknown>> }> {
  try {
    await p;
  } catch (err) {
    if (isPaddockError(err)) return { code: err.code, message: err.message, details: err.details };
    throw err;
  }
  throw new Error('expected a failure');
}

const by = { actor: 'ann' };

describe('DeploymentService', () => {
  let database: SqlDatabase;
  let registry: RegistryStore;
  let service: DeploymentService;
  beforeEach(async () => {
    database = openDatabase('sqlite::memory:', { root: process.cwd() });
    await runMigrations(database.db, database.dialect, MIGRATIONS);
    registry = new SqlRegistryStore(database);
    await registry.createModel({ name: 'churn' }, by);
    for (let i = 0; i < 3; i++) await registry.createVersion({ name: 'churn', source: `s3://m/${i + 1}` }, by);
    service = new DeploymentService({ deployments: new SqlDeploymentStore(database), registry });
  });
  afterEach(() => database.close());

  it('creates only over a registered model and versions, naming what is missing', async () => {
    const model = await caught(service.create({ name: 'api', model: 'nope', policy: { stable: '1', candidates: [] } }, by));
    expect(model.code).toBe('NOT_FOUND');
    expect(model.message).toMatch(/'nope'/);
    const version = await caught(service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '9', weight: 5 }] } }, by, { where: { stable: '--stable', candidates: '--canary', mirror: '--mirror', sticky: '--sticky' } }));
    expect(version).toMatchObject({ code: 'NOT_FOUND', details: { field: '--canary', model: 'churn', version: '9' } });
    expect((await caught(service.create({ name: 'api', model: 'churn', policy: { stable: 'v1', candidates: [] } }, by))).code).toBe('INVALID_ARGUMENT');
    expect(await service.list()).toEqual([]);
  });

  it('sets, promotes and rolls back to the previous stable; status shows the split', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [] } }, by);
    await service.set('api', { candidates: [{ version: '2', weight: 10 }], sticky: { header: 'x-user' } }, by);
    const status = await service.status('api');
    expect(status.versions).toEqual([
      { version: '1', role: 'stable', percent: 90, source: 's3://m/1', status: 'READY' },
      { version: '2', role: 'candidate', percent: 10, source: 's3://m/2', status: 'READY' },
    ]);
    expect((await service.promote('api', by)).policy).toEqual({ stable: '2', candidates: [], sticky: { header: 'x-user' } });
    const back = await service.rollback('api', { actor: 'bob', reason: 'errors' });
    expect(back).toMatchObject({ revision: 4, policy: { stable: '1', candidates: [], sticky: { header: 'x-user' } } });
    const history = await service.history('api');
    expect(history.map((e) => [e.kind, e.to.stable])).toEqual([['created', '1'], ['set', '1'], ['promoted', '2'], ['rolled-back', '1']]);
    // A second rollback undoes the first: back to 2.
    expect((await service.rollback('api', by)).policy.stable).toBe('2');
  });

  it('rollback with no earlier stable aborts the canary; with nothing to undo it is INVALID_STATE', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [] } }, by);
    expect((await caught(service.rollback('api', by))).code).toBe('INVALID_STATE');
    await service.set('api', { candidates: [{ version: '3', weight: 20 }] }, by);
    expect((await service.rollback('api', by)).policy).toEqual({ stable: '1', candidates: [] });
  });

  it('refuses a stale revision and a missing candidate without writing', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [] } }, by);
    await service.set('api', { mirror: { version: '3', percent: 100 } }, by);
    expect((await caught(service.set('api', { candidates: [{ version: '2', weight: 5 }] }, by, { expectedRevision: 1 }))).details).toMatchObject({ conflict: 'revision' });
    expect((await caught(service.promote('api', by))).code).toBe('INVALID_STATE');
    expect((await caught(service.set('api', { candidates: [{ version: '4', weight: 5 }] }, by))).code).toBe('NOT_FOUND');
    expect(await service.status('api')).toMatchObject({ deployment: { revision: 2, policy: { stable: '1', candidates: [], mirror: { version: '3', percent: 100 } } } });
    // null removes the mirror.
    expect((await service.set('api', { mirror: null }, by)).policy).toEqual({ stable: '1', candidates: [] });
  });

  it('update changes the policy and the analysis (over the current one), checking both before writing', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [] }, analysis: { intervalSeconds: 30 } }, by);
    const bad = await caught(service.update('api', { candidates: [{ version: '2', weight: 10 }], analysis: { noData: 'maybe' as never } }, by));
    expect(bad).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'analysis.noData' } });
    expect((await service.get('api')).revision).toBe(1);
    const out = await service.update('api', { candidates: [{ version: '2', weight: 10 }], analysis: { threshold: 4 } }, by);
    expect(out).toMatchObject({ revision: 3, policy: { candidates: [{ version: '2', weight: 10 }] }, analysis: { intervalSeconds: 30, threshold: 4 } });
    expect((await service.history('api')).map((e) => e.kind)).toEqual(['created', 'set', 'analysis']);
    expect((await service.update('api', { analysis: null }, by)).analysis).toBeUndefined();
    expect((await caught(service.update('api', {}, by))).code).toBe('INVALID_ARGUMENT');
    expect((await caught(service.update('api', { analysis: { threshold: 2 } }, by, { expectedRevision: 1 }))).code).toBe('CONFLICT');
  });

  it('status marks versions deleted from the registry as missing', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 50 }] } }, by);
    await registry.deleteVersion('churn', 2, by);
    expect((await service.status('api')).versions[1]).toEqual({ version: '2', role: 'candidate', percent: 50, missing: true });
  });
});
