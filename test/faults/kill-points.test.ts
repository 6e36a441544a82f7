/**
 * Crash safety with real kills: each long command is started as a real process and killed with
 * SIGKILL at random points. Afterwards the repository must be as it was before or after — fsck
 * finds no corrupt object, pointer and lock files parse and are either the old or the new
 * version — and running the command again completes to the same state as an uninterrupted run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../../src/test-support/cli.js';
import { makeFiles, shell } from './fixtures.js';

const ROUNDS = Number(process.env.PADDOCK_FAULT_ROUNDS ?? 4);

/** Starts the CLI and SIGKILLs it after `ms`; resolves whether it was killed before finishing. */
function runAndKill(cwd: string, args: readonly string[], ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL');
    });
  });
}

/** How long an uninterrupted run takes, so kill points spread over its whole duration. */
async function durationOf(cwd: string, args: readonly string[]): Promise<number> {
  const t0 = Date.now();
  const r = await runCli(cwd, args);
  expect(r.code, r.stderr).toBe(0);
  return Date.now() - t0;
}

/**
 * No cache object is corrupt (objects a killed pull had not fetched yet may be missing: that is
 * "before", not "between"), and a stale lock left by the kill does not block the next command.
 */
async function expectHealthy(cwd: string, options: { allowMissing?: boolean } = {}): Promise<void> {
  const fsck = await runCli(cwd, ['fsck', '--json']);
  const report = JSON.parse(fsck.stdout) as { corrupt: string[]; missing: string[] };
  expect(report.corrupt, `corrupt objects after a kill:\n${fsck.stdout}`).toEqual([]);
  if (!options.allowMissing) expect(fsck.code, `fsck after a kill:\n${fsck.stdout}\n${fsck.stderr}`).toBe(0);
}

function read(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir('paddock-faults-')));
afterAll(() => cleanup());

