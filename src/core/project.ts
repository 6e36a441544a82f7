import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import type { Logger } from './logging.js';
import type { ObjectStore } from './object-store.js';
import type { ProgressFactory } from './progress.js';
import { CONFIG_FILE } from './config.js';
import { fail } from './errors.js';

/**
 * The repository a command works in, with its configuration and the backends app.ts chose.
 * Passed explicitly to every use-case; nothing reads globals.
 */
export interface Project {
  /** Absolute path of the repository root (where paddock.yaml or .dvc/ lives). */
  readonly root: string;
  readonly config: Config;
  readonly logger: Logger;
  /** Absolute path of the content-addressed cache (DVC 3 layout below it: files/md5/…). */
  readonly cacheDir: string;
  /** Absolute path of Paddock's private folder (.paddock), for the state db, locks, logs. */
  readonly stateDir: string;
  /** True when this is an existing DVC repository used without paddock.yaml. */
  readonly dvcRepo: boolean;
  readonly progress: ProgressFactory;
  /** Opens a configured remote by name (default: core.remote). REMOTE_NOT_CONFIGURED if none. */
  openRemote(name?: string): ObjectStore;
}

/** Paddock's private folder name. */
export const STATE_DIR = '.paddock';

/**
 * Walks up from `cwd` to the first folder holding paddock.yaml, .paddock/ or .dvc/.
 * NOT_A_PROJECT when there is none.
 */
export function findProjectRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (isProjectRoot(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) fail('NOT_A_PROJECT', `${cwd}: not inside a Paddock or DVC project (no ${CONFIG_FILE}, ${STATE_DIR}/ or .dvc/ found)`, { cwd });
    dir = parent;
  }
}

function isProjectRoot(dir: string): boolean {
  return existsSync(path.join(dir, CONFIG_FILE)) || existsSync(path.join(dir, STATE_DIR)) || existsSync(path.join(dir, '.dvc'));
}
