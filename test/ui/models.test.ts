import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliOk, tempDir } from '../../src/test-support/cli.js';
import { startUiServer, type UiServer } from '../../src/test-support/ui-server.js';

/** The model registry pages against a real `paddock server`: models, versions, aliases, lineage, audit log. */
describe('web UI: model registry', () => {
  let env: UiServer;
  const project = tempDir();
  let runId: string;
  const commit = 'c0ffee'.padEnd(40, '0');

  beforeAll(async () => {
    await runCliOk(project.dir, ['init']);
    mkdirSync(path.join(project.dir, 'model'));
    writeFileSync(path.join(project.dir, 'model', 'weights.bin'), 'w');
    env = await startUiServer(project, ['--no-triggers']);
    // A training run with the tags and inputs a pipeline's run carries, through the public APIs.
    const post = async (route: string, body: unknown) => {
      const res = await fetch(`${env.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
      const text = await res.text();
      return (text ? JSON.parse(text) : {}) as { experimentId: string; info: { runId: string } };
    };
    const exp = await post('/api/v1/experiments', { name: 'training' });
    runId = (await post('/api/v1/runs', { experimentId: exp.experimentId, runName: 'train' })).info.runId;
    await post(`/api/v1/runs/${runId}/log-batch`, {
      params: [{ key: 'learning_rate', value: '0.1' }],
      metrics: [{ key: 'auc', value: 0.912, timestamp: Date.now(), step: 0 }],
      tags: [{ key: 'paddock.git.commit', value: commit }, { key: 'paddock.stage', value: 'train' }],
    });
    await post('/api/2.0/mlflow/runs/log-inputs', { run_id: runId, datasets: [{ dataset: { name: 'data/features', digest: 'ab12cd34ef56ab12cd34ef56ab12cd34.dir', source_type: 'dvc', source: 'data/features' } }] });
    await runCliOk(project.dir, ['models', 'register', 'flights-late', 'model', '--run', runId, '--actor', 'seed']);
    await runCliOk(project.dir, ['models', 'register', 'flights-late', 'model', '--actor', 'seed']);
    await runCliOk(project.dir, ['models', 'alias', 'set', 'flights-late', 'champion', '1', '--actor', 'alice', '--reason', 'first champion']);
    await runCliOk(project.dir, ['models', 'alias', 'set', 'flights-late', 'champion', '2', '--actor', 'bob', '--reason', 'better on May traffic']);
    await runCliOk(project.dir, ['models', 'alias', 'set', 'flights-late', 'challenger', '1', '--actor', 'bob']);
  }, 120_000);
  afterAll(async () => (env ? env.close() : project.cleanup()));

  it('lists models with aliases, a model’s versions and its audit log of alias moves', async () => {
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/models`);
    const models = ui.page.getByRole('table', { name: 'Registered models' });
    await expect.poll(() => models.locator('tbody tr').count()).toBe(1);
    const row = await models.locator('tbody tr').textContent();
    expect(row).toContain('flights-late');
    expect(row).toContain('@champion → v2');
    expect(row).toContain('@challenger → v1');
    await models.getByRole('link', { name: 'flights-late' }).click();
    const versions = ui.page.getByRole('table', { name: 'Versions of flights-late' });
    await expect.poll(() => versions.locator('tbody tr').count()).toBe(2);
    expect(await versions.locator('tbody tr').first().textContent()).toMatch(/^v2@champion/);
    const audit = ui.page.getByRole('table', { name: 'Audit log of flights-late' });
    await expect.poll(() => audit.locator('tr[data-action="alias.set"]').count()).toBe(3);
    const moves = await audit.locator('tr[data-action="alias.set"]').allTextContents();
    expect(moves[1]).toMatch(/@champion1 → 2bobbetter on May traffic/);
    expect(moves[2]).toMatch(/@champion∅ → 1alicefirst champion/);
    await ui.screenshot('models');
    expect(ui.problems).toEqual([]);
  });

  it('draws a version’s lineage back to run, data, commit and stage, and links to them', async () => {
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/models/flights-late/versions/1`);
    const graph = ui.page.getByRole('group', { name: 'Lineage of flights-late version 1' });
    await expect.poll(() => graph.getByRole('button').count()).toBe(5);
    for (const name of ['Data data/features, md5 ab12cd34ef56ab12cd34ef56ab12cd34.dir', `Git commit ${commit}`, 'Pipeline stage train', `Run ${runId}`, 'Model flights-late version 1']) {
      expect(await graph.getByRole('button', { name }).count()).toBe(1);
    }
    expect(await graph.locator('path.dag-edge').count()).toBe(4);
    expect(await ui.page.getByRole('table', { name: 'Metrics' }).textContent()).toContain('auc0.9120');
    expect(await ui.page.getByRole('table', { name: 'Params' }).textContent()).toContain('learning_rate0.1');
    const audit = ui.page.getByRole('table', { name: 'Audit log of flights-late version 1' });
    await expect.poll(() => audit.locator('tr[data-action="alias.set"]').count()).toBe(2);
    await ui.screenshot('lineage');
    expect(ui.problems).toEqual([]);
    await graph.getByRole('button', { name: 'Data data/features, md5 ab12cd34ef56ab12cd34ef56ab12cd34.dir' }).click();
    await expect.poll(() => `${new URL(ui.page.url()).pathname}?${new URL(ui.page.url()).searchParams}`).toBe('/data?path=data%2Ffeatures');
    await ui.page.goBack();
    await graph.getByRole('button', { name: `Run ${runId}` }).click();
    await expect.poll(() => new URL(ui.page.url()).pathname).toBe(`/runs/${runId}`);
  });

  it('shows the API’s message for a version that does not exist', async () => {
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/models/flights-late/versions/9`);
    await expect.poll(() => ui.page.getByRole('alert').first().textContent()).toMatch(/Could not load flights-late version 9: .*9/);
    expect(ui.problems.filter((p) => !/404/.test(p))).toEqual([]);
  });
});
