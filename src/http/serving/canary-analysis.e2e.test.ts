import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonitoringProfile } from '../../app-model-packages.js';
import { parseTrainerParams, readModelPackage, trainPackage, type ModelPackage } from '../../models/index.js';
import { CanaryAnalysis, DeploymentRouter, DeploymentService, ModelPool, VariantStats, type PackageResolver } from '../../serving/index.js';
import { MIGRATIONS } from '../../storage/sql/migrations/index.js';
import { runMigrations } from '../../storage/sql/migrations/run-migrations.js';
import { openDatabase, type SqlDatabase } from '../../storage/sql/open-database.js';
import { SqlDeploymentStore } from '../../storage/sql/deployments/sql-deployment-store.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { tempDir } from '../../test-support/cli.js';
import { buildServingServer } from './serving-server.js';

/**
 * The canary analysis fed by real HTTP requests: buildServingServer with a DeploymentRouter and
 * VariantStats, a DeploymentService over SQLite, two trained versions of model `m`; the analysis is
 * ticked by the test with an injected clock, and each decision is applied to the router.
 */
const tmp = tempDir('paddock-canary-analysis-');
const pkgs = new Map<string, ModelPackage>();
const resolver: PackageResolver = {
  async resolve(ref) {
    const pkg = pkgs.get(ref);
    if (!pkg) throw new Error(`no such ref ${ref}`);
    return { pkg: await readModelPackage(pkg.dir), version: ref.split('/').pop()! };
  },
};
let database: SqlDatabase;
let pool: ModelPool;
let app: FastifyInstance | undefined;

beforeAll(async () => {
  const data = path.join(tmp.dir, 'data.csv');
  const lines = Array.from({ length: 200 }, (_, i) => `${i % 24},${(i * 7) % 100},${(i % 24) > 12 ? 1 : 0}`);
  writeFileSync(data, `hour,distance,late\n${lines.join('\n')}\n`);
  for (const v of ['1', '2']) {
    const { pkg } = await trainPackage({ data, task: 'classification', target: 'late', features: ['hour', 'distance'], params: parseTrainerParams({ algorithm: 'linear' }, 'test'), name: 'm', outDir: path.join(tmp.dir, `v${v}`), lineage: {}, producerVersion: '0.0.0-test', buildMonitoringProfile });
    pkgs.set(`models:/m/${v}`, pkg);
  }
  database = openDatabase('sqlite::memory:', { root: process.cwd() });
  await runMigrations(database.db, database.dialect, MIGRATIONS);
});

afterAll(async () => {
  await app?.close();
  await pool?.close();
  database?.close();
  tmp.cleanup();
});

describe('canary analysis over HTTP', () => {
  it('steps and promotes a healthy canary from the outcomes of real requests; client errors are not failures', async () => {
    const by = { actor: 'ann' };
    const registry = new SqlRegistryStore(database);
    await registry.createModel({ name: 'm' }, by);
    await registry.createVersion({ name: 'm', source: 'models:/m/1' }, by);
    await registry.createVersion({ name: 'm', source: 'models:/m/2' }, by);
    const store = new SqlDeploymentStore(database);
    const service = new DeploymentService({ deployments: store, registry });
    await service.create({
      name: 'dep', model: 'm', policy: { stable: '1', candidates: [{ version: '2', weight: 50 }] },
      analysis: { intervalSeconds: 60, stepWeights: [50, 100], threshold: 1, minSamples: 20, successRate: 0.9, p99LatencyMs: 5_000, noData: 'hold' },
    }, by);
    let t = 1_000_000;
    const now = () => t;
    const stats = new VariantStats({ now });
    pool = new ModelPool({ resolver });
    const router = new DeploymentRouter({ pool, refFor: (m, v) => `models:/${m}/${v}` });
    await router.apply(await store.get('dep'));
    app = await buildServingServer({ pool, router, variantStats: stats, version: '9.9.9-test' });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const analysis = new CanaryAnalysis({ service, store, stats, names: ['dep'], now });
    await analysis.tick();

    /** `n` requests; returns how many each variant answered (from x-paddock-variant). */
    const send = async (n: number, body: unknown = { inputs: [{ name: 'hour', shape: [1], datatype: 'INT64', data: [3] }, { name: 'distance', shape: [1], datatype: 'INT64', data: [40] }] }) => {
      const seen = { stable: 0, canary: 0, statuses: new Set<number>() };
      for (let i = 0; i < n; i++) {
        const res = await fetch(`${url}/v2/models/dep/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        await res.arrayBuffer();
        seen[res.headers.get('x-paddock-variant') as 'stable' | 'canary']++;
        seen.statuses.add(res.status);
      }
      return seen;
    };

    t += 1_000;
    const first = await send(120);
    expect(first.statuses).toEqual(new Set([200]));
    expect(first.canary).toBeGreaterThan(20); // 50% of 120: far above 20 for any fair coin
    // Bad requests reach a variant and are counted, but a 400 is the caller's error, not the canary's.
    const bad = await send(5, { inputs: [{ name: 'hour', shape: [1], datatype: 'INT64', data: [3] }] });
    expect(bad.statuses).toEqual(new Set([400]));
    t += 60_000;
    const [step] = await analysis.tick();
    expect(step).toMatchObject({ kind: 'step', fromWeight: 50, toWeight: 100, canary: { requests: first.canary + bad.canary, errors: 0, successRate: 1 }, stable: { requests: first.stable + bad.stable, errors: 0 } });
    expect(step!.canary!.p99Ms).toBeGreaterThan(0);

    await router.apply(await store.get('dep'));
    t += 1_000;
    expect(await send(30)).toMatchObject({ stable: 0, canary: 30 });
    t += 60_000;
    expect((await analysis.tick()).map((d) => [d.kind, d.canary?.requests])).toEqual([['promoted', 30]]);
    await router.apply(await store.get('dep'));
    expect(await send(5)).toMatchObject({ stable: 5, canary: 0 });
    expect((await service.history('dep')).map((e) => [e.kind, e.actor, e.to.stable])).toEqual([
      ['created', 'ann', '1'], ['step', 'paddock-analysis', '1'], ['promoted', 'paddock-analysis', '2'],
    ]);
  });
});
