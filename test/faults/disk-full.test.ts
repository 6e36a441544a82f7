/**
 * A full disk: the cache lives on a 1 MiB tmpfs (mounted by the test; needs root, as CI has).
 * Each command must fail with DISK_FULL (exit 74) naming what to do, and change nothing: no
 * pointer, no lock entry, no partial object left in the cache.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../src/test-support/cli.js';
import { makeFiles, shell } from './fixtures.js';

let dir: string;
let cleanup: () => void;
let mnt: string;
let mounted = false;

function tryMount(target: string): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', target], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every file left in the cache, relative to it. */
function cacheFiles(): string[] {
  return readdirSync(mnt, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

beforeAll(() => {
  ({ dir, cleanup } = tempDir('paddock-diskfull-'));
  mnt = path.join(dir, 'small-disk');
  mkdirSync(mnt);
  mounted = tryMount(mnt);
});
afterAll(() => {
  if (mounted) execFileSync('umount', [mnt]);
  cleanup();
});

function project(name: string): string {
  const root = path.join(dir, name);
  mkdirSync(root);
  shell(root, 'git init -q');
  writeFileSync(path.join(root, 'paddock.yaml'), `cache:\n  dir: ${path.join(mnt, name)}\n`);
  return root;
}

describe.runIf(process.getuid?.() === 0)('a full disk', () => {
  it('could mount a small tmpfs for the cache', () => {
    expect(mounted, 'mount -t tmpfs failed: this test needs root and tmpfs').toBe(true);
  });

  it('add fails with DISK_FULL and leaves no pointer and no partial object', async () => {
    const root = project('add');
    writeFileSync(path.join(root, 'big.bin'), Buffer.alloc(3 << 20, 7));
    const r = await runCli(root, ['add', 'big.bin']);
    expect(r.code, r.stderr).toBe(74);
    expect(r.stderr).toMatch(/no space left/i);
    expect(r.stderr).toContain('Free disk space');
    expect(existsSync(path.join(root, 'big.bin.dvc'))).toBe(false);
    expect(existsSync(path.join(root, '.gitignore'))).toBe(false);
    expect(cacheFiles().filter((f) => f.includes('/files/md5/'))).toEqual([]);
    // After freeing space (a smaller file fits), the same command works.
    writeFileSync(path.join(root, 'big.bin'), Buffer.alloc(100 << 10, 7));
    const ok = await runCli(root, ['add', 'big.bin']);
    expect(ok.code, ok.stderr).toBe(0);
    shell(root, `rm -rf ${path.join(mnt, 'add')}`);
  });

  it('add of a directory that does not fit leaves only complete objects', async () => {
    const root = project('dir');
    makeFiles(path.join(root, 'data'), 400, 4096);
    const r = await runCli(root, ['add', 'data']);
    expect(r.code, r.stderr).toBe(74);
    expect(existsSync(path.join(root, 'data.dvc'))).toBe(false);
    for (const f of cacheFiles().filter((x) => x.includes('/files/md5/') && !path.basename(x).startsWith('.'))) {
      const name = f.split('/files/md5/')[1]!.replace('/', '');
      expect(execFileSync('md5sum', [f], { encoding: 'utf8' }).slice(0, 32)).toBe(name);
    }
    shell(root, `rm -rf ${path.join(mnt, 'dir')}`);
  });

  it('repro fails with DISK_FULL when outputs cannot be cached, and leaves dvc.lock alone', async () => {
    const root = project('repro');
    writeFileSync(path.join(root, 'dvc.yaml'), 'stages:\n  make:\n    cmd: head -c 3000000 /dev/zero > out.bin\n    outs: [out.bin]\n');
    const r = await runCli(root, ['repro']);
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/no space left/i);
    expect(existsSync(path.join(root, 'dvc.lock'))).toBe(false);
    expect(cacheFiles().filter((f) => f.includes('/files/md5/') && !path.basename(f).startsWith('.'))).toEqual([]);
  });
});
