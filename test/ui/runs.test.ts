import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliOk, tempDir } from '../../src/test-support/cli.js';
import { startUiServer, type UiServer } from '../../src/test-support/ui-server.js';
import { createExperiment, createRun, logInput, logSeries, tinyPng, writeArtifacts, type SeededRun } from './tracking-seed.js';

/** The run and compare pages against a real `paddock server`. */
describe('web UI: run detail and compare', () => {
  let env: UiServer;
  const project = tempDir();
  let runs: SeededRun[];
  const COMMIT = '0123456789abcdef0123456789abcdef01234567';

  beforeAll(async () => {
    await runCliOk(project.dir, ['init']);
    env = await startUiServer(project, []);
    const exp = await createExperiment(env.url, 'ui-runs');
    runs = [];
    for (let i = 0; i < 3; i++) {
      runs.push(await createRun(env.url, exp, {
        name: `cmp-${i}`,
        params: { lr: String(0.01 * (i + 1)), model: 'mlp', depth: String(3 + i) },
        metrics: { auc: 0.7 + i * 0.1 },
        tags: { 'paddock.stage': 'train', 'paddock.git.commit': COMMIT, 'mlflow.source.git.commit': COMMIT, 'paddock.git.dirty': 'false' },
      }));
      await logSeries(env.url, runs[i]!.runId, 'val_loss', Array.from({ length: 200 }, (_, s) => (1 + i) / (1 + s / 10)));
    }
    // The first run has a 100,000-point series, a data input and artifacts of every previewed kind.
    await logSeries(env.url, runs[0]!.runId, 'loss', Array.from({ length: 100_000 }, (_, s) => 2 * Math.exp(-s / 20_000) + 0.05 * Math.sin(s / 50)));
    await logInput(env.url, runs[0]!.runId, { name: 'data/train.csv', digest: 'd41d8cd98f00b204e9800998ecf8427e', source: 'data/train.csv', context: 'train' });
    writeArtifacts(runs[0]!, {
      'metrics.json': '{"auc":0.9,"classes":["a","b"]}',
      'notes.txt': 'trained on the January data\n',
      'reports/report.html': '<html><body><h1 id="title">Evaluation report</h1><script>parent.document.title = "escaped"</script></body></html>',
      'plots/confusion.png': tinyPng(16),
    });
  }, 120_000);
  afterAll(async () => (env ? env.close() : project.cleanup()));

  it('shows params, source, inputs, a 100,000-point chart with its controls and artifact previews', async () => {
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/runs/${runs[0]!.runId}`);
    await expect.poll(() => ui.page.getByRole('heading', { level: 1 }).textContent()).toContain('cmp-0');
    const params = ui.page.getByRole('table', { name: 'Params' });
    expect(await params.getByRole('row', { name: /lr/ }).textContent()).toContain('0.01');
    expect(await ui.page.getByTestId('run-stage').textContent()).toBe('train');
    expect(await ui.page.getByTestId('run-commit').textContent()).toContain(COMMIT.slice(0, 12));
    const input = ui.page.getByRole('table', { name: 'Data inputs' }).getByRole('link', { name: 'data/train.csv' });
    expect(await input.getAttribute('href')).toBe('/data?path=data%2Ftrain.csv&md5=d41d8cd98f00b204e9800998ecf8427e');

    // The whole 100,000-point series is drawn (no downsampling below the limit) on a canvas.
    const chart = ui.page.getByRole('img', { name: 'loss by step', exact: true });
    await expect.poll(() => chart.getAttribute('data-points'), { timeout: 20_000 }).toBe('100000');
    expect(await chart.locator('canvas').count()).toBe(1);
    expect(await ui.page.evaluate(() => performance.getEntriesByName('paddock:metric-chart-drawn:loss').length)).toBe(1);
    // Axis, smoothing and log scale redraw the chart under its new name and legend.
    await ui.page.getByLabel('X axis').selectOption('relative');
    await expect.poll(() => ui.page.getByRole('img', { name: 'loss by relative', exact: true }).count()).toBe(1);
    await ui.page.getByLabel('Smoothing').fill('0.9');
    await expect.poll(() => ui.page.getByRole('img', { name: 'loss by relative', exact: true }).locator('.u-legend').textContent()).toContain('loss (raw)');
    await ui.page.getByLabel('Log scale').check();
    expect(await ui.page.getByRole('img', { name: 'loss by relative', exact: true }).locator('canvas').count()).toBe(1);

    // Artifacts: JSON pretty-printed, text, an image, an HTML report in a sandbox without scripts.
    await ui.page.getByRole('button', { name: 'Preview metrics.json' }).click();
    await expect.poll(() => ui.page.getByTestId('artifact-text').textContent()).toContain('"auc": 0.9');
    await ui.page.getByRole('button', { name: 'Preview notes.txt' }).click();
    await expect.poll(() => ui.page.getByTestId('artifact-text').textContent()).toBe('trained on the January data\n');
    await ui.page.getByRole('button', { name: 'Open folder plots' }).click();
    await ui.page.getByRole('button', { name: 'Preview confusion.png' }).click();
    const img = ui.page.getByRole('img', { name: 'plots/confusion.png', exact: true });
    await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(16);
    await ui.page.getByRole('button', { name: 'artifacts', exact: true }).click();
    await ui.page.getByRole('button', { name: 'Open folder reports' }).click();
    await ui.page.getByRole('button', { name: 'Preview report.html' }).click();
    const frame = ui.page.getByTitle('HTML report reports/report.html');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await expect.poll(() => ui.page.frameLocator('iframe[title="HTML report reports/report.html"]').locator('#title').textContent()).toBe('Evaluation report');
    expect(await ui.page.title()).not.toBe('escaped');
    await ui.page.getByRole('button', { name: 'artifacts', exact: true }).click();
    await ui.page.getByRole('button', { name: 'Preview metrics.json' }).click();
    await ui.page.getByLabel('Log scale').uncheck();
    await ui.page.getByLabel('Smoothing').fill('0.6');
    await ui.screenshot('run');
    // The sandbox blocks the report's script: Chromium reports that as a console error, which is the point.
    expect(ui.problems.filter((p) => !/sandboxed|allow-scripts/.test(p))).toEqual([]);
  }, 120_000);

  it('compares runs: diff table with differences marked, overlaid charts, parallel coordinates', async () => {
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/compare?runs=${runs.map((r) => r.runId).join(',')}`);
    const diff = ui.page.getByRole('table', { name: 'Differences' });
    await expect.poll(() => diff.isVisible()).toBe(true);
    expect(await diff.getByRole('row', { name: /lr/ }).getAttribute('data-differs')).toBe('true');
    expect(await diff.getByRole('row', { name: /model/ }).getAttribute('data-differs')).toBe('false');
    expect(await diff.getByRole('row', { name: /auc/ }).textContent()).toContain('0.9000');
    await ui.page.getByLabel('Only differences').check();
    expect(await diff.getByRole('row', { name: /model/ }).count()).toBe(0);
    expect(await diff.getByRole('row', { name: /depth/ }).count()).toBe(1);
    await ui.page.getByLabel('Only differences').uncheck();

    const overlay = ui.page.getByRole('img', { name: 'auc of 3 runs by step', exact: true });
    await expect.poll(() => overlay.locator('canvas').count(), { timeout: 20_000 }).toBe(1);
    // The first two metrics are charted; val_loss is added from the picker. loss is run cmp-0's alone.
    expect(await ui.page.getByRole('img', { name: 'loss of 1 runs by step', exact: true }).count()).toBe(1);
    await ui.page.getByRole('checkbox', { name: 'val_loss', exact: true }).check();
    await expect.poll(() => ui.page.getByRole('img', { name: 'val_loss of 3 runs by step', exact: true }).locator('.u-legend').textContent()).toContain('cmp-2');

    const pc = ui.page.getByRole('img', { name: 'Parallel coordinates of params against auc', exact: true });
    expect(await pc.locator('path').count()).toBe(3);
    expect(await pc.locator('text').allTextContents()).toEqual(expect.arrayContaining(['lr', 'depth', 'auc']));
    await ui.page.getByLabel('Metric to plot against').selectOption('val_loss');
    expect(await ui.page.getByRole('img', { name: 'Parallel coordinates of params against val_loss', exact: true }).count()).toBe(1);
    await ui.page.getByLabel('Metric to plot against').selectOption('auc');
    await ui.screenshot('compare');
    expect(ui.problems).toEqual([]);
  }, 120_000);
});
