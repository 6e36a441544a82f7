import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import { tempDir } from '../../test-support/cli.js';
import { openMetadataStore, type MetadataStore } from '../../storage/sql/open-metadata-store.js';
import { hashToken, SqlTokenStore } from './token-store.js';

const PG_URI = process.env.PADDOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The same checks on SQLite and on PostgreSQL (migration 003 on both engines). */
function tokenStoreSuite(name: string, open: () => Promise<{ meta: MetadataStore; close: () => Promise<void> }>): void {
  describe(`SqlTokenStore on ${name}`, () => {
    test('create → verify → list → revoke', async () => {
      const { meta, close } = await open();
      try {
        const store = new SqlTokenStore(meta.db);
        const { token, info } = await store.create({ role: 'writer', name: 'ci' });
        expect(await store.verify(token)).toEqual({ tokenId: info.tokenId, name: 'ci', role: 'writer' });
        expect(await store.verify(`${token}x`)).toBeUndefined();
        const unnamed = await store.create({ role: 'reader' });
        expect(unnamed.info.name).toMatch(/^token-[0-9a-f]{8}$/);
        await expect(store.create({ role: 'admin', name: 'ci' })).rejects.toSatisfy((e: unknown) => isPaddockError(e, 'ALREADY_EXISTS'));
        const list = await store.list();
        expect(list.map((t) => t.name).sort()).toEqual(['ci', unnamed.info.name].sort());
        expect(JSON.stringify(list)).not.toContain(token);
        const revoked = await store.revoke(info.tokenId);
        expect(typeof revoked.revokedAt).toBe('number');
        expect(await store.verify(token)).toBeUndefined();
        await expect(store.revoke('nobody')).rejects.toSatisfy((e: unknown) => isPaddockError(e, 'NOT_FOUND'));
        expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
      } finally {
        await close();
      }
    });
  });
}

tokenStoreSuite('SQLite', async () => {
  const tmp = tempDir('paddock-tokens-');
  const meta = await openMetadataStore('sqlite:paddock.db', { root: tmp.dir, artifactsRoot: `${tmp.dir}/artifacts` });
  return { meta, close: async () => { await meta.close(); tmp.cleanup(); } };
});

const admin = new pg.Pool({ connectionString: PG_URI, max: 1 });
afterAll(() => admin.end());
tokenStoreSuite('PostgreSQL', async () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await admin.query(`create schema ${schema}`);
  const uri = `${PG_URI}${PG_URI.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const meta = await openMetadataStore(uri, { root: '/', artifactsRoot: 's3://bucket/artifacts' });
  return { meta, close: async () => { await meta.close(); await admin.query(`drop schema ${schema} cascade`); } };
});
