import { describe, expect, it } from 'vitest';
import { pipelineProject } from '../../src/test-support/pipeline-project.js';
import { useUiServer } from '../../src/test-support/ui-server.js';

/** The Data page against a real `paddock server`: tracked versions, git history, validation reports. */
describe('web UI: data', () => {
  const env = useUiServer(pipelineProject, ['--no-triggers']);

  it('lists tracked data, shows a path’s versions across commits with their validation, and opens the report', async () => {
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/data`);
    const data = ui.page.getByRole('table', { name: 'Tracked data' });
    await expect.poll(() => data.locator('tbody tr').count()).toBe(4);
    expect(await data.locator('tr[data-path="data/raw.csv"]').textContent()).toContain('data/raw.csv.dvc');
    expect(await data.locator('tr[data-path="model.txt"]').textContent()).toContain('stage train');
    await data.getByRole('button', { name: 'data/raw.csv' }).click();
    expect(new URL(ui.page.url()).searchParams.get('path')).toBe('data/raw.csv');
    const history = ui.page.getByRole('table', { name: 'Versions of data/raw.csv' });
    await expect.poll(() => history.locator('tbody tr').count()).toBe(3);
    const row = (commit: string) => history.locator(`tr[data-commit="${commit}"]`);
    expect(await row('workspace').textContent()).toContain('uncommitted');
    expect(await row(env.project.commits[1]!).textContent()).toMatch(/Ada.*add Cairo/);
    // Each committed version was validated by the pipeline; the workspace's was not.
    await expect.poll(() => row(env.project.commits[0]!).locator('td').last().textContent()).toBe('passed');
    expect(await row('workspace').locator('td').last().textContent()).toBe('—');
    const validations = ui.page.getByRole('table', { name: 'Validations' });
    await expect.poll(() => validations.locator('tbody tr').count()).toBe(2);
    await validations.getByRole('button', { name: 'Show the report reports/validation.html' }).first().click();
    const frame = ui.page.getByTitle('Validation report reports/validation.html');
    await expect.poll(() => frame.isVisible()).toBe(true);
    await expect.poll(async () => (await frame.getAttribute('srcdoc'))?.length ?? 0).toBeGreaterThan(100);
    expect(await ui.page.getByRole('link', { name: 'Open the HTML report in a new tab' }).getAttribute('href')).toMatch(/^blob:/);
    await ui.screenshot('data');
    expect(ui.problems).toEqual([]);
  });

  it('shows the API’s error message for a path that is not tracked', async () => {
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/data?path=nowhere.csv`);
    await expect.poll(() => ui.page.getByRole('alert').textContent()).toContain("'nowhere.csv' is not tracked data");
    // The 404 answer is logged by Chromium as a failed resource: expected here.
    expect(ui.problems.filter((p) => !/404/.test(p))).toEqual([]);
  });
});
