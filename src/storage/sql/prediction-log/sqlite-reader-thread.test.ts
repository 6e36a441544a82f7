import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoggedPrediction, PredictionRecord } from '../../../monitoring/index.js';
import { predictionLogContract } from '../../contracts/prediction-log.contract.js';
import { tempDir } from '../../../test-support/cli.js';
import { countTurns } from '../../../test-support/event-loop-turns.js';
import { migrated } from '../../../test-support/sql-databases.js';
import { SqlPredictionLog } from './sql-prediction-log.js';
import { SqliteReaderThread } from './sqlite-reader-thread.js';

const tmp = tempDir('paddock-reader-');
afterAll(tmp.cleanup);
let files = 0;
const tempFile = (): string => path.join(tmp.dir, `log-${files++}.db`);

predictionLogContract('SqlPredictionLog on SQLite in a file, scanning on a reader thread', async ({ clock, keyColumnOf }) => {
  const database = await migrated(`sqlite:${tempFile()}`);
  const store = new SqlPredictionLog(database, { clock, keyColumnOf, writerThread: true, readerThread: true });
  return { store, cleanup: async () => { await store.close(); await database.close(); } };
});

const T0 = 1_700_000_000_000;

function records(n: number): PredictionRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    requestId: `r${i}`, rowIndex: 0, deployment: 'd', model: 'm', version: '1', variant: 'stable',
    inputs: { x: i, s: `a"b\n${i}` }, outputs: { y: [i / 4, 1 - i / 4] }, latencyMs: 0.5, at: T0 + Math.floor(i / 3),
  }));
}

describe('SqlPredictionLog scan on a reader thread', () => {
  it('reads every page on the thread\'s own connection: the scan finishes with the store\'s connection closed', async () => {
    const file = tempFile();
    const database = await migrated(`sqlite:${file}`);
    const store = new SqlPredictionLog(database, { readerThread: true, scanBatchRows: 700 });
    await store.append(records(2500));
    await database.close();
    const seen: LoggedPrediction[] = [];
    const batches: number[] = [];
    try {
      await store.scan({ deployment: 'd', since: T0, until: T0 + 10_000 }, (batch) => {
        batches.push(batch.length);
        seen.push(...batch);
      });
    } finally {
      await store.close();
    }
    // Pages of 700 (the last 400), each handed over whole: under the delivery size.
    expect(batches).toEqual([700, 700, 700, 400]);
    expect(seen.map((r) => r.requestId)).toEqual(records(2500).map((r) => r.requestId));
    expect(seen[7]).toEqual(records(8)[7]);
  });

  it('hands a page over in batches of at most 1,000 rows with a turn of the event loop before each', async () => {
    const database = await migrated(`sqlite:${tempFile()}`);
    const store = new SqlPredictionLog(database, { readerThread: true });
    try {
      await store.append(records(7200));
      const loop = countTurns();
      const batches: { size: number; turns: number }[] = [];
      await store.scan({ deployment: 'd', since: T0, until: T0 + 10_000 }, (batch) => {
        batches.push({ size: batch.length, turns: loop.turns });
      });
      loop.stop();
      expect(batches.map((b) => b.size)).toEqual([1000, 1000, 1000, 1000, 1000, 1000, 1000, 200]);
      for (let i = 1; i < batches.length; i++) expect(batches[i]!.turns).toBeGreaterThan(batches[i - 1]!.turns);
    } finally {
      await store.close();
      await database.close();
    }
  });

  it('reports the caller\'s failure once, with the page read ahead left unawaited and no unhandled rejection', async () => {
    const database = await migrated(`sqlite:${tempFile()}`);
    const store = new SqlPredictionLog(database, { readerThread: true, scanBatchRows: 100 });
    try {
      await store.append(records(300));
      await expect(store.scan({ deployment: 'd', since: T0, until: T0 + 10_000 }, () => {
        throw new Error('caller failed');
      })).rejects.toThrow('caller failed');
    } finally {
      await store.close();
      await database.close();
    }
  });
});

describe('SqliteReaderThread', () => {
  it('returns rows as arrays: texts, numbers and NULLs in their columns; a NUL inside a text comes back whole', async () => {
    const file = tempFile();
    const db = new Database(file);
    db.exec('create table t (id integer primary key, name text, score real, note text)');
    const insert = db.prepare('insert into t (name, score, note) values (?, ?, ?)');
    insert.run('a', 1.5, null);
    insert.run('', null, 'x\ny');
    db.close();
    const reader = new SqliteReaderThread({ filename: file });
    try {
      const select = 'select id, name, score, note from t where id >= ? order by id';
      expect(await reader.select(select, [1], ['n', 't', 'n', 't'])).toEqual([[1, 'a', 1.5, null], [2, '', null, 'x\ny']]);
      const other = new Database(file);
      other.prepare('insert into t (name, score, note) values (?, ?, ?)').run('nul\0inside', -0.25, 'z');
      other.close();
      expect(await reader.select(select, [2], ['n', 't', 'n', 't'])).toEqual([[2, '', null, 'x\ny'], [3, 'nul\0inside', -0.25, 'z']]);
    } finally {
      await reader.close();
    }
  });

  it('opens the file read-only: a write is refused with a catalogue error and the thread goes on', async () => {
    const file = tempFile();
    const db = new Database(file);
    db.exec('create table t (id integer primary key)');
    db.close();
    const reader = new SqliteReaderThread({ filename: file });
    try {
      await expect(reader.select('insert into t (id) values (1) returning id', [], ['n'])).rejects.toMatchObject({ code: 'INTERNAL', details: { driverCode: 'SQLITE_READONLY' } });
      expect(await reader.select('select count(*) from t', [], ['n'])).toEqual([[0]]);
    } finally {
      await reader.close();
    }
  });

  it('rejects when the thread cannot open the file, naming it', async () => {
    const reader = new SqliteReaderThread({ filename: path.join(tmp.dir, 'missing.db') });
    await expect(reader.select('select 1', [], ['n'])).rejects.toThrow(/reader thread for .*missing\.db stopped/);
    await reader.close();
  });
});
