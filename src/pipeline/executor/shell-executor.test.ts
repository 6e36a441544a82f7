import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Stage } from '../model.js';
import { ShellExecutor } from './shell-executor.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Dead, or a zombie waiting for a reaper (which does not run anything any more). */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

function stage(cmd: string | string[]): Stage {
  const wdir = mkdtempSync(path.join(os.tmpdir(), 'paddock-exec-'));
  dirs.push(wdir);
  return { name: 's', file: path.join(wdir, 'dvc.yaml'), wdir, cmd, deps: [], params: [], outs: [], frozen: false, alwaysChanged: false };
}

describe('ShellExecutor', () => {
  it('runs with /bin/sh in the wdir, streams lines of both streams and passes env', async () => {
    const s = stage('pwd; echo "stage=$PADDOCK_STAGE"; printf "a\\r\\nb" >&2');
    const lines: string[] = [];
    const r = await new ShellExecutor().run(s, { env: { PADDOCK_STAGE: 'train' }, onOutput: (l, st) => lines.push(`${st}:${l}`) });
    expect(r.exitCode).toBe(0);
    expect(lines).toContain(`stdout:${s.wdir}`);
    expect(lines).toContain('stdout:stage=train');
    expect(lines.filter((l) => l.startsWith('stderr:'))).toEqual(['stderr:a', 'stderr:b']);
  });

  it('runs a list in order and stops at the first failure with its code', async () => {
    const lines: string[] = [];
    const r = await new ShellExecutor().run(stage(['echo one', 'exit 3', 'echo never']), { env: {}, onOutput: (l) => lines.push(l) });
    expect(r).toMatchObject({ exitCode: 3, commandIndex: 1 });
    expect(lines).toEqual(['one']);
  });

  it('kills the whole process group on abort (no orphaned grandchildren)', async () => {
    const s = stage('sleep 30 & echo "child $!"; wait');
    const ac = new AbortController();
    let child = 0;
    const started = Date.now();
    const run = new ShellExecutor().run(s, {
      env: {},
      signal: ac.signal,
      onOutput: (l) => {
        child = Number(l.split(' ')[1]);
        ac.abort();
      },
    });
    const r = await run;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.signal).toBe('SIGTERM');
    await new Promise((res) => setTimeout(res, 100));
    expect(isGone(child)).toBe(true);
  });
});
