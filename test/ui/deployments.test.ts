import { describe, expect, it } from 'vitest';
import { runCliOk } from '../../src/test-support/cli.js';
import { oipTensors } from '../../src/test-support/oip.js';
import { startListening } from '../../src/test-support/serve-process.js';
import { useUiServer } from '../../src/test-support/ui-server.js';
import { CANARY_MS, monitoredProject, STABLE_MS } from './fixtures/monitored-project.js';

/**
 * The Deployments pages against a real `paddock server --auth` over a project with a deployment
 * (stable 2, canary 3 at 20%, 50% mirrored) and an hour of its traffic in the prediction log: the
 * split and per-variant numbers are shown, a writer rolls back (checked through the API), a
 * reader sees no buttons.
 */
describe('web UI: deployments', () => {
  let tokens: Record<'reader' | 'writer', string>;
  const env = useUiServer(async () => {
    const project = await monitoredProject();
    const create = async (role: string) => (JSON.parse((await runCliOk(project.dir, ['tokens', 'create', '--role', role, '--name', `ui-${role}`, '--json'])).stdout) as { token: string }).token;
    tokens = { reader: await create('reader'), writer: await create('writer') };
    return project;
  }, ['--auth', '--no-triggers']);

  const signIn = async (token: string, path: string, base = env.url) => {
    const ui = await env.browser.page();
    await ui.page.goto(`${base}${path}`);
    await ui.page.getByLabel('Token').fill(token);
    await ui.page.getByRole('button', { name: 'Sign in' }).click();
    return ui;
  };
  // Before signing in, whoami answers 401, which Chromium logs as a console error: expected here.
  const signedInProblems = (problems: string[]) => problems.filter((p) => !/status of 401/.test(p));
  const apiGet = async (path: string) => (await fetch(`${env.url}${path}`, { headers: { authorization: `Bearer ${tokens.reader}` } })).json() as Promise<Record<string, unknown>>;

  it('lists deployments with their split, and shows a deployment live: split, per-variant numbers, analysis; a reader gets no buttons', async () => {
    const ui = await signIn(tokens.reader, '/deployments');
    const row = ui.page.getByRole('table', { name: 'Deployments' }).getByRole('row', { name: /web/ });
    await expect.poll(() => row.getByRole('img').getAttribute('aria-label')).toBe('Traffic of web: stable v2 80%, canary v3 20%, shadow v3 gets a copy of 50%');
    await ui.screenshot('deployments');
    await row.getByRole('link', { name: 'web' }).click();
    await expect.poll(() => ui.page.getByTestId('stable-version').textContent()).toBe('v2');
    expect(await ui.page.getByRole('img', { name: /^Traffic split:/ }).getAttribute('aria-label')).toContain('stable v2 80%, canary v3 20%');
    // Per-variant numbers over the last hour, from the prediction log (errors unknown there, and said so).
    await ui.page.getByLabel('Window').selectOption('1h');
    const table = ui.page.getByRole('table', { name: 'Traffic per variant' });
    const cells = async (variant: string, version: string) => (await table.locator(`tr[data-variant="${variant}"][data-version="${version}"] td`).allTextContents()).map((t) => t.trim());
    await expect.poll(async () => (await cells('stable', '2'))[3]).toBe(String(env.project.lastHour.stable));
    const stable = await cells('stable', '2');
    const canary = await cells('canary', '3');
    expect(stable.slice(0, 4)).toEqual(['stable', 'v2', '80%', String(env.project.lastHour.stable)]);
    expect(canary.slice(0, 4)).toEqual(['canary', 'v3', '20%', String(env.project.lastHour.canary)]);
    expect(stable[5]).toBe('n/a');
    expect([stable[6], stable[7], canary[6], canary[7]]).toEqual([`${STABLE_MS} ms`, `${STABLE_MS} ms`, `${CANARY_MS} ms`, `${CANARY_MS} ms`]);
    expect((await cells('shadow', '3')).slice(0, 3)).toEqual(['shadow', 'v3', 'copy of 50%']);
    expect(await ui.page.getByText(/errors are unknown here/).count()).toBe(1);
    // The reader sees the history but no write buttons.
    expect(await ui.page.getByRole('table', { name: 'Deployment history' }).getByRole('row').count()).toBe(4);
    expect(await ui.page.getByRole('button', { name: 'Rollback' }).count()).toBe(0);
    expect(await ui.page.getByRole('button', { name: 'Promote' }).count()).toBe(0);
    await expect.poll(() => ui.page.getByText(/Read-only/).isVisible()).toBe(true);
    expect(signedInProblems(ui.problems)).toEqual([]);
  }, 60_000);

  it('a writer rolls back: stable returns to version 1, through the API too', async () => {
    const ui = await signIn(tokens.writer, '/deployments/web');
    await expect.poll(() => ui.page.getByTestId('stable-version').textContent()).toBe('v2');
    await ui.page.getByRole('button', { name: 'Rollback' }).click();
    await expect.poll(() => ui.page.getByRole('status').textContent()).toContain('Rolled back: stable is now v1');
    await expect.poll(() => ui.page.getByTestId('stable-version').textContent()).toBe('v1');
    const after = await apiGet('/api/v1/deployments/web') as { policy: { stable: string; candidates: unknown[] } };
    expect(after.policy).toMatchObject({ stable: '1', candidates: [] });
    const history = await apiGet('/api/v1/deployments/web/history') as { events: { kind: string; actor: string; reason?: string }[] };
    expect(history.events.at(-1)).toMatchObject({ kind: 'rolled-back', actor: 'ui-writer', reason: 'rollback from the web UI' });
    // With no canary left, Promote is disabled.
    expect(await ui.page.getByRole('button', { name: 'Promote' }).isDisabled()).toBe(true);
    expect(signedInProblems(ui.problems)).toEqual([]);
  }, 60_000);

  it('where the server itself serves the deployment, the page shows live errors, p99 and shadow agreement', async () => {
    const auth = { authorization: `Bearer ${tokens.writer}`, 'content-type': 'application/json' };
    const patched = await fetch(`${env.url}/api/v1/deployments/web`, { method: 'PATCH', headers: auth, body: JSON.stringify({ candidates: [{ version: '3', weight: 50 }], mirror: { version: '3', percent: 100 } }) });
    expect(patched.status).toBe(200);
    const serving = await startListening(env.project.dir, ['server', '--port', '0', '--auth', '--no-triggers', '--deployment', 'web']);
    try {
      const requests = 20;
      for (let i = 0; i < requests; i++) {
        const r = await fetch(`${serving.url}/v2/models/web/infer`, { method: 'POST', headers: auth, body: JSON.stringify({ inputs: oipTensors([{ x1: 10.5 + i / 10, x2: 0.25 - i / 20, color: 'red' }]) }) });
        expect(r.status).toBe(200);
      }
      const ui = await signIn(tokens.reader, '/deployments/web', serving.url);
      const table = ui.page.getByRole('table', { name: 'Traffic per variant' });
      const column = async (variant: string, i: number) => (await table.locator(`tr[data-variant="${variant}"] td`).nth(i).textContent())?.trim();
      await expect.poll(async () => Number(await column('stable', 3)) + Number(await column('canary', 3))).toBe(requests);
      expect([await column('stable', 5), await column('canary', 5)]).toEqual(['0.00%', '0.00%']);
      expect(await column('stable', 7)).toMatch(/ ms$/);
      // Every request was mirrored to version 3, which is the same model: all answers agree. The
      // shadows finish after the answers (the first opens the mirror's thread), and the page
      // refreshes every 3 s: the poll waits past a refresh.
      await expect.poll(() => column('shadow', 3), { timeout: 20_000 }).toBe(String(requests));
      await expect.poll(() => ui.page.getByTestId('shadow-agreement').textContent(), { timeout: 20_000 }).toBe('100.00%');
      expect(await ui.page.getByText(/live from this server/).count()).toBe(1);
      await ui.screenshot('deployment');
      expect(signedInProblems(ui.problems)).toEqual([]);
    } finally {
      await serving.stop();
    }
  }, 90_000);

  it('the stats endpoint names a bad window', async () => {
    const r = await fetch(`${env.url}/api/v1/deployments/web/stats?window=forever`, { headers: { authorization: `Bearer ${tokens.reader}` } });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain("query field 'window'");
  });
});
