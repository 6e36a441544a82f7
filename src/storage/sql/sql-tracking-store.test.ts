import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { trackingStoreContract } from '../contracts/tracking-store.contract.js';
import { tempDir } from '../../test-support/cli.js';
import { openMetadataStore } from './open-metadata-store.js';

const PG_URI = process.env.PADDOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

trackingStoreContract('SQLite (file in a temp dir)', async () => {
  const tmp = tempDir('paddock-sql-');
  const meta = await openMetadataStore('sqlite:meta/paddock.db', { root: tmp.dir, artifactsRoot: path.join(tmp.dir, 'artifacts') });
  return {
    store: meta.tracking,
    artifactsRoot: path.join(tmp.dir, 'artifacts'),
    close: async () => {
      await meta.close();
      tmp.cleanup();
    },
  };
});

describe('PostgreSQL', () => {
  // One admin pool creates and drops a fresh schema per test; test files run in parallel.
  const admin = new pg.Pool({ connectionString: PG_URI, max: 2 });
  afterAll(() => admin.end());

  trackingStoreContract('PostgreSQL (fresh schema)', async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    await admin.query(`create schema ${schema}`);
    const uri = `${PG_URI}${PG_URI.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const meta = await openMetadataStore(uri, { root: '/', artifactsRoot: 's3://bucket/artifacts' });
    return {
      store: meta.tracking,
      artifactsRoot: 's3://bucket/artifacts',
      close: async () => {
        await meta.close();
        await admin.query(`drop schema ${schema} cascade`);
      },
    };
  });
});
