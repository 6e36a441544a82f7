import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openProject } from '../../app.js';
import { isCached } from '../../data/index.js';
import { CLI, runCli, tempDir } from '../../test-support/cli.js';
import { readLockFile } from '../lock/lock-file.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function project(dvcYaml: string): string {
  const { dir, cleanup } = tempDir('paddock-fault-');
  cleanups.push(cleanup);
  writeFileSync(path.join(dir, 'paddock.yaml'), '');
  mkdirSync(path.join(dir, '.paddock'));
  writeFileSync(path.join(dir, 'dvc.yaml'), dvcYaml);
  return dir;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

describe('repro under interruption', () => {
  it('SIGINT stops the running command and its children, and records nothing for that stage', async () => {
    const dir = project('stages:\n  long:\n    cmd: sleep 30 & echo $! > child.pid; wait; touch out.txt\n    outs:\n    - out.txt\n');
    const child = spawn(process.execPath, [CLI, 'repro'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    for (let i = 0; i < 100 && !existsSync(path.join(dir, 'child.pid')); i++) await sleep(50);
    await sleep(100);
    const started = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(code).not.toBe(0);
    const grandchild = Number(readFileSync(path.join(dir, 'child.pid'), 'utf8'));
    await sleep(100);
    expect(isGone(grandchild)).toBe(true);
    expect(existsSync(path.join(dir, 'dvc.lock'))).toBe(false);
  });

  it('kill -9 at random points leaves dvc.lock whole, and every recorded output cached', async () => {
    const stages = Array.from({ length: 6 }, (_, i) => `  s${i}:\n    cmd: ${i ? `cat o${i - 1}.txt > o${i}.txt &&` : 'printf seed > o0.txt &&'} node -e "setTimeout(()=>{},60)"\n${i ? `    deps:\n    - o${i - 1}.txt\n` : ''}    outs:\n    - o${i}.txt\n`);
    const dir = project(`stages:\n${stages.join('')}`);
    for (const delay of [150, 400, 700]) {
      const child = spawn(process.execPath, [CLI, 'repro', '--force'], { cwd: dir, stdio: 'ignore' });
      const exited = new Promise((r) => child.on('close', r));
      await sleep(delay);
      child.kill('SIGKILL');
      await exited;
      const lock = await readLockFile(path.join(dir, 'dvc.lock'));
      const project = openProject({ cwd: dir, logLevel: 'silent' });
      for (const entry of lock.stages.values()) for (const out of entry.outs ?? []) expect(await isCached(project, out)).toBe(true);
    }
    const final = await runCli(dir, ['repro']);
    expect(final.code).toBe(0);
    expect((await readLockFile(path.join(dir, 'dvc.lock'))).stages.size).toBe(6);
  });
});
