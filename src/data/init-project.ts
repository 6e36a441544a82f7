import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE } from '../core/config.js';
import { writeFileAtomic } from '../core/fs-atomic.js';
import { STATE_DIR } from '../core/project.js';
import { stateDbFor } from './state-db.js';

/** What `paddock init` did. */
export interface InitResult {
  readonly root: string;
  readonly created: readonly string[];
}

const DEFAULT_CONFIG = `# Paddock project settings. Every key is optional; defaults are shown commented out.
# core:
#   remote: ''            # default remote for push/pull/fetch
#   jobs: 16              # parallel transfers and hashing
# cache:
#   dir: .paddock/cache
#   type: reflink,copy    # link types tried in order: reflink, hardlink, symlink, copy
# metadata:
#   uri: sqlite:.paddock/paddock.db
# remotes:
#   storage:
#     url: s3://bucket/prefix
#     endpoint: http://127.0.0.1:9000
`;

/**
 * Creates paddock.yaml, .paddock/ (cache and the SQLite state database) and the .gitignore entry for .paddock/.
 * Idempotent: running it again changes nothing and reports nothing created.
 */
export async function initProject(dir: string): Promise<InitResult> {
  const root = path.resolve(dir);
  const created: string[] = [];
  const configFile = path.join(root, CONFIG_FILE);
  if (!existsSync(configFile)) {
    await writeFileAtomic(configFile, DEFAULT_CONFIG);
    created.push(CONFIG_FILE);
  }
  const cache = path.join(root, STATE_DIR, 'cache');
  if (!existsSync(cache)) {
    await fs.mkdir(cache, { recursive: true });
    created.push(`${STATE_DIR}/`);
  }
  // The local state database (SQLite): created now so a fresh project is complete on disk.
  stateDbFor(path.join(root, STATE_DIR));
  if (await ensureGitignore(root, `/${STATE_DIR}/`)) created.push('.gitignore entry /.paddock/');
  return { root, created };
}

/** Appends `entry` to root/.gitignore unless a line already says it. Returns whether it wrote. */
export async function ensureGitignore(dir: string, entry: string): Promise<boolean> {
  const file = path.join(dir, '.gitignore');
  const text = existsSync(file) ? await fs.readFile(file, 'utf8') : '';
  if (text.split(/\r?\n/).includes(entry)) return false;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  await writeFileAtomic(file, `${text}${sep}${entry}\n`);
  return true;
}
