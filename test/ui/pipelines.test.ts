import { describe, expect, it } from 'vitest';
import { pipelineProject } from '../../src/test-support/pipeline-project.js';
import { useUiServer } from '../../src/test-support/ui-server.js';

/** The Pipelines page against a real `paddock server` over a repro'd four-stage pipeline. */
describe('web UI: pipelines', () => {
  const env = useUiServer(pipelineProject, ['--no-triggers']);

  it("shows the DAG with each stage's status and the selected stage's last log", async () => {
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/pipelines`);
    const table = ui.page.getByRole('table', { name: 'Stage status' });
    await expect.poll(() => table.locator('tbody tr').count()).toBe(4);
    const status = async (stage: string) => (await table.locator(`tr[data-stage="${stage}"] td`).nth(1).textContent())?.trim();
    expect(await status('validate')).toBe('changed');
    expect(await status('prepare')).toBe('changed');
    expect(await status('train')).toBe('up to date');
    expect(await status('report')).toBe('failed');
    // The graph draws one node per stage, named with its status.
    const graph = ui.page.getByRole('group', { name: 'Pipeline stages' });
    await expect.poll(() => graph.getByRole('button').count()).toBe(4);
    expect(await graph.locator('path.dag-edge').count()).toBe(3);
    // The failed stage is selected first: its log says why.
    await expect.poll(() => ui.page.getByLabel('Log of stage report').textContent()).toContain('report exploded');
    expect(await ui.page.getByRole('region', { name: 'Stage report' }).textContent()).toContain('not in dvc.lock yet');
    await ui.page.getByRole('button', { name: 'Stage validate: changed' }).click();
    await expect.poll(() => ui.page.getByLabel('Log of stage validate').textContent()).toContain('3 rows');
    expect(await ui.page.getByRole('region', { name: 'Stage validate' }).textContent()).toContain('deps: data/raw.csv modified');
    expect(new URL(ui.page.url()).searchParams.get('stage')).toBe('validate');
    await ui.screenshot('pipelines');
    await ui.page.getByRole('button', { name: 'Stage train: up to date' }).press('Enter');
    await expect.poll(() => ui.page.getByLabel('Log of stage train').textContent()).toContain('trained a model');
    expect(ui.problems).toEqual([]);
  });

  it('links a stage output to its data page', async () => {
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/pipelines?stage=train`);
    await ui.page.getByRole('region', { name: 'Stage train' }).getByRole('link', { name: 'model.txt' }).click();
    await expect.poll(() => new URL(ui.page.url()).searchParams.get('path')).toBe('model.txt');
    await expect.poll(() => ui.page.getByRole('table', { name: 'Versions of model.txt' }).locator('tbody tr').count()).toBe(2);
    expect(ui.problems).toEqual([]);
  });
});
