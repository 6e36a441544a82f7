// Shared helpers for the benchmarks: timing, running commands, generating data, the table.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = path.join(ROOT, 'bin/paddock.js');

/** Seconds taken by fn (sync or async). */
export async function time(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Best (minimum) of `n` timings: the least noisy estimate on a shared machine. */
export async function best(n, fn, before) {
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    if (before) await before();
    min = Math.min(min, await time(fn));
  }
  return min;
}

/** Runs the real CLI; throws with its output when it fails. */
export function paddock(cwd, args, env = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1', ...env } });
  if (r.status !== 0) throw new Error(`paddock ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Runs a shell command; throws when it fails. */
export function sh(cwd, command) {
  return execFileSync('/bin/sh', ['-c', command], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
}

export function tempDir(prefix) {
  return mkdtempSync(path.join(process.env.PADDOCK_BENCH_DIR ?? os.tmpdir(), `paddock-bench-${prefix}-`));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** A file of `bytes` random bytes. */
export function writeRandomFile(file, bytes) {
  const chunk = Buffer.alloc(4 << 20);
  const fd = openSync(file, 'w');
  for (let left = bytes; left > 0; left -= chunk.length) {
    randomFillSync(chunk);
    writeSync(fd, chunk, 0, Math.min(chunk.length, left));
  }
  closeSync(fd);
}

/** `count` files of `size` random bytes in 100 subfolders. */
export function writeManyFiles(dir, count, size) {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `d${String(i % 100).padStart(2, '0')}`);
    if (i < 100) mkdirSync(sub, { recursive: true });
    randomFillSync(buf);
    const fd = openSync(path.join(sub, `f${i}.bin`), 'w');
    writeSync(fd, buf);
    closeSync(fd);
  }
}

/** Initialises a paddock project (and a git repo, as users have) in dir. */
export function initProject(dir) {
  sh(dir, 'git init -q');
  paddock(dir, ['init', '-q']);
}

/** A table row: what was measured, our figure, the reference's, and the ratio; `pass` null when there is nothing to meet (reported or skipped). */
export function row(name, ours, reference, referenceName, target, ratio, pass) {
  return { name, ours, reference, referenceName, target, ratio, pass };
}

/** Markdown table of the rows. */
export function table(rows) {
  const lines = [
    '| benchmark | Paddock | reference | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.name} | ${r.ours} | ${r.reference} (${r.referenceName}) | ${r.ratio} | ${r.target} | ${r.pass === null ? '–' : r.pass ? 'yes' : '**no**'} |`),
  ];
  return lines.join('\n');
}

export function fmtSeconds(s) {
  return s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`;
}

/** The middle value; the mean of the two middle ones for an even count. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
