import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPaddockError } from '../core/errors.js';
import { openMetadataStore, type MetadataStore } from '../storage/sql/open-metadata-store.js';
import { SqlRegistryStore } from '../storage/sql/registry/sql-registry-store.js';
import { lineageOf, parseModelUri, resolveModelUri, type RegistryStore } from './index.js';

const by = { actor: 'alice' };

async function notFoundMessage(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isPaddockError(err, 'NOT_FOUND')) return err.message;
    throw err;
  }
  throw new Error('expected NOT_FOUND');
}

describe('model URIs and lineage over the real SQLite stores', () => {
  let meta: MetadataStore;
  let registry: RegistryStore;

  beforeEach(async () => {
    meta = await openMetadataStore('sqlite::memory:', { root: process.cwd(), artifactsRoot: '/tmp/paddock-artifacts' });
    registry = new SqlRegistryStore(meta);
    await registry.createModel({ name: 'churn' }, by);
  });
  afterEach(() => meta.close());

  it('parses the three MLflow URI forms and rejects others', () => {
    expect(parseModelUri('models:/churn/3')).toEqual({ name: 'churn', kind: 'version', version: 3 });
    expect(parseModelUri('models:/churn@champion')).toEqual({ name: 'churn', kind: 'alias', alias: 'champion' });
    expect(parseModelUri('models:/churn/latest')).toEqual({ name: 'churn', kind: 'latest' });
    for (const bad of ['runs:/x/model', 'models:/churn', 'models:/churn/Production', 'models:/churn/0', 'models:/@a', 'models:/a/b/3']) {
      expect(() => parseModelUri(bad), bad).toThrow(/not a model URI/);
    }
  });

  it('resolves models:/name/N, @alias and /latest to the version', async () => {
    await registry.createVersion({ name: 'churn', source: 's1' }, by);
    await registry.createVersion({ name: 'churn', source: 's2' }, by);
    await registry.setAlias('churn', 'champion', 1, by);
    expect((await resolveModelUri(registry, 'models:/churn/2')).source).toBe('s2');
    expect((await resolveModelUri(registry, 'models:/churn@champion')).source).toBe('s1');
    expect((await resolveModelUri(registry, 'models:/churn/latest')).version).toBe(2);
  });

  it('says what is missing', async () => {
    expect(await notFoundMessage(resolveModelUri(registry, 'models:/churn/latest'))).toMatch(/models:\/churn\/latest: .*has no versions/);
    await registry.createVersion({ name: 'churn', source: 's1' }, by);
    expect(await notFoundMessage(resolveModelUri(registry, 'models:/churn/7'))).toMatch(/models:\/churn\/7: model version 7 of 'churn' not found/);
    expect(await notFoundMessage(resolveModelUri(registry, 'models:/churn@prod'))).toMatch(/no alias 'prod'/);
    expect(await notFoundMessage(resolveModelUri(registry, 'models:/other/1'))).toMatch(/registered model 'other' not found/);
  });

  it('traces a version back to run, params, metrics, data versions, git commit and stage', async () => {
    const exp = await meta.tracking.createExperiment({ name: 'churn-exp' });
    const run = await meta.tracking.createRun({ experimentId: exp, tags: { 'paddock.git.commit': 'a1b2c3', 'paddock.git.dirty': 'true', 'paddock.stage': 'train' } });
    const runId = run.info.runId;
    await meta.tracking.logBatch(runId, {
      params: [{ key: 'lr', value: '0.1' }],
      metrics: [{ key: 'auc', value: 0.8, step: 0, timestamp: 1 }, { key: 'auc', value: 0.9, step: 1, timestamp: 2 }],
    });
    await meta.tracking.logInputs(runId, [{ name: 'flights', digest: 'd41d8cd98f00b204e9800998ecf8427e', sourceType: 'dvc', source: 'data/flights.parquet', tags: {} }]);
    await registry.createVersion({ name: 'churn', source: `runs:/${runId}/model`, runId }, by);
    expect(await lineageOf(registry, meta.tracking, 'churn', 1)).toEqual({
      model: 'churn', version: 1, runId, experimentId: exp,
      params: { lr: '0.1' }, metrics: { auc: 0.9 },
      inputs: [{ name: 'flights', digest: 'd41d8cd98f00b204e9800998ecf8427e', source: 'data/flights.parquet' }],
      gitCommit: 'a1b2c3', gitDirty: true, stage: 'train',
    });
  });

  it("reads MLflow's git tag, and copes with versions without a run or with a purged run", async () => {
    const exp = await meta.tracking.createExperiment({ name: 'e' });
    const run = await meta.tracking.createRun({ experimentId: exp, tags: { 'mlflow.source.git.commit': 'ffee' } });
    await registry.createVersion({ name: 'churn', source: 's', runId: run.info.runId }, by);
    await registry.createVersion({ name: 'churn', source: 's' }, by);
    await registry.createVersion({ name: 'churn', source: 's', runId: 'f'.repeat(32) }, by);
    expect(await lineageOf(registry, meta.tracking, 'churn', 1)).toMatchObject({ gitCommit: 'ffee' });
    expect((await lineageOf(registry, meta.tracking, 'churn', 1)).gitDirty).toBeUndefined();
    expect(await lineageOf(registry, meta.tracking, 'churn', 2)).toEqual({ model: 'churn', version: 2, params: {}, metrics: {}, inputs: [] });
    expect(await lineageOf(registry, meta.tracking, 'churn', 3)).toEqual({ model: 'churn', version: 3, runId: 'f'.repeat(32), runMissing: true, params: {}, metrics: {}, inputs: [] });
  });
});
