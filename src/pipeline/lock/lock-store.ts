import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import { fromSystemError } from '../../core/errors.js';
import type { LockStage, Stage } from '../model.js';
import { readLockFileCached, rememberParsedLock } from './lock-parse-cache.js';
import { applyLockUpdates, lockPathFor, readLockFile, type LockFile } from './lock-file.js';

/**
 * The dvc.lock files of a pipeline (one beside each dvc.yaml), loaded once per command.
 * Updates are serialised (stages finishing in parallel write one after another) and each is
 * written atomically at once, so a kill leaves every completed stage recorded.
 */
export class LockStore {
  private readonly files = new Map<string, LockFile>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly stateDir?: string) {}

  /**
   * Loads the lock files of these dvc.yaml paths (missing ones are empty). With `stateDir`,
   * parsed locks are cached there by (inode, mtime, size).
   */
  static async open(dvcYamls: Iterable<string>, stateDir?: string): Promise<LockStore> {
    const store = new LockStore(stateDir);
    const paths = [...new Set([...dvcYamls].map(lockPathFor))];
    const locks = await Promise.all(paths.map((p) => (stateDir ? readLockFileCached(p, stateDir) : readLockFile(p))));
    for (const lock of locks) store.files.set(lock.file, lock);
    return store;
  }

  /** The recorded entry of a stage, if its lock file has one. */
  entry(stage: Pick<Stage, 'file' | 'name'>): LockStage | undefined {
    return this.files.get(lockPathFor(stage.file))?.stages.get(stage.name);
  }

  /** Records a stage's entry (replacing it in place, or appending) and writes the file. */
  save(stage: Pick<Stage, 'file' | 'name'>, entry: LockStage): Promise<void> {
    return this.enqueue(lockPathFor(stage.file), new Map([[stage.name, entry]]), new Set());
  }

  /**
   * Drops a stage's entry, as `dvc remove` does (repro never does: DVC keeps entries of
   * stages deleted from dvc.yaml). The file is deleted when no stage is left.
   */
  remove(stage: Pick<Stage, 'file' | 'name'>): Promise<void> {
    return this.enqueue(lockPathFor(stage.file), new Map(), new Set([stage.name]));
  }

  private enqueue(file: string, updates: ReadonlyMap<string, LockStage>, removed: ReadonlySet<string>): Promise<void> {
    const run = this.queue.then(() => this.write(file, updates, removed));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(file: string, updates: ReadonlyMap<string, LockStage>, removed: ReadonlySet<string>): Promise<void> {
    const known = this.files.get(file);
    const current = known && known.source !== 'lazy' ? known : await readLockFile(file);
    const left = [...current.stages.keys()].filter((n) => !removed.has(n)).length + [...updates.keys()].filter((n) => !current.stages.has(n)).length;
    if (removed.size > 0 && left === 0) {
      await fs.rm(file, { force: true }).catch((err: unknown) => {
        throw fromSystemError(err, file);
      });
      this.files.set(file, { file, stages: new Map(), source: null });
      return;
    }
    const next = applyLockUpdates(current, updates, removed);
    await writeFileAtomic(file, next.text);
    this.files.set(file, next.lock);
    if (this.stateDir) await rememberParsedLock(next.lock, this.stateDir);
  }
}
