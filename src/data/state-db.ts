import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { fail } from '../core/errors.js';

/** What the state remembers about a file: its stat signature and md5. */
export interface FileSig {
  readonly ino: number;
  readonly mtime: number;
  readonly size: number;
}

/** One file of a remembered directory: [relpath, ino, mtimeMs, size, md5]. */
export type DirStateEntry = readonly [string, number, number, number, string];

/** A directory's last hash with the per-file signatures it was computed from. */
export interface DirState {
  readonly md5: string;
  readonly size: number;
  readonly nfiles: number;
  readonly entries: readonly DirStateEntry[];
}

/** The stat signature Paddock compares: inode, mtime (ms with sub-µs precision) and size. */
export function sigOf(st: { readonly ino: number; readonly mtimeMs: number; readonly size: number }): FileSig {
  return { ino: st.ino, mtime: st.mtimeMs, size: st.size };
}

/**
 * The state database (<stateDir>/state.db, SQLite in WAL mode): (inode, mtime, size) → md5 for
 * files, and for each directory path its last manifest hash with every file's signature, so a
 * status over 100k unchanged files is one query and a stat loop. Also remembers which `.dir`
 * objects were verified complete in the cache (cleared whenever objects are removed).
 */
export class StateDb {
  private readonly db: Database.Database;
  private readonly getFile: Database.Statement<[number], { mtime: number; size: number; md5: string }>;
  private readonly putFile: Database.Statement<[number, number, number, string]>;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    const file = path.join(stateDir, 'state.db');
    try {
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS file_state (ino INTEGER PRIMARY KEY, mtime REAL NOT NULL, size INTEGER NOT NULL, md5 TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS dir_state (path TEXT PRIMARY KEY, md5 TEXT NOT NULL, size INTEGER NOT NULL, nfiles INTEGER NOT NULL, entries TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS cached_dirs (md5 TEXT PRIMARY KEY);
      `);
    } catch (err) {
      fail('IO_ERROR', `${file}: cannot open the state database (${(err as Error).message})`, { path: file }, err);
    }
    this.getFile = this.db.prepare('SELECT mtime, size, md5 FROM file_state WHERE ino = ?');
    this.putFile = this.db.prepare('INSERT OR REPLACE INTO file_state (ino, mtime, size, md5) VALUES (?, ?, ?, ?)');
  }

  /** The md5 remembered for a file whose signature is unchanged, else undefined. */
  fileMd5(sig: FileSig): string | undefined {
    const row = this.getFile.get(sig.ino);
    return row && row.mtime === sig.mtime && row.size === sig.size ? row.md5 : undefined;
  }

  rememberFile(sig: FileSig, md5: string): void {
    this.putFile.run(sig.ino, sig.mtime, sig.size, md5);
  }

  dir(absPath: string): DirState | undefined {
    const row = this.db.prepare('SELECT md5, size, nfiles, entries FROM dir_state WHERE path = ?').get(absPath) as
      | { md5: string; size: number; nfiles: number; entries: string }
      | undefined;
    if (!row) return undefined;
    try {
      return { md5: row.md5, size: row.size, nfiles: row.nfiles, entries: JSON.parse(row.entries) as DirStateEntry[] };
    } catch {
      return undefined; // a damaged row only costs a re-hash
    }
  }

  rememberDir(absPath: string, state: DirState): void {
    this.db.prepare('INSERT OR REPLACE INTO dir_state (path, md5, size, nfiles, entries) VALUES (?, ?, ?, ?, ?)')
      .run(absPath, state.md5, state.size, state.nfiles, JSON.stringify(state.entries));
  }

  isDirCached(md5: string): boolean {
    return this.db.prepare('SELECT 1 FROM cached_dirs WHERE md5 = ?').get(md5) !== undefined;
  }

  markDirCached(md5: string): void {
    this.db.prepare('INSERT OR IGNORE INTO cached_dirs (md5) VALUES (?)').run(md5);
  }

  /** Forgets every "complete in cache" mark: called whenever objects leave the cache. */
  forgetCachedDirs(): void {
    this.db.exec('DELETE FROM cached_dirs');
  }

  /** Runs `fn` in one transaction (batched writes are what makes 100k inserts cheap). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }
}

const open = new Map<string, StateDb>();

/** One StateDb per state folder per process (opened lazily, closed at exit by SQLite). */
export function stateDbFor(stateDir: string): StateDb {
  let db = open.get(stateDir);
  if (!db) {
    db = new StateDb(stateDir);
    open.set(stateDir, db);
  }
  return db;
}
