import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isPaddockError } from '../../../core/errors.js';
import { openDatabase, type SqlDatabase } from '../open-database.js';
import type { Migration } from './migration.js';
import { runMigrations } from './run-migrations.js';

const PG_URI = process.env.PADDOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = new pg.Pool({ connectionString: PG_URI, max: 1 });
afterAll(() => admin.end());

const createT1: Migration = { name: '001-t1', up: (db) => db.schema.createTable('t1').addColumn('a', 'integer').execute() };
const createT2: Migration = { name: '002-t2', up: (db) => db.schema.createTable('t2').addColumn('b', 'integer').execute() };
const broken: Migration = {
  name: '003-broken',
  async up(db) {
    await db.schema.createTable('t3').addColumn('c', 'integer').execute();
    await sql`this is not sql`.execute(db);
  },
};

async function tables(d: SqlDatabase): Promise<string[]> {
  const q = d.dialect === 'sqlite'
    ? sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`
    : sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() order by table_name`;
  return (await q.execute(d.db)).rows.map((r) => r.name);
}

const engines: [string, () => Promise<{ d: SqlDatabase; done: () => Promise<void> }>][] = [
  ['SQLite', async () => {
    const d = openDatabase('sqlite::memory:', { root: '/' });
    return { d, done: () => d.close() };
  }],
  ['PostgreSQL', async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    await admin.query(`create schema ${schema}`);
    const d = openDatabase(`${PG_URI}?options=${encodeURIComponent(`-c search_path=${schema}`)}`, { root: '/' });
    return { d, done: async () => { await d.close(); await admin.query(`drop schema ${schema} cascade`); } };
  }],
];

describe.each(engines)('runMigrations on %s', (_name, open) => {
  it('applies pending migrations in order, once, and records them', async () => {
    const { d, done } = await open();
    expect(await runMigrations(d.db, d.dialect, [createT1])).toEqual(['001-t1']);
    expect(await runMigrations(d.db, d.dialect, [createT1, createT2])).toEqual(['002-t2']);
    expect(await runMigrations(d.db, d.dialect, [createT1, createT2])).toEqual([]);
    expect(await tables(d)).toEqual(['paddock_migrations', 't1', 't2']);
    await done();
  });

  it('rolls a failing run back entirely: nothing of it is applied or recorded', async () => {
    const { d, done } = await open();
    await runMigrations(d.db, d.dialect, [createT1]);
    const err = await runMigrations(d.db, d.dialect, [createT1, createT2, broken]).catch((e: unknown) => e);
    expect(isPaddockError(err)).toBe(true);
    expect(await tables(d)).toEqual(['paddock_migrations', 't1']);
    const names = await d.db.selectFrom('paddock_migrations' as never).select('name' as never).execute();
    expect(names).toEqual([{ name: '001-t1' }]);
    await done();
  });
});

describe('openDatabase', () => {
  it('rejects an unknown URI scheme with CONFIG_INVALID naming metadata.uri', () => {
    let err: unknown;
    try {
      openDatabase('mysql://x', { root: '/' });
    } catch (e) {
      err = e;
    }
    expect(isPaddockError(err, 'CONFIG_INVALID')).toBe(true);
    expect((err as Error).message).toContain('metadata.uri');
  });
});
