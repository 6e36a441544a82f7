import { sql, type Kysely } from 'kysely';
import type { SqlDialectName } from '../open-database.js';
import { writeTransaction } from '../write-transaction.js';
import type { Migration } from './migration.js';

/**
 * Applies the migrations not yet recorded in `paddock_migrations`, in order, in one transaction.
 * Safe when several processes open the database at once: SQLite's BEGIN IMMEDIATE and
 * Postgres's transaction-scoped advisory lock (keyed by schema, so parallel test schemas do
 * not wait on each other) let one process migrate while the others wait, then find it done.
 * Returns the names applied by this call.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runMigrations(db: Kysely<any>, dialect: SqlDialectName, migrations: readonly Migration[]): Promise<readonly string[]> {
  assertUniqueNames(migrations);
  return writeTransaction(db, dialect, async (trx) => {
    if (dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock(hashtext('paddock_migrations:' || current_schema()))`.execute(trx);
    }
    await trx.schema.createTable('paddock_migrations').ifNotExists()
      .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
    const done = new Set((await trx.selectFrom('paddock_migrations').select('name').execute()).map((r: { name: string }) => r.name));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await m.up(trx, dialect);
      await trx.insertInto('paddock_migrations').values({ name: m.name, applied_at: Date.now() }).execute();
      applied.push(m.name);
    }
    return applied;
  });
}

function assertUniqueNames(migrations: readonly Migration[]): void {
  const seen = new Set<string>();
  for (const m of migrations) {
    if (seen.has(m.name)) throw new Error(`migration '${m.name}' is listed twice`);
    seen.add(m.name);
  }
}
