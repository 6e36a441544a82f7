import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../test-support/cli.js';
import { startS3Server, type S3TestServer } from '../../test-support/s3-server.js';

// End to end through the compiled CLI against a real S3-protocol server (s3rver). Needs a
// build first (`npm test` runs it as pretest).

// `foo` and `bar` and the directory {foo, bar}: objects from DVC's own tests (dvc-formats.md §2).
const FOO = 'acbd18db4cc2f85cedef654fccc4a4d8';
const BAR = '37b51d194a7513e45b56f6524f2d51f2';
const DIR = '5ea40360f5b4ec688df672a4db9c17d1.dir';
const MANIFEST = `[{"md5": "${BAR}", "relpath": "bar"}, {"md5": "${FOO}", "relpath": "foo"}]`;
const KEY = (md5: string) => `files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`;

let server: S3TestServer;
let tmp: { dir: string; cleanup: () => void };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startS3Server({ buckets: ['data'] });
  tmp = tempDir('paddock-remote-e2e-');
  // Credentials come from the usual AWS variables, as on any machine.
  env = { AWS_ACCESS_KEY_ID: server.accessKeyId, AWS_SECRET_ACCESS_KEY: server.secretAccessKey, AWS_REGION: 'us-east-1' };
});
afterAll(async () => {
  await server.stop();
  tmp.cleanup();
});

const cli = (cwd: string, args: string[]) => runCli(cwd, args, { env });

/** Tracks data/{foo,bar} with `paddock add`, or by hand while that command is not there. */
async function track(root: string): Promise<void> {
  mkdirSync(path.join(root, 'data'));
  writeFileSync(path.join(root, 'data/foo'), 'foo');
  writeFileSync(path.join(root, 'data/bar'), 'bar');
  const added = await cli(root, ['add', 'data']);
  if (added.code === 0) return;
  expect(added.stderr).toMatch(/unknown command/);
  for (const [md5, content] of [[FOO, 'foo'], [BAR, 'bar'], [DIR, MANIFEST]] as const) {
    const file = path.join(root, '.paddock/cache', KEY(md5));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  writeFileSync(path.join(root, 'data.dvc'), `outs:\n- md5: ${DIR}\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: data\n`);
}

describe('push / fetch / pull through the CLI against s3rver', () => {
  it('round-trips a tracked directory: push, wipe, pull', async () => {
    const root = path.join(tmp.dir, 'project');
    mkdirSync(root);
    expect((await cli(root, ['init'])).code).toBe(0);
    await track(root);
    const added = await cli(root, ['remote', 'add', 'store', 's3://data/team/project', '--endpoint', server.endpoint, '--default']);
    expect(added.code, added.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'paddock.yaml'), 'utf8')).toMatch(/^# Paddock project settings/);

    const pushed = await cli(root, ['push', '--json']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(JSON.parse(pushed.stdout)).toEqual([{ remote: 'store', url: 's3://data/team/project', pushed: 3, skipped: 0 }]);
    expect(existsSync(path.join(server.dir, 'data'))).toBe(true);

    const again = await cli(root, ['push']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already on s3:\/\/data\/team\/project/);

    const status = await cli(root, ['remote', 'list', '--json']);
    expect(JSON.parse(status.stdout)).toEqual([{ name: 'store', url: 's3://data/team/project', endpoint: server.endpoint, default: true }]);

    rmSync(path.join(root, '.paddock/cache'), { recursive: true, force: true });
    rmSync(path.join(root, 'data'), { recursive: true, force: true });
    const pulled = await cli(root, ['pull']);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'data/foo'), 'utf8')).toBe('foo');
    expect(readFileSync(path.join(root, 'data/bar'), 'utf8')).toBe('bar');
    expect(readFileSync(path.join(root, '.paddock/cache', KEY(DIR)), 'utf8')).toBe(MANIFEST);

    const fetched = await cli(root, ['fetch', '--json']);
    expect(JSON.parse(fetched.stdout)).toEqual([{ remote: 'store', url: 's3://data/team/project', fetched: 0, cached: 3 }]);
  });

  it('fails clearly on an unreachable endpoint and on a server answering errors', async () => {
    const root = path.join(tmp.dir, 'bad');
    mkdirSync(root);
    await cli(root, ['init']);
    await track(root);
    const port = await freePort();
    await cli(root, ['remote', 'add', 'dead', 's3://data/x', '--endpoint', `http://127.0.0.1:${port}`]);
    const dead = await cli(root, ['push', '-r', 'dead']);
    expect(dead.code).toBe(69);
    expect(dead.stderr).toContain('s3://data/x');
    expect(dead.stderr).toMatch(/cannot reach/);
    expect(dead.stderr).not.toMatch(/\n\s+at /);

    const broken = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(500).end());
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    const bport = (broken.address() as AddressInfo).port;
    await cli(root, ['remote', 'add', 'broken', 's3://data/y', '--endpoint', `http://127.0.0.1:${bport}`]);
    rmSync(path.join(root, '.paddock/cache'), { recursive: true, force: true });
    const res = await cli(root, ['fetch', '-r', 'broken']);
    broken.closeAllConnections();
    broken.close();
    expect(res.code).toBe(69);
    expect(res.stderr).toContain('s3://data/y');
    expect(res.stderr).toContain('500');
    expect(existsSync(path.join(root, '.paddock/cache/files'))).toBe(false);
  });

  it('reports objects missing on the remote and exits non-zero', async () => {
    const root = path.join(tmp.dir, 'missing');
    mkdirSync(root);
    await cli(root, ['init']);
    await track(root);
    await cli(root, ['remote', 'add', 'empty', 's3://data/empty', '--endpoint', server.endpoint, '-d']);
    rmSync(path.join(root, '.paddock/cache'), { recursive: true, force: true });
    const res = await cli(root, ['pull']);
    expect(res.code).toBe(66);
    expect(res.stderr).toContain('s3://data/empty');
    expect(res.stderr).toContain(KEY(DIR));
  });
});

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}
