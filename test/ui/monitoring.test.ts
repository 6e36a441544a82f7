import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useUiServer } from '../../src/test-support/ui-server.js';
import { monitoredProject } from './fixtures/monitored-project.js';

/**
 * The Monitoring pages against a real `paddock server` over a project whose deployment has two
 * hours of logged traffic (the last hour's numeric inputs shifted), labels for part of the first
 * hour, a recorded drift alert and the retraining it caused. The project monitors 30-minute
 * windows (`monitoring.window`), which the page starts with.
 */
describe('web UI: monitoring', () => {
  const env = useUiServer(async () => {
    const project = await monitoredProject();
    appendFileSync(path.join(project.dir, 'paddock.yaml'), '\nmonitoring:\n  window: 30m\n');
    return project;
  }, ['--no-triggers']);

  it('shows drift per column with histograms, performance, the alert with its numbers and the retraining chain', async () => {
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/monitoring`);
    await ui.page.getByRole('link', { name: 'web' }).click();
    const column = (name: string) => ui.page.getByRole('article', { name: `Column ${name}` });
    await expect.poll(() => column('x1').isVisible(), { timeout: 20_000 }).toBe(true);
    // The window picker starts with the project's own window, as the server answered it.
    await expect.poll(() => ui.page.getByRole('combobox', { name: /^Windows/ }).locator('option:checked').textContent()).toBe('48 × 30m (project)');
    // The last hour was shifted by 5 std in x1 and x2 only.
    expect(await column('x1').getByText('drift', { exact: true }).count()).toBe(1);
    expect(await column('x2').getByText('drift', { exact: true }).count()).toBe(1);
    expect(await column('color').getByText('no drift', { exact: true }).count()).toBe(1);
    expect(await column('x1').getByRole('img', { name: 'x1: reference vs current' }).locator('rect').count()).toBeGreaterThan(2);
    expect(await ui.page.getByText('Dataset drift', { exact: true }).count()).toBe(1);
    await expect.poll(() => ui.page.getByRole('img', { name: 'Drift score per column over time' }).locator('canvas').count()).toBe(1);
    expect(await ui.page.getByRole('img', { name: 'Performance over time: realized and estimated' }).locator('canvas').count()).toBe(1);
    expect(await ui.page.getByText(/^60 labeled rows in these windows/).count()).toBe(1);
    // The recorded alert, with the value that fired it, its condition and the window's samples.
    const alert = ui.page.getByRole('table', { name: 'Alerts' }).locator(`tr[data-rule="x1-drift"]`).first();
    const text = await alert.textContent();
    expect(text).toContain('column_drift of x1');
    expect(text).toContain('0.4213');
    expect(text).toContain('column_drift(x1) > 0.1');
    expect(text).toContain('0.421 (75)');
    // The retraining it caused, with each link of its chain.
    const chain = ui.page.getByRole('article', { name: 'Retraining rt-ui-1' });
    const links = (await chain.locator('li.chain-link > strong').allTextContents());
    expect(links).toEqual(['alert', 'trigger', 'data', 'run', 'evaluation', 'canary', 'promotion']);
    expect(await chain.locator('li.chain-link').first().textContent()).toContain('column_drift of x1 = 0.4213 (column_drift(x1) > 0.1) over 1 window(s)');
    await ui.page.getByRole('heading', { name: /^Drift per column/ }).evaluate((h) => h.scrollIntoView());
    await ui.screenshot('monitoring');
    expect(ui.problems).toEqual([]);
  }, 60_000);

  it('the API: windows with drift, alerts by deployment, retrainings with their chain; bad input is named', async () => {
    const get = async (path: string) => fetch(`${env.url}${path}`);
    const report = await (await get('/api/v1/deployments/web/monitoring?window=1h&windows=2')).json() as { windows: { rows: number; labeled: number; drift: { datasetDrift: boolean; columns: { column: string; drifted: boolean; histogram: { labels: string[] } }[] } }[]; alerts: { rule: string; origin: string }[] };
    expect(report.windows.map((w) => w.rows)).toEqual([150, 150]);
    expect(report.windows.map((w) => w.labeled)).toEqual([60, 0]);
    expect(report.windows.map((w) => w.drift.datasetDrift)).toEqual([false, true]);
    expect(report.windows[1]!.drift.columns.filter((c) => c.drifted).map((c) => c.column).sort()).toEqual(['x1', 'x2']);
    // Histograms only in the newest window with rows.
    expect(report.windows[0]!.drift.columns.every((c) => c.histogram.labels.length === 0)).toBe(true);
    expect(report.windows[1]!.drift.columns.every((c) => c.histogram.labels.length > 0)).toBe(true);
    expect(report.alerts.filter((a) => a.origin === 'recorded').map((a) => a.rule)).toEqual(['x1-drift']);
    const alerts = await (await get('/api/v1/alerts?deployment=web')).json() as { items: { id: number; value: number }[] };
    expect(alerts.items).toEqual([expect.objectContaining({ id: env.project.alert.id, value: 0.4213 })]);
    expect(((await (await get('/api/v1/alerts?deployment=nosuch')).json()) as { items: unknown[] }).items).toEqual([]);
    const retrainings = await (await get('/api/v1/retrainings?model=churn')).json() as { items: { id: string; chain: { step: string; status: string }[] }[] };
    expect(retrainings.items.map((r) => r.id)).toEqual(['rt-ui-1']);
    expect(retrainings.items[0]!.chain.find((l) => l.step === 'canary')!.status).toBe('ok');
    // Without a window: the project's monitoring.window, named in the answer; a given one wins.
    const byProject = await (await get('/api/v1/deployments/web/monitoring?windows=2')).json() as { window: string; windowMs: number; windows: { since: number; until: number }[] };
    expect([byProject.window, byProject.windowMs]).toEqual(['30m', 1_800_000]);
    expect(byProject.windows.map((w) => w.until - w.since)).toEqual([1_800_000, 1_800_000]);
    expect(((await (await get('/api/v1/deployments/web/monitoring?window=1h&windows=1')).json()) as { window: string }).window).toBe('1h');
    const bad = await get('/api/v1/deployments/web/monitoring?windows=0');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("'windows'");
    expect((await get('/api/v1/deployments/nosuch/monitoring')).status).toBe(404);
  }, 60_000);

  it('the model\'s audit log names the versions each deployment event left serving, by role', async () => {
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/models/churn`);
    const audit = ui.page.getByRole('table', { name: 'Audit log of churn' });
    const versions = (action: string) => audit.locator(`tr[data-action="${action}"]`).first().getByRole('list', { name: 'Versions of deployment web' }).getByRole('listitem').allTextContents();
    await expect.poll(() => versions('deployment.created')).toEqual(['stable v1', 'canary v2 25%']);
    expect(await versions('deployment.promoted')).toEqual(['stable v1 → v2']);
    expect(await versions('deployment.set')).toEqual(['stable v2', 'canary v3 20%', 'mirror v3 50%']);
    const promoted = audit.locator('tr[data-action="deployment.promoted"]').first();
    expect(await promoted.getByRole('link', { name: 'v2' }).getAttribute('href')).toBe('/models/churn/versions/2');
    expect(await promoted.getByRole('link', { name: 'web' }).getAttribute('href')).toBe('/deployments/web');
    expect(ui.problems).toEqual([]);
  }, 60_000);
});
