import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { MIGRATIONS } from './migrations/index.js';
import { runMigrations } from './migrations/run-migrations.js';
import { openDatabase, type SqlDialectName } from './open-database.js';
import { SqlTrackingStore } from './sql-tracking-store.js';
import type { TrackingTables } from './tracking-schema.js';

/** The metadata database, migrated, with the tracking store over it. */
export interface MetadataStore {
  readonly tracking: SqlTrackingStore;
  /** The shared Kysely instance (other SQL stores, e.g. the registry, are built on it). */
  readonly db: Kysely<TrackingTables>;
  readonly dialect: SqlDialectName;
  /** The better-sqlite3 handle under `db` (SQLite only), for statements prepared once (hot paths). */
  readonly sqliteHandle?: Database.Database;
  /** Closes the database; the stores are unusable afterwards. */
  close(): Promise<void>;
}

/**
 * Opens `sqlite:<path>` or `postgres://…`, applies pending migrations (safe from several
 * processes at once) and builds the tracking store. `root` resolves relative SQLite paths;
 * `artifactsRoot` is where experiments put artifacts by default.
 */
export async function openMetadataStore(uri: string, options: { root: string; artifactsRoot: string; clock?: Clock }): Promise<MetadataStore> {
  const database = openDatabase<TrackingTables>(uri, { root: options.root });
  try {
    await runMigrations(database.db, database.dialect, MIGRATIONS);
    const tracking = await SqlTrackingStore.open(database.db, {
      dialect: database.dialect, artifactsRoot: options.artifactsRoot, ...(options.clock ? { clock: options.clock } : {}),
      ...(database.sqliteHandle ? { sqliteHandle: database.sqliteHandle } : {}),
    });
    return { tracking, db: database.db, dialect: database.dialect, ...(database.sqliteHandle ? { sqliteHandle: database.sqliteHandle } : {}), close: () => database.close() };
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
}
