// The web UI in headless Chromium (Debian's, through playwright-core) against a real
// `paddock server`: (1) first load of the runs page for an experiment of 10,000 runs, until
// the table has rendered rows (the page sets a performance mark), beside the same first-page
// search request timed alone from the same page; (2) a 100,000-point metric chart, from the
// run page's navigation to the chart drawn (a mark with the draw time from data), beside the
// series request alone; (3) the column chooser's key list (every param, metric and tag key of
// the 10,000 runs, one DISTINCT query per kind) beside the first-page search. Targets from
// issue 7: table < 1.5 s, chart < 500 ms.
import { existsSync } from 'node:fs';
import { startListening } from '../src/test-support/serve-process.ts';
import { launchBrowser, CHROMIUM } from '../src/test-support/browser.ts';
import { createExperiment, createManyRuns, createRun, logSeries } from '../test/ui/tracking-seed.ts';
import { fmtSeconds, initProject, removeDir, row, tempDir } from './lib.js';

const RUNS_MARK = 'paddock:runs-table-rendered';
const CHART_MARK = 'paddock:metric-chart-drawn:loss';

/** Best of `n` fresh page loads of `url`, each read as `measure(page)` seconds. */
async function bestLoad(browser, n, url, measure) {
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const ui = await browser.page();
    await ui.page.goto(url);
    min = Math.min(min, await measure(ui.page));
    if (ui.problems.length) throw new Error(`the page reported problems: ${ui.problems.join('; ')}`);
    await ui.page.close();
  }
  return min;
}

/** Waits for a mark and answers its time since navigation start, in seconds. */
const markTime = (name) => async (page) => {
  await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, name, { timeout: 60_000 }).catch(async (e) => {
    throw new Error(`no ${name} mark on ${page.url()}: ${(await page.locator("main").innerText()).slice(0, 500)}`, { cause: e });
  });
  return page.evaluate((m) => performance.getEntriesByName(m)[0].startTime / 1000, name);
};

/** The same request the page makes, timed inside the page (fetch plus reading the body). */
const requestTime = (path, init) => async (page) => page.evaluate(async ({ path, init }) => {
  const t0 = performance.now();
  const res = await fetch(path, init);
  await res.arrayBuffer();
  return (performance.now() - t0) / 1000;
}, { path, init });

export async function ui() {
  if (!existsSync(CHROMIUM)) return [row('web UI', 'skipped', '–', `no Chromium at ${CHROMIUM}`, '–', '–', null)];
  const small = Boolean(process.env.PADDOCK_BENCH_SMALL);
  const runs = small ? 1000 : 10_000;
  const dir = tempDir('ui');
  initProject(dir);
  const server = await startListening(dir, ['server', '--port', '0']);
  const browser = await launchBrowser();
  try {
    const exp = await createExperiment(server.url, 'bench-ui');
    await createManyRuns(server.url, exp, runs);
    const chartRun = await createRun(server.url, exp, { name: 'chart', metrics: { acc: 1 } });
    await logSeries(server.url, chartRun.runId, 'loss', Array.from({ length: 100_000 }, (_, s) => Math.exp(-s / 20_000) + 0.05 * Math.sin(s / 50)));

    // Warm the server's and the browser's caches of the built assets once, as a returning user.
    await bestLoad(browser, 1, `${server.url}/experiments/${exp}`, markTime(RUNS_MARK));
    const table = await bestLoad(browser, 5, `${server.url}/experiments/${exp}`, markTime(RUNS_MARK));
    const search = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experimentIds: [exp], maxResults: 200 }) };
    const searchAlone = await bestLoad(browser, 5, `${server.url}/experiments/${exp}`, requestTime('/api/v1/runs/search', search));
    const columns = await bestLoad(browser, 5, `${server.url}/experiments/${exp}`, requestTime(`/api/v1/experiments/${exp}/columns`));

    const runUrl = `${server.url}/runs/${chartRun.runId}`;
    const chart = await bestLoad(browser, 5, runUrl, markTime(CHART_MARK));
    const draw = await bestLoad(browser, 5, runUrl, async (page) => {
      await markTime(CHART_MARK)(page);
      return page.evaluate((m) => performance.getEntriesByName(m)[0].detail.drawMs / 1000, CHART_MARK);
    });
    const seriesAlone = await bestLoad(browser, 5, runUrl, requestTime(`/api/v1/runs/${chartRun.runId}/metrics/loss?format=f64&max_points=100000`));
    const r2 = (x) => (x).toFixed(2);
    return [
      row(`UI: runs table first load, ${runs.toLocaleString()} runs (navigation → rows rendered)`, fmtSeconds(table), fmtSeconds(searchAlone), 'its first-page search request alone', '< 1.5 s', `${r2(table / searchAlone)}×`, table < 1.5),
      row(`UI: column chooser's keys of ${runs.toLocaleString()} runs (GET /api/v1/experiments/{id}/columns)`, fmtSeconds(columns), fmtSeconds(searchAlone), 'its first-page search request alone', '–', `${r2(columns / searchAlone)}×`, null),
      row('UI: 100,000-point metric chart, navigation → drawn', fmtSeconds(chart), fmtSeconds(seriesAlone), 'its series request alone (f64)', '< 500 ms', `${r2(chart / seriesAlone)}×`, chart < 0.5),
      row('UI: 100,000-point metric chart, data → drawn (uPlot)', fmtSeconds(draw), fmtSeconds(seriesAlone), 'its series request alone (f64)', '< 500 ms', `${r2(draw / seriesAlone)}×`, draw < 0.5),
    ];
  } finally {
    await browser.close();
    await server.stop();
    removeDir(dir);
  }
}