describe('kill -9 at random points', () => {
  it('add leaves the cache and the pointer as before or after', async () => {
    const root = path.join(dir, 'add');
    shell(dir, `mkdir -p ${root} && cd ${root} && git init -q`);
    await runCli(root, ['init', '-q']);
    makeFiles(path.join(root, 'data'), 1200, 2048);
    // The reference: an uninterrupted add in a copy of the same tree.
    shell(dir, `cp -r ${root} ${root}-ref`);
    const full = await durationOf(`${root}-ref`, ['add', 'data']);
    const expected = read(path.join(`${root}-ref`, 'data.dvc'));
    for (let i = 0; i < ROUNDS; i++) {
      const killed = await runAndKill(root, ['add', 'data'], Math.random() * full);
      const pointer = read(path.join(root, 'data.dvc'));
      expect([undefined, expected], `round ${i} (killed: ${killed})`).toContain(pointer);
      await expectHealthy(root);
    }
    const again = await runCli(root, ['add', 'data']);
    expect(again.code, again.stderr).toBe(0);
    expect(read(path.join(root, 'data.dvc'))).toBe(expected);
    const status = await runCli(root, ['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
  });

  it('push and pull leave only complete objects, and resume', async () => {
    const root = path.join(dir, 'push');
    const remote = path.join(dir, 'remote');
    shell(dir, `mkdir -p ${root} && cd ${root} && git init -q`);
    await runCli(root, ['init', '-q']);
    writeFileSync(path.join(root, 'paddock.yaml'), `core:\n  remote: local\nremotes:\n  local:\n    url: ${remote}\n`);
    makeFiles(path.join(root, 'data'), 1200, 2048);
    expect((await runCli(root, ['add', 'data'])).code).toBe(0);
    shell(dir, `cp -r ${root} ${root}-ref && rm -rf ${remote}-ref`);
    writeFileSync(path.join(`${root}-ref`, 'paddock.yaml'), `core:\n  remote: local\nremotes:\n  local:\n    url: ${remote}-ref\n`);
    const full = await durationOf(`${root}-ref`, ['push']);
    for (let i = 0; i < ROUNDS; i++) await runAndKill(root, ['push'], Math.random() * full);
    expect((await runCli(root, ['push'])).code).toBe(0);
    expect(shell(dir, `cd ${remote} && find . -type f | grep -v '/\\.' | sort | xargs md5sum | awk '{print $2}'`)).toBe(
      shell(dir, `cd ${remote}-ref && find . -type f | grep -v '/\\.' | sort | xargs md5sum | awk '{print $2}'`),
    );
    // Every object on the remote is complete: its content hashes to its name.
    const bad = shell(remote, `find files -type f ! -name '*.dir' ! -name '.*' | while read f; do h=$(md5sum "$f" | cut -c1-32); n=$(echo "$f" | sed 's#files/md5/##; s#/##'); [ "$h" = "$n" ] || echo "$f"; done`);
    expect(bad.trim()).toBe('');

    shell(root, 'rm -rf .paddock/cache data');
    const pullFull = await durationOf(`${root}-ref`, ['pull', '--force']).catch(() => 1000);
    for (let i = 0; i < ROUNDS; i++) {
      await runAndKill(root, ['pull'], Math.random() * pullFull);
      await expectHealthy(root, { allowMissing: true });
    }
    const pulled = await runCli(root, ['pull']);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(shell(root, 'cd data && find . -type f | sort | xargs md5sum')).toBe(shell(`${root}-ref`, 'cd data && find . -type f | sort | xargs md5sum'));
  }, 180_000); // 1,200 files pushed and pulled 2×ROUNDS+2 times: minutes on a busy machine

  it('checkout can be killed and run again to a clean workspace', async () => {
    const root = path.join(dir, 'push');
    const expected = shell(`${root}-ref`, 'cd data && find . -type f | sort | xargs md5sum');
    for (let i = 0; i < ROUNDS; i++) {
      shell(root, 'rm -rf data');
      await runAndKill(root, ['checkout'], 50 + Math.random() * 600);
      await expectHealthy(root);
    }
    const r = await runCli(root, ['checkout', '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(shell(root, 'cd data && find . -type f | sort | xargs md5sum')).toBe(expected);
  });

  it('repro leaves dvc.lock as before or after each stage', async () => {
    const root = path.join(dir, 'repro');
    shell(dir, `mkdir -p ${root} && cd ${root} && git init -q`);
    await runCli(root, ['init', '-q']);
    writeFileSync(path.join(root, 'params.yaml'), 'n: 1\n');
    const stages = ['stages:'];
    for (let s = 0; s < 4; s++) {
      const dep = s === 0 ? 'params.yaml' : `out${s - 1}`;
      stages.push(`  s${s}:`, `    cmd: mkdir -p out${s} && for i in $(seq 1 300); do echo "$i \${n}" > out${s}/f$i.txt; done && sleep 0.1`, `    deps: [${dep}]`, '    params: [n]', `    outs: [out${s}]`);
    }
    writeFileSync(path.join(root, 'dvc.yaml'), `${stages.join('\n')}\n`);
    shell(dir, `cp -r ${root} ${root}-ref`);
    const full = await durationOf(`${root}-ref`, ['repro']);
    const expectedLock = read(path.join(`${root}-ref`, 'dvc.lock'))!;
    for (let i = 0; i < ROUNDS; i++) {
      await runAndKill(root, ['repro'], Math.random() * full);
      const lock = read(path.join(root, 'dvc.lock'));
      if (lock !== undefined) {
        // Each stage entry present is complete and equal to the uninterrupted run's.
        for (const block of lock.split(/\n(?= {2}s\d+:)/).slice(1)) expect(expectedLock).toContain(block.trimEnd());
      }
      await expectHealthy(root);
    }
    const r = await runCli(root, ['repro']);
    expect(r.code, r.stderr).toBe(0);
    expect(read(path.join(root, 'dvc.lock'))).toBe(expectedLock);
  });
});
