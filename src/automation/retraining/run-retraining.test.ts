import { mkdirSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetadata, openProject } from '../../app.js';
import { systemClock } from '../../core/clock.js';
import type { Project } from '../../core/project.js';
import { ShellExecutor } from '../../pipeline/index.js';
import { DeploymentService } from '../../serving/index.js';
import { SqlDeploymentStore } from '../../storage/sql/deployments/sql-deployment-store.js';
import type { MetadataStore } from '../../storage/sql/open-metadata-store.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { SqlRetrainingStore } from '../../storage/sql/retraining/sql-retraining-store.js';
import { CLI, runCli } from '../../test-support/cli.js';
import { penguinsCsv, retrainingProject, RETRAIN_MODEL } from '../../test-support/retraining-project.js';
import { lockedDataVersion, readDataVersions } from './data-versions.js';
import { InProcessQueue } from './in-process-queue.js';
import { reproRunner } from './pipeline-runner.js';
import { requestRetraining } from './request-retraining.js';
import { RETRAINING_JOB_TAG, type Retraining } from './retraining.js';
import { runRetraining, type RetrainingDeps } from './run-retraining.js';
import { checkDataVersions, type DataWatchDeps } from './triggers.js';

/**
 * The retraining job end to end on a real (tiny) pipeline: prepare → train → evaluate (gated) →
 * register, run in this process through the shell executor; the registry, deployments and the
 * retraining records in the project's SQLite store.
 */
