import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../../test-support/cli.js';
import { startListening } from '../../test-support/serve-process.js';

// `paddock tokens …` and `paddock server --auth` through the real CLI, in a fresh project.
let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir, cleanup } = tempDir('paddock-server-'));
  expect((await runCli(dir, ['init', '-q'])).code).toBe(0);
});
afterAll(() => cleanup());

/** Starts `paddock server` on a free port. */
const startServer = (args: string[]) => startListening(dir, ['server', '--port', '0', ...args]);

describe('paddock server and tokens', () => {
  test('tokens create prints the token once; list shows it without the secret; revoke', async () => {
    const created = await runCli(dir, ['tokens', 'create', '--role', 'writer', '--name', 'ci', '--json']);
    expect(created.code).toBe(0);
    const token = JSON.parse(created.stdout).token as string;
    expect(token).toMatch(/^pdk_/);
    const list = await runCli(dir, ['tokens', 'list']);
    expect(list.stdout).toContain('ci');
    expect(list.stdout).toContain('writer');
    expect(list.stdout).not.toContain(token);
    const bad = await runCli(dir, ['tokens', 'create', '--role', 'root']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('reader, writer, admin');
    expect((await runCli(dir, ['tokens', 'revoke', 'ci'])).code).toBe(0);
    expect((await runCli(dir, ['tokens', 'list', '--json'])).stdout).toContain('revokedAt');
  });

  test('server --auth serves MLflow with tokens and shuts down cleanly on SIGTERM', async () => {
    const admin = JSON.parse((await runCli(dir, ['tokens', 'create', '--role', 'admin', '--json'])).stdout).token as string;
    const server = await startServer(['--auth']);
    try {
      const anonymous = await fetch(`${server.url}/api/2.0/mlflow/experiments/get?experiment_id=0`);
      expect(anonymous.status).toBe(401);
      const ok = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{"name":"cli"}' });
      expect(ok.status).toBe(200);
    } finally {
      const { code, stdout } = await server.stop('SIGTERM');
      expect(code).toBe(0);
      expect(stdout).toContain('Shutting down');
    }
  });

  test('without --auth the server is open, and the data persists across restarts', async () => {
    const server = await startServer([]);
    const got = await fetch(`${server.url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=cli`);
    expect(got.status).toBe(200);
    expect((await server.stop('SIGINT')).code).toBe(0);
  });
});
