import type { Migration } from './migration.js';

/**
 * API tokens for `paddock server --auth`: only the SHA-256 of each token is stored, so a copy
 * of the database does not let anyone call the server. Revoked tokens keep their row (with
 * `revoked_at`) so `paddock tokens list` can show what was revoked and when.
 */
export const tokensMigration: Migration = {
  name: '003-tokens',
  async up(db) {
    await db.schema.createTable('api_tokens')
      .addColumn('token_id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(256)', (c) => c.notNull().unique())
      .addColumn('role', 'varchar(16)', (c) => c.notNull())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
  },
};
