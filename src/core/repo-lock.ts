import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fail } from './errors.js';

/**
 * Runs `fn` holding the repository's write lock (.paddock/lock, created with O_EXCL and
 * holding the owner's pid). A lock whose process is gone (killed with -9, say) is stale and
 * is taken over, so a crash never wedges the repository.
 */
export async function withRepoLock<T>(stateDir: string, fn: () => Promise<T>): Promise<T> {
  const file = path.join(stateDir, 'lock');
  await fs.mkdir(stateDir, { recursive: true });
  await acquire(file);
  try {
    return await fn();
  } finally {
    await fs.rm(file, { force: true });
  }
}

async function acquire(file: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
      if (owner && owner !== process.pid && isAlive(owner)) {
        fail('LOCKED', `the repository is locked by process ${owner} (${file})`, { pid: owner, file });
      }
      await fs.rm(file, { force: true });
    }
  }
  fail('LOCKED', `could not take the repository lock ${file}`, { file });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