describe('runRetraining on a real pipeline', () => {
  let project: { dir: string; cleanup: () => void };
  let paddock: Project;
  let metadata: MetadataStore;
  let deps: RetrainingDeps;
  let triggers: DataWatchDeps;
  let registry: SqlRegistryStore;
  let deployments: DeploymentService;
  let store: SqlRetrainingStore;
  let queue: InProcessQueue;

  beforeAll(async () => {
    project = await retrainingProject([
      '  pipelines:',
      '    penguins:',
      `      model: ${RETRAIN_MODEL}`,
      '      deployment: penguins',
      '      canary: { step_weights: [50, 100], interval_seconds: 5, min_samples: 10 }',
      '      triggers: { data: [penguins.csv] }',
      '      min_interval_minutes: 0',
      '',
    ].join('\n'));
    // Stage commands call `paddock`: put this checkout's CLI first on their PATH.
    const bin = path.join(project.dir, '.paddock', 'test-bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(CLI, path.join(bin, 'paddock'));
    paddock = openProject({ cwd: project.dir, logLevel: 'silent' });
    metadata = await openMetadata(paddock);
    store = new SqlRetrainingStore(metadata);
    registry = new SqlRegistryStore(metadata);
    deployments = new DeploymentService({ deployments: new SqlDeploymentStore(metadata), registry });
    const pipelines = paddock.config.retraining.pipelines;
    deps = {
      store, registry, deployments, pipelines, clock: systemClock, owner: 'test:1',
      runPipeline: reproRunner(paddock, new ShellExecutor('/bin/sh', [bin])),
      readDataVersions: (paths) => readDataVersions(project.dir, paths),
    };
    queue = new InProcessQueue((job) => runRetraining(job, deps));
    triggers = { store, queue, pipelines, clock: systemClock, readDataVersions: deps.readDataVersions, lockedDataVersion: (p) => lockedDataVersion(project.dir, p) };
  });
  afterAll(async () => {
    await queue.close();
    await metadata.close();
    project.cleanup();
  });

  const manual = async (extra: { force?: boolean } = {}): Promise<Retraining> => {
    const row = await requestRetraining({ pipeline: 'penguins', trigger: { kind: 'manual', detail: { user: 'test' } }, ...extra }, triggers);
    await queue.idle();
    return store.get(row.id);
  };

  it('the first retraining registers version 1 as challenger, tagged with its job; the deployment does not exist yet, so the canary step fails and says so', async () => {
    const r = await manual();
    expect(r.steps.map((s) => `${s.name}:${s.status}`)).toEqual(['pipeline:ok', 'challenger:ok', 'gates:ok', 'canary:failed']);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/canary of version 1 could not start.*champion keeps serving.*penguins.*not found/s);
    expect(r.version).toBe(1);
    const v1 = await registry.getVersion(RETRAIN_MODEL, 1);
    expect(v1.tags[RETRAINING_JOB_TAG]).toBe(r.id);
    expect(v1.aliases).toEqual(['challenger']);
    expect(r.dataVersions['penguins.csv']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('a new data version triggers a retraining whose challenger goes to the deployment as a canary with analysis; retrying the job changes nothing', async () => {
    const by = { actor: 'test' };
    await registry.setAlias(RETRAIN_MODEL, 'champion', 1, by);
    await deployments.create({ name: 'penguins', model: RETRAIN_MODEL, policy: { stable: '1', candidates: [] } }, by);
    // Nothing changed yet: the watcher asks for nothing.
    expect(await checkDataVersions(triggers)).toEqual([]);

    writeFileSync(path.join(project.dir, 'penguins.csv'), penguinsCsv(300));
    expect((await runCli(project.dir, ['add', 'penguins.csv'])).code).toBe(0);
    const requested = await checkDataVersions(triggers);
    expect(requested).toHaveLength(1);
    expect(requested[0]!.trigger).toMatchObject({ kind: 'data', detail: { path: 'penguins.csv' } });
    await queue.idle();
    const r = await store.get(requested[0]!.id);
    expect(r.status, r.reason).toBe('succeeded');
    expect(r.version).toBe(2);
    expect(r.steps.find((s) => s.name === 'canary')!.detail).toMatch(/version 2 is a canary against stable 1/);
    const { deployment } = await deployments.status('penguins');
    expect(deployment.policy).toMatchObject({ stable: '1', candidates: [{ version: '2', weight: 0 }] });
    expect(deployment.analysis).toMatchObject({ stepWeights: [50, 100], intervalSeconds: 5, minSamples: 10 });
    // The same data version seen again: no second retraining.
    expect((await checkDataVersions(triggers)).map((x) => x.id)).toEqual([]);

    // A retry of the same job (as after a worker died before acknowledging it): same version, same canary.
    await store.update(r.id, { status: 'running' });
    const again = await runRetraining({ id: r.id }, deps);
    expect(again.status).toBe('succeeded');
    expect(again.steps.map((s) => `${s.name}:${s.status}`)).toEqual(['pipeline:skipped', 'challenger:ok', 'gates:ok', 'canary:ok']);
    expect(again.steps[3]!.detail).toMatch(/already has version 2 as a canary/);
    expect((await registry.searchVersions({ filter: `name = '${RETRAIN_MODEL}'` })).items.map((v) => v.version).sort()).toEqual([1, 2]);
    expect((await deployments.status('penguins')).deployment.revision).toBe(deployment.revision);
  });

  it('a failing gate: the pipeline fails at evaluate, nothing is registered, no canary, the champion untouched, the failure recorded', async () => {
    const before = (await deployments.status('penguins')).deployment;
    writeFileSync(path.join(project.dir, 'params.yaml'), readFileSync(path.join(project.dir, 'params.yaml'), 'utf8').replace('min_accuracy: 0.5', 'min_accuracy: 1.01'));
    const r = await manual({ force: true });
    expect(r.status).toBe('failed');
    expect(r.steps.map((s) => `${s.name}:${s.status}`)).toEqual(['pipeline:failed']);
    expect(r.reason).toMatch(/failed at stage 'evaluate'.*champion keeps serving/s);
    expect(r.reason).toMatch(/accuracy >= 1\.01/);
    expect(r.version).toBeUndefined();
    expect((await registry.searchVersions({ filter: `name = '${RETRAIN_MODEL}'` })).items).toHaveLength(2);
    expect((await registry.getVersionByAlias(RETRAIN_MODEL, 'champion')).version).toBe(1);
    expect((await deployments.status('penguins')).deployment).toEqual(before);
  });
});
