import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Runs a shell command in cwd and returns its stdout (throws on failure). */
export function shell(cwd: string, command: string): string {
  return execFileSync('/bin/sh', ['-c', command], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** `count` files of `size` random bytes spread over 20 subfolders. */
export function makeFiles(dir: string, count: number, size: number): void {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `p${i % 20}`);
    if (i < 20) mkdirSync(sub, { recursive: true });
    randomFillSync(buf);
    writeFileSync(path.join(sub, `f${i}.bin`), buf);
  }
}
