import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliOk, tempDir } from '../../src/test-support/cli.js';
import { startUiServer, type UiServer } from '../../src/test-support/ui-server.js';

/** The UI's shell against a real `paddock server`: pages load from the server, sign-in with --auth works. */
describe('web UI shell', () => {
  let env: UiServer;
  const project = tempDir();
  let tokens: Record<'reader' | 'admin', string>;

  beforeAll(async () => {
    await runCliOk(project.dir, ['init']);
    const create = async (role: string) => (JSON.parse((await runCliOk(project.dir, ['tokens', 'create', '--role', role, '--name', `ui-${role}`, '--json'])).stdout) as { token: string }).token;
    tokens = { reader: await create('reader'), admin: await create('admin') };
    env = await startUiServer(project, ['--auth']);
  }, 60_000);
  afterAll(async () => (env ? env.close() : project.cleanup()));

  it('asks for a token, refuses a wrong one by name, and shows who signed in', async () => {
    const ui = await env.browser.page();
    await ui.page.goto(`${env.url}/experiments`);
    await ui.page.getByLabel('Token').fill('not-a-token');
    await ui.page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => ui.page.getByRole('alert').textContent()).toMatch(/unknown or revoked/);
    await ui.page.getByLabel('Token').fill(tokens.reader);
    await ui.page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => ui.page.getByTestId('who').textContent()).toContain('ui-reader (reader)');
    // A page path loaded directly (a reload, a shared link) is the UI, not a 404.
    await ui.page.goto(`${env.url}/models/anything`);
    await expect.poll(() => ui.page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
    await ui.page.getByRole('link', { name: 'Deployments' }).click();
    // The router loads the page's chunk before it moves.
    await expect.poll(() => new URL(ui.page.url()).pathname).toBe('/deployments');
    await ui.page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => ui.page.getByLabel('Token').isVisible()).toBe(true);
    // The failed sign-in answered 401 and model `anything` 404: Chromium logs each as a console error.
    expect(ui.problems.filter((p) => !/\b40[14]\b/.test(p))).toEqual([]);
  });

  it('serves assets publicly but keeps the API behind the token', async () => {
    const index = await fetch(`${env.url}/`);
    expect(index.status).toBe(200);
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    expect((await fetch(`${env.url}${asset}`)).status).toBe(200);
    expect((await fetch(`${env.url}/api/v1/experiments`)).status).toBe(401);
    const who = await fetch(`${env.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(await who.json()).toEqual({ auth: true, name: 'ui-admin', role: 'admin' });
  });
});
