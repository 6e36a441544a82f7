import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UiBrowser } from '../../src/test-support/browser.js';
import { runCliOk, tempDir } from '../../src/test-support/cli.js';
import { startUiServer, type UiServer } from '../../src/test-support/ui-server.js';
import { createExperiment, createRun } from './tracking-seed.js';

/** The experiments page against a real `paddock server`: server-side sort and filter, column choice, selection to compare. */
describe('web UI: experiments and runs', () => {
  let env: UiServer;
  const project = tempDir();
  let experimentId: string;
  const runIds: string[] = [];

  beforeAll(async () => {
    await runCliOk(project.dir, ['init']);
    env = await startUiServer(project, []);
    experimentId = await createExperiment(env.url, 'ui-experiments');
    for (let i = 0; i < 30; i++) {
      const run = await createRun(env.url, experimentId, {
        name: `run-${String(i).padStart(2, '0')}`,
        params: { lr: String(0.001 * (i + 1)), model: i % 2 ? 'tree' : 'mlp' },
        metrics: { acc: ((i * 7) % 30) / 30, loss: 1 - ((i * 7) % 30) / 30 },
        startTime: 1_700_000_000_000 + i * 60_000,
      });
      runIds.push(run.runId);
    }
  }, 120_000);
  afterAll(async () => (env ? env.close() : project.cleanup()));

  const firstRunNames = (ui: Awaited<ReturnType<UiBrowser['page']>>, n: number) =>
    ui.page.locator('table[aria-label="Runs"] tbody tr[data-run-id] td:nth-child(2)').evaluateAll((cells, count) => cells.slice(0, count).map((c) => c.textContent), n);

  it('sorts and filters on the server, remembers the columns, and selects runs to compare', async () => {
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/experiments`);
    // The newest experiment is picked and its runs shown.
    await expect.poll(() => new URL(ui.page.url()).pathname).toBe(`/experiments/${experimentId}`);
    await expect.poll(() => ui.page.getByTestId('runs-count').textContent()).toBe('30 runs');
    expect(await ui.page.getByLabel('Experiment').inputValue()).toBe(experimentId);

    // Sort by a metric: highest first, then lowest first. run-17 has acc 29/30 ((17*7)%30 = 29); run-00 has 0.
    await ui.page.getByRole('button', { name: 'Sort by metrics.acc' }).click();
    await expect.poll(() => firstRunNames(ui, 1)).toEqual(['run-17']);
    expect(await ui.page.locator('th[aria-sort="descending"]').textContent()).toContain('acc');
    await ui.page.getByRole('button', { name: 'Sort by metrics.acc' }).click();
    await expect.poll(() => firstRunNames(ui, 1)).toEqual(['run-00']);
    await ui.screenshot('experiments');

    // Filter with the API's syntax.
    await ui.page.getByLabel('Filter runs').fill("params.model = 'tree' and metrics.acc >= 0.5");
    await ui.page.getByRole('button', { name: 'Filter', exact: true }).click();
    const expected = Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 2 === 1 && ((i * 7) % 30) / 30 >= 0.5).length;
    await expect.poll(() => ui.page.getByTestId('runs-count').textContent()).toBe(`${expected} runs`);
    const models = await ui.page.locator('table[aria-label="Runs"] tbody tr[data-run-id]').evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
    expect(models.every((t) => t.includes('tree'))).toBe(true);
    expect(new URL(ui.page.url()).searchParams.get('filter')).toContain("params.model = 'tree'");

    // A bad filter is named by the server's message.
    await ui.page.getByLabel('Filter runs').fill('metrics.acc >>> 1');
    await ui.page.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect.poll(() => ui.page.getByRole('alert').textContent()).toMatch(/filter/i);
    await ui.page.getByLabel('Filter runs').fill('');
    await ui.page.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect.poll(() => ui.page.getByTestId('runs-count').textContent()).toBe('30 runs');

    // Column choice: hide params.lr; it stays hidden after a reload.
    expect(await ui.page.getByRole('button', { name: 'Sort by params.lr' }).count()).toBe(1);
    await ui.page.getByText(/^Columns \(/).click();
    await ui.page.getByLabel('Show column params.lr').uncheck();
    expect(await ui.page.getByRole('button', { name: 'Sort by params.lr' }).count()).toBe(0);
    await ui.page.reload();
    await expect.poll(() => ui.page.getByTestId('runs-count').textContent()).toBe('30 runs');
    expect(await ui.page.getByRole('button', { name: 'Sort by params.model' }).count()).toBe(1);
    expect(await ui.page.getByRole('button', { name: 'Sort by params.lr' }).count()).toBe(0);

    // Select two runs and compare them.
    const compare = ui.page.getByRole('button', { name: /^Compare/ });
    expect(await compare.isDisabled()).toBe(true);
    await ui.page.getByLabel('Select run run-00').check();
    await ui.page.getByLabel('Select run run-01').check();
    expect(await compare.textContent()).toBe('Compare (2)');
    await compare.click();
    await expect.poll(() => new URL(ui.page.url()).pathname).toBe('/compare');
    expect(new URL(ui.page.url()).searchParams.get('runs')!.split(',').sort()).toEqual([runIds[0], runIds[1]].sort());
    await expect.poll(() => ui.page.getByRole('table', { name: 'Differences' }).isVisible()).toBe(true);

    // The bad filter's 400 is logged by Chromium as a failed resource load: expected, nothing else is.
    expect(ui.problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  }, 120_000);

  it('offers every key of the experiment in the column chooser, not only those of the runs shown', async () => {
    // Created after the first test, which expects its experiment to be the newest.
    const exp = await createExperiment(env.url, 'ui-columns');
    await createRun(env.url, exp, { name: 'shown', params: { common: 'x' }, metrics: { acc: 0.5 } });
    await createRun(env.url, exp, { name: 'hidden', params: { common: 'y', rare_param: '7' }, metrics: { rare_metric: 1 }, tags: { team: 'vision' } });
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/experiments/${exp}?${new URLSearchParams({ filter: "params.common = 'x'" })}`);
    await expect.poll(() => ui.page.getByTestId('runs-count').textContent()).toBe('1 runs');
    await ui.page.getByText(/^Columns \(/).click();
    // The loaded run has none of these keys: they come from GET /api/v1/experiments/{id}/columns.
    await expect.poll(() => ui.page.getByLabel('Show column params.rare_param').count()).toBe(1);
    expect(await ui.page.getByLabel('Show column metrics.rare_metric').count()).toBe(1);
    await ui.page.getByLabel('Show column tags.team').check();
    expect(await ui.page.getByRole('button', { name: 'Sort by tags.team' }).count()).toBe(1);
    // Without the filter the other run shows its tag in the new column.
    await ui.page.goto(`${env.url}/experiments/${exp}`);
    await expect.poll(() => ui.page.getByTestId('runs-count').textContent()).toBe('2 runs');
    await expect.poll(() => ui.page.locator('tr[data-run-id]', { hasText: 'hidden' }).textContent()).toContain('vision');
    expect(ui.problems).toEqual([]);
  }, 60_000);
});
