import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetadataStore } from '../../storage/sql/open-metadata-store.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { runCli, tempDir } from '../../test-support/cli.js';

describe('paddock models (end to end through the real CLI)', () => {
  let project: { dir: string; cleanup: () => void };
  let runId = '';

  beforeAll(async () => {
    project = tempDir();
    expect((await runCli(project.dir, ['init'])).code).toBe(0);
    // Seed through the same database the CLI opens (the project's default sqlite:.paddock/paddock.db).
    const meta = await openMetadataStore('sqlite:.paddock/paddock.db', { root: project.dir, artifactsRoot: `${project.dir}/artifacts` });
    const registry = new SqlRegistryStore(meta);
    const exp = await meta.tracking.createExperiment({ name: 'churn' });
    const run = await meta.tracking.createRun({ experimentId: exp, tags: { 'paddock.git.commit': 'abc123', 'paddock.git.dirty': 'false', 'paddock.stage': 'train' } });
    runId = run.info.runId;
    await meta.tracking.logBatch(runId, { params: [{ key: 'lr', value: '0.05' }], metrics: [{ key: 'auc', value: 0.91, step: 0, timestamp: 1 }] });
    await meta.tracking.logInputs(runId, [{ name: 'train.csv', digest: '0123456789abcdef0123456789abcdef', sourceType: 'dvc', source: 'data/train.csv', tags: {} }]);
    await registry.createModel({ name: 'churn', description: 'churn classifier', tags: { team: 'growth' } }, { actor: 'seed' });
    await registry.createModel({ name: 'fraud' }, { actor: 'seed' });
    await registry.createVersion({ name: 'churn', source: `runs:/${runId}/model`, runId }, { actor: 'seed' });
    await registry.createVersion({ name: 'churn', source: 's3://models/churn/2' }, { actor: 'seed' });
    await meta.close();
  });
  afterAll(() => project.cleanup());

  it('lists models as a table and as JSON, with filters', async () => {
    const text = await runCli(project.dir, ['models', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^NAME\s+LATEST\s+ALIASES\s+UPDATED\s+DESCRIPTION$/);
    expect(text.stdout).toMatch(/churn\s+2\s+.*churn classifier/);
    const json = await runCli(project.dir, ['models', 'list', '--filter', "tags.team = 'growth'", '--json']);
    expect(JSON.parse(json.stdout).models.map((m: { name: string }) => m.name)).toEqual(['churn']);
    const bad = await runCli(project.dir, ['models', 'list', '--filter', 'name = ']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/filter/);
  });

  it('sets, moves and deletes aliases with who and why in the audit log', async () => {
    const set = await runCli(project.dir, ['models', 'alias', 'set', 'churn', 'champion', '1', '--actor', 'ann', '--reason', 'best auc']);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('churn@champion → version 1');
    expect((await runCli(project.dir, ['models', 'alias', 'set', 'churn', 'champion', '2', '--actor', 'ben'])).code).toBe(0);
    const shown = await runCli(project.dir, ['models', 'show', 'models:/churn@champion', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ name: 'churn', version: 2, aliases: ['champion'] });
    const reserved = await runCli(project.dir, ['models', 'alias', 'set', 'churn', 'latest', '1']);
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toMatch(/reserved/);
    expect((await runCli(project.dir, ['models', 'alias', 'delete', 'churn', 'champion', '--actor', 'cat', '--reason', 'rollback'])).code).toBe(0);
    expect((await runCli(project.dir, ['models', 'alias', 'delete', 'churn', 'champion'])).code).toBe(66);
    const audit = JSON.parse((await runCli(project.dir, ['models', 'audit', 'churn', '--json'])).stdout).events as { action: string; actor: string; from?: string; to?: string; reason?: string }[];
    expect(audit.filter((e) => e.action.startsWith('alias.')).map((e) => [e.action, e.actor, e.from, e.to, e.reason])).toEqual([
      ['alias.set', 'ann', undefined, '1', 'best auc'],
      ['alias.set', 'ben', '1', '2', undefined],
      ['alias.deleted', 'cat', '2', undefined, 'rollback'],
    ]);
    const table = await runCli(project.dir, ['models', 'audit', 'churn']);
    expect(table.stdout.split('\n')[0]).toMatch(/^TIME\s+ACTOR\s+ACTION\s+TARGET\s+FROM\s+TO\s+REASON$/);
  });

  it('lists versions newest first and shows one by URI', async () => {
    const versions = JSON.parse((await runCli(project.dir, ['models', 'versions', 'churn', '--json'])).stdout).versions as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    const latest = await runCli(project.dir, ['models', 'show', 'models:/churn/latest']);
    expect(latest.stdout).toMatch(/Version:\s+2/);
    const missing = await runCli(project.dir, ['models', 'versions', 'nope']);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toContain("registered model 'nope' not found");
  });

  it('traces lineage back to run, params, metrics, data and commit', async () => {
    const json = JSON.parse((await runCli(project.dir, ['models', 'lineage', 'models:/churn/1', '--json'])).stdout);
    expect(json).toEqual({
      model: 'churn', version: 1, runId, experimentId: expect.any(String), params: { lr: '0.05' }, metrics: { auc: 0.91 },
      inputs: [{ name: 'train.csv', digest: '0123456789abcdef0123456789abcdef', source: 'data/train.csv' }], gitCommit: 'abc123', gitDirty: false, stage: 'train',
    });
    const text = await runCli(project.dir, ['models', 'lineage', 'churn', '1']);
    expect(text.stdout).toContain('git commit: abc123');
    expect(text.stdout).toContain('train.csv  0123456789abcdef0123456789abcdef  data/train.csv');
  });
});
