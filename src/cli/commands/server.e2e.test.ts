import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI, runCli, tempDir } from '../../test-support/cli.js';

// `paddock tokens …` and `paddock server --auth` through the real CLI, in a fresh project.
let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir, cleanup } = tempDir('paddock-server-'));
  expect((await runCli(dir, ['init', '-q'])).code).toBe(0);
});
afterAll(() => cleanup());

/** Starts `paddock server` on a free port; resolves with its URL and a stopper. */
function startServer(args: string[]): Promise<{ url: string; stop: (signal: NodeJS.Signals) => Promise<{ code: number | null; stdout: string }> }> {
  const child = spawn(process.execPath, [CLI, 'server', '--port', '0', ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) resolve({ url: m[1]!, stop: async (signal) => { child.kill(signal); return { code: await exited, stdout }; } });
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${stdout}\n${stderr}`)));
  });
}

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
