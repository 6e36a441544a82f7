/**
 * The web UI's tour over the quickstart's real data, declared by test/e2e/quickstart.test.ts over
 * the quickstart it ran (running it twice would cost minutes): every page opened in Debian's
 * Chromium, what it shows checked against what the quickstart did, compare, rollback and promote
 * clicked through, and a screenshot of each page saved as docs/screenshots/quickstart-<page>.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type UiBrowser, type UiPage } from '../../src/test-support/browser.js';

/** Where the tour finds the quickstart: the URL of the `paddock server --deployment flights` it left running. */
export interface TourTarget {
  readonly url: string;
}

interface Policy {
  readonly stable: string;
  readonly candidates: readonly { readonly version: string; readonly weight: number }[];
}

/** Declares the tour's tests; `target()` is read once the quickstart has run. */
export function describeWebTour(target: () => TourTarget): void {
  describe('web UI over the quickstart', () => {
    let browser: UiBrowser;
    let url: string;
    beforeAll(async () => {
      url = target().url;
      browser = await launchBrowser();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    const open = async (path: string): Promise<UiPage> => {
      const ui = await browser.page();
      await ui.page.goto(`${url}${path}`);
      return ui;
    };
    const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
      const r = await fetch(`${url}${path}`, init);
      expect(r.status, `${init?.method ?? 'GET'} ${path}`).toBe(200);
      return (await r.json()) as T;
    };
    const texts = async (ui: UiPage, selector: string) => (await ui.page.locator(selector).allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());

    it('Experiments lists the quickstart runs with their params and metrics; Compare diffs two training runs', async () => {
      const ui = await open('/experiments');
      await ui.page.getByRole('combobox', { name: /^Experiment/ }).selectOption({ label: 'quickstart' });
      const table = ui.page.getByRole('table', { name: 'Runs' });
      await expect.poll(() => table.locator('tbody tr[data-run-id]').count(), { timeout: 15_000 }).toBe(4);
      const names = await texts(ui, 'tbody tr[data-run-id] td:nth-child(2)');
      expect(names.sort()).toEqual(['evaluate model', 'evaluate model', 'train model', 'train model']);
      const headers = await texts(ui, 'table[aria-label="Runs"] thead th');
      // Default columns: params that differ between runs (none here: each run logs the same values as its twin), then metrics, the headline roc_auc first.
      expect(headers.find((h) => /^metric /.test(h))).toBe('metric roc_auc');
      expect(headers).not.toContain('param n_estimators');
      await ui.screenshot('quickstart-experiments');

      const trains = table.locator('tbody tr[data-run-id]', { hasText: 'train model' });
      await trains.nth(0).getByRole('checkbox').check();
      await trains.nth(1).getByRole('checkbox').check();
      await ui.page.getByRole('button', { name: 'Compare (2)' }).click();
      await ui.page.getByRole('heading', { name: 'Compare 2 runs' }).waitFor();
      const diff = ui.page.getByRole('table', { name: 'Differences' });
      await expect.poll(() => diff.locator('tbody tr').count()).toBeGreaterThan(20);
      const rows = new Map(await diff.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')!.textContent!.trim(), tr.getAttribute('data-differs')] as [string, string])));
      // Version 1's and version 2's training: the same params (n_estimators 100 both times), other data (January, then through April).
      expect(rows.get('param n_estimators')).toBe('false');
      expect(rows.get('param max_depth')).toBe('false');
      expect(rows.get('data data/features')).toBe('true');
      expect(rows.get('metric train_roc_auc')).toBe('true');
      expect(await diff.getByRole('row', { name: /^param n_estimators/ }).locator('td').allTextContents()).toEqual(['100', '100']);
      // Charts: the overlaid metric charts and the parallel-coordinates plot are drawn.
      await expect.poll(() => ui.page.locator('section[aria-labelledby="overlay-h"] canvas, section[aria-labelledby="overlay-h"] svg').count()).toBeGreaterThan(0);
      await expect.poll(() => ui.page.getByRole('img', { name: /^Parallel coordinates of params against/ }).count()).toBe(1);
      await ui.page.getByLabel('Only differences').check();
      await expect.poll(() => diff.locator('tbody tr[data-differs="false"]').count()).toBe(0);
      await ui.screenshot('quickstart-compare');
      expect(ui.problems).toEqual([]);
    }, 60_000);

    it('a training run shows its params, metrics, data inputs, stage and commit', async () => {
      const ui = await open('/experiments');
      await ui.page.getByRole('combobox', { name: /^Experiment/ }).selectOption({ label: 'quickstart' });
      await ui.page.getByRole('table', { name: 'Runs' }).getByRole('link', { name: 'train model' }).first().click();
      await ui.page.getByRole('heading', { name: /^Run train model/ }).waitFor();
      const params = await texts(ui, 'table[aria-label="Params"] tr');
      expect(params).toEqual(expect.arrayContaining(['n_estimators100', 'max_depth6', 'min_samples_leaf50']));
      await expect.poll(() => ui.page.getByRole('table', { name: 'Latest metrics' }).locator('tbody tr').count()).toBeGreaterThan(0);
      // It read the features the pipeline made, at the version its stage recorded.
      const input = ui.page.getByRole('table', { name: 'Data inputs' }).getByRole('link', { name: 'data/features' });
      expect(await input.getAttribute('href')).toMatch(/^\/data\?path=data%2Ffeatures&md5=[0-9a-f]{32}\.dir$/);
      // And the landed data version the features came from (dvc.yaml lists it for the lineage).
      expect(await ui.page.getByRole('table', { name: 'Data inputs' }).getByRole('link', { name: 'data/flights.parquet' }).getAttribute('href')).toMatch(/^\/data\?path=data%2Fflights\.parquet&md5=[0-9a-f]{32}$/);
      expect(await texts(ui, 'table[aria-label="Data inputs"] tbody td:nth-child(4)')).toEqual(['train', 'train']);
      expect(await ui.page.getByTestId('run-stage').textContent()).toBe('train');
      expect(await ui.page.getByTestId('run-commit').textContent()).toMatch(/^[0-9a-f]{12}/);
      await ui.screenshot('quickstart-run');
      expect(ui.problems).toEqual([]);
    }, 60_000);

    it('Pipelines shows the five stages of dvc.yaml, all up to date, with the last run\'s log', async () => {
      const ui = await open('/pipelines');
      const table = ui.page.getByRole('table', { name: 'Stage status' });
      await expect.poll(() => table.locator('tbody tr').count(), { timeout: 15_000 }).toBe(5);
      expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stage')))).toEqual(['validate', 'featurize', 'train', 'evaluate', 'register']);
      expect(await texts(ui, 'table[aria-label="Stage status"] tbody td:nth-child(2)')).toEqual(Array(5).fill('up to date'));
      expect(await ui.page.getByLabel('Pipeline summary').textContent()).toContain('5 up to date');
      await table.getByRole('button', { name: 'featurize' }).click();
      await expect.poll(() => ui.page.getByLabel('Log of stage featurize').textContent()).toContain('featurized 1978941 flights');
      await ui.screenshot('quickstart-pipelines');
      expect(ui.problems).toEqual([]);
    }, 60_000);

    it('Data shows data/flights.parquet with its two versions and their validation reports', async () => {
      const ui = await open('/data');
      const table = ui.page.getByRole('table', { name: 'Tracked data' });
      await table.getByRole('button', { name: 'data/flights.parquet' }).click();
      const versions = ui.page.getByRole('table', { name: 'Versions of data/flights.parquet' });
      await expect.poll(() => versions.locator('tbody tr').count(), { timeout: 15_000 }).toBe(2);
      await expect.poll(() => texts(ui, 'table[aria-label="Versions of data/flights.parquet"] tbody td:nth-child(8)')).toEqual(['passed', 'passed']);
      const validations = ui.page.getByRole('table', { name: 'Validations' });
      await expect.poll(() => validations.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
      await validations.getByRole('button', { name: /^Show the report/ }).first().click();
      await expect.poll(() => ui.page.frameLocator('iframe[title^="Validation report"]').locator('body').textContent()).toContain('passed');
      await ui.screenshot('quickstart-data');
      expect(ui.problems).toEqual([]);
    }, 60_000);

    it('Models shows flights-late with versions 1 and 2, champion on 2, its lineage to run, data and commit, and the audit log', async () => {
      const ui = await open('/models');
      const models = ui.page.getByRole('table', { name: 'Registered models' });
      const row = models.getByRole('row', { name: /flights-late/ });
      await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('v2');
      expect(await row.textContent()).toContain('champion');
      await ui.screenshot('quickstart-models');
      await row.getByRole('link', { name: 'flights-late' }).click();
      const versions = ui.page.getByRole('table', { name: 'Versions of flights-late' });
      await expect.poll(() => texts(ui, 'table[aria-label="Versions of flights-late"] tbody td:first-child')).toEqual(['v2', 'v1']);
      expect((await versions.locator('tbody tr').first().textContent())).toContain('@champion');
      const audit = ui.page.getByRole('table', { name: 'Audit log of flights-late' });
      await expect.poll(() => audit.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
      await ui.screenshot('quickstart-model');
      await versions.getByRole('link', { name: 'v2' }).click();
      const graph = ui.page.getByRole('group', { name: 'Lineage of flights-late version 2' });
      await graph.waitFor();
      const nodes = await graph.locator('[aria-label]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      expect(nodes.some((n) => /^Run [0-9a-f]+/.test(n))).toBe(true);
      expect(nodes.some((n) => /^Data data\/features, md5 [0-9a-f]{32}/.test(n))).toBe(true);
      expect(nodes.some((n) => /^Git commit [0-9a-f]{40}/.test(n))).toBe(true);
      await expect.poll(() => ui.page.getByRole('table', { name: 'Audit log of flights-late version 2' }).locator('tbody tr').count()).toBeGreaterThan(0);
      await ui.screenshot('quickstart-model-version');
      expect(ui.problems).toEqual([]);
    }, 60_000);

    it('Deployments: flights serves 2; Rollback returns it to 1, and Promote makes a canary of 2 stable again', async () => {
      const ui = await open('/deployments');
      const row = ui.page.getByRole('table', { name: 'Deployments' }).getByRole('row', { name: /flights/ });
      await expect.poll(() => row.getByRole('img').getAttribute('aria-label'), { timeout: 15_000 }).toMatch(/^Traffic of flights: stable v2 100%/);
      await ui.screenshot('quickstart-deployments');
      await row.getByRole('link', { name: 'flights', exact: true }).click();
      await expect.poll(() => ui.page.getByTestId('stable-version').textContent()).toBe('v2');
      await expect.poll(() => ui.page.getByRole('table', { name: 'Canary analysis steps' }).locator('tbody tr').count()).toBeGreaterThanOrEqual(3);

      await ui.page.getByRole('button', { name: 'Rollback' }).click();
      await expect.poll(() => ui.page.getByRole('status').textContent()).toContain('Rolled back: stable is now v1');
      await expect.poll(() => ui.page.getByTestId('stable-version').textContent()).toBe('v1');
      expect((await api<{ policy: Policy }>('/api/v1/deployments/flights')).policy).toMatchObject({ stable: '1', candidates: [] });

      // A canary of version 2 at 10%, set through the API as a script would, then promoted from the page.
      const { revision } = await api<{ revision: number }>('/api/v1/deployments/flights');
      await api('/api/v1/deployments/flights', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ candidates: [{ version: '2', weight: 10 }], expectedRevision: revision, reason: 'quickstart web tour: a canary to promote' }) });
      await expect.poll(() => ui.page.getByRole('img', { name: /^Traffic split:/ }).getAttribute('aria-label'), { timeout: 10_000 }).toContain('canary v2 10%');
      await ui.page.getByRole('button', { name: 'Promote' }).click();
      await expect.poll(() => ui.page.getByRole('status').textContent()).toContain('Promoted: stable is now v2');
      await expect.poll(() => ui.page.getByTestId('stable-version').textContent()).toBe('v2');
      expect((await api<{ policy: Policy }>('/api/v1/deployments/flights')).policy).toMatchObject({ stable: '2', candidates: [] });
      const history = ui.page.getByRole('table', { name: 'Deployment history' });
      await expect.poll(() => texts(ui, 'table[aria-label="Deployment history"] tbody tr:first-child td:nth-child(3)')).toEqual(['promoted']);
      expect((await history.locator('tbody tr').nth(1).locator('td').allTextContents())[5]).toBe('quickstart web tour: a canary to promote');
      expect((await history.locator('tbody tr').nth(2).locator('td').allTextContents()).slice(2, 6)).toEqual(['rolled-back', 'anonymous', 'stable 1', 'rollback from the web UI']);
      await ui.screenshot('quickstart-deployment');
      expect(ui.problems).toEqual([]);
    }, 60_000);

    it('Monitoring shows the drift windows, roc_auc over time, the auc-decay alert with its numbers and the retraining chain', async () => {
      const ui = await open('/monitoring');
      await expect.poll(() => ui.page.getByRole('table', { name: 'Alerts' }).locator('tr[data-rule="auc-decay"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await expect.poll(() => ui.page.getByRole('article', { name: /^Retraining alert-flights-auc-decay-/ }).count()).toBe(1);
      await ui.screenshot('quickstart-monitoring');
      await ui.page.getByRole('link', { name: 'flights', exact: true }).click();
      await ui.page.getByRole('heading', { name: 'Monitoring flights' }).waitFor();
      // The page starts with the project's own window (monitoring.window: 10s).
      await expect.poll(() => ui.page.getByRole('combobox', { name: /^Windows/ }).locator('option:checked').textContent(), { timeout: 15_000 }).toBe('60 × 10s (project)');
      // The quickstart's traffic came in a few minutes: minute windows resolve it into a series, however long ago it was.
      await ui.page.getByRole('combobox', { name: /^Windows/ }).selectOption('60 × 1m');
      await expect.poll(() => ui.page.locator('article.column-drift').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      const columns = await ui.page.locator('article.column-drift').evaluateAll((els) => els.map((e) => e.getAttribute('data-column')));
      expect(columns).toEqual(expect.arrayContaining(['hour', 'weekday', 'distance', 'origin']));
      await expect.poll(() => ui.page.getByText(/^\d+ of \d+ windows with data show dataset drift/).textContent(), { timeout: 15_000 }).toMatch(/of ([2-9]|\d\d+) windows/);
      const scores = ui.page.getByRole('img', { name: 'Drift score per column over time' });
      expect(Number(await scores.getAttribute('data-points'))).toBeGreaterThanOrEqual(8);
      const performance = ui.page.getByRole('img', { name: 'Performance over time: realized and estimated' });
      await expect.poll(() => performance.locator('.u-legend').textContent()).toContain('roc_auc (realized)');
      expect(Number(await performance.getAttribute('data-points'))).toBeGreaterThan(0);
      const alert = await texts(ui, 'table[aria-label="Alerts"] tr[data-rule="auc-decay"]');
      expect(alert[0]).toMatch(/fired.*roc_auc.*0\.6[0-5]/);
      const chain = ui.page.getByRole('article', { name: /^Retraining alert-flights-auc-decay-/ });
      const links = (await chain.locator('li.chain-link > strong').allTextContents()).map((t) => t.trim());
      expect(links.length).toBeGreaterThanOrEqual(4);
      await ui.screenshot('quickstart-monitoring-flights');
      expect(ui.problems).toEqual([]);
    }, 60_000);
  });
}
