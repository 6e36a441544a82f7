import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPaddockError } from '../../../core/errors.js';
import { PredictionLogger, type PredictionRecord } from '../../../monitoring/index.js';
import { predictionLogContract } from '../../contracts/prediction-log.contract.js';
import { migrated } from '../../../test-support/sql-databases.js';
import { niceOfThreads } from '../../../test-support/thread-nice.js';
import type { SqlDatabase } from '../open-database.js';
import { SqlPredictionLog } from './sql-prediction-log.js';
import { SqliteWriterThread } from './sqlite-writer-thread.js';

const tempDirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paddock-writer-'));
  tempDirs.push(dir);
  return path.join(dir, 'paddock.db');
}
afterEach(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

predictionLogContract('SqlPredictionLog on SQLite in a file, appending on a writer thread', async ({ clock, keyColumnOf }) => {
  const database = await migrated(`sqlite:${tempFile()}`);
  const store = new SqlPredictionLog(database, { clock, keyColumnOf, writerThread: true });
  return { store, cleanup: async () => { await store.close(); await database.close(); } };
});

function row(requestId: string, rowIndex = 0): PredictionRecord {
  return { requestId, rowIndex, deployment: 'd', model: 'm', version: '1', variant: 'default', inputs: { x: rowIndex, s: 'a"b' }, outputs: { y: [0.25, 0.75] }, latencyMs: 1.5, at: 1000 + rowIndex };
}

/** Records as the writer takes them: values row after row, in PREDICTION_LOG_COLUMNS order. */
function flat(records: readonly PredictionRecord[], keys?: readonly (string | null)[]): unknown[] {
  return records.flatMap((r, i) => [r.deployment, r.requestId, r.rowIndex, r.model, r.version, r.variant, r.at, r.latencyMs, JSON.stringify(r.inputs), JSON.stringify(r.outputs), keys?.[i] ?? null]);
}

/** The logged rows as stored, in insertion (id) order. */
function storedRows(file: string): { request_id: string; row_index: number; inputs: string; outputs: string }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('select request_id, row_index, inputs, outputs from prediction_log order by id').all() as never;
  } finally {
    db.close();
  }
}

describe('SqliteWriterThread', () => {
  let file: string;
  let database: SqlDatabase;
  beforeEach(async () => {
    file = tempFile();
    database = await migrated(`sqlite:${file}`);
  });
  afterEach(async () => {
    await database.close();
  });

  it('writes batches in the order given, more than one statement chunk each, and close waits for all of them', async () => {
    const store = new SqlPredictionLog(database, { writerThread: true });
    // Not awaited one by one: close() must still see every batch written.
    const writes = [0, 1, 2].map((b) => store.append(Array.from({ length: 700 }, (_, i) => row(`r${b}`, i))));
    await store.close();
    await Promise.all(writes);
    const rows = storedRows(file);
    expect(rows).toHaveLength(2100);
    expect(rows.map((r) => `${r.request_id}/${r.row_index}`)).toEqual([0, 1, 2].flatMap((b) => Array.from({ length: 700 }, (_, i) => `r${b}/${i}`)));
    expect(JSON.parse(rows[5]!.inputs)).toEqual({ x: 5, s: 'a"b' });
    expect(JSON.parse(rows[5]!.outputs)).toEqual({ y: [0.25, 0.75] });
    await expect(store.append([row('late')])).rejects.toThrow(/closed/);
  });


  it.runIf(process.platform === 'linux')('runs its inserts at a lower priority than the serving thread (the nice value asked)', async () => {
    expect(niceOfThreads()).not.toContain(7);
    const writer = new SqliteWriterThread({ filename: file, nice: 7 });
    await writer.insert(flat([row('a')]), 1);
    expect(niceOfThreads()).toContain(7);
    expect(os.getPriority()).toBe(0);
    await writer.close();
    expect(storedRows(file).map((r) => r.request_id)).toEqual(['a']);
  });

  it('stores texts as given: NUL in an id (unpacked batch), quotes, newlines and non-ASCII in inputs (packed)', async () => {
    const store = new SqlPredictionLog(database, { writerThread: true });
    const odd = { ...row('x'), inputs: { s: 'line\nbreak "q" \u0000 ✓' }, latencyMs: 0.1 + 0.2 };
    await store.append([odd, row('y', 1)]);
    await store.append([row('nul\u0000id'), row('z')]);
    await store.close();
    const rows = storedRows(file);
    expect(rows.map((r) => r.request_id)).toEqual(['x', 'y', 'nul\u0000id', 'z']);
    expect(JSON.parse(rows[0]!.inputs)).toEqual(odd.inputs);
    const read: PredictionRecord[] = [];
    await new SqlPredictionLog(database).scan({ deployment: 'd', since: 0, until: 10_000 }, (b) => { read.push(...b); });
    expect(read.find((r) => r.requestId === 'x')).toMatchObject({ latencyMs: 0.1 + 0.2, at: 1000, rowIndex: 0, model: 'm', version: '1', variant: 'default' });
    expect(read.find((r) => r.requestId === 'y')).toMatchObject({ rowIndex: 1, at: 1001 });
  });

  it('stores every row\'s inputs and outputs as JSON.stringify writes them, whether the row follows the batch\'s layout or not', async () => {
    const store = new SqlPredictionLog(database, { writerThread: true });
    const base = { deployment: 'd', model: 'm', version: '1', variant: 'default', latencyMs: 1, at: 1000 };
    const records: PredictionRecord[] = [
      // The layout (from the first row): numbers, a string, an array of numbers, integer-like keys first.
      { ...base, requestId: 'a', rowIndex: 0, inputs: { hour: 17, origin: 'ORD', 2: 5 }, outputs: { label: 0, probabilities: [0.569017767906189, 0.43098223209381104] } },
      { ...base, requestId: 'b', rowIndex: 1, inputs: { hour: -0, origin: 'é "q"\n✓', 2: Number.NaN }, outputs: { label: Infinity, probabilities: [1e21, 5e-324, -1.5e-7] } },
      { ...base, requestId: 'c', rowIndex: 2, inputs: { hour: 1, origin: 'SFO', 2: 3 }, outputs: { label: 1, probabilities: [] } },
      // Not the layout: other keys, another order, another kind, NUL in a string, a nested value.
      { ...base, requestId: 'd', rowIndex: 3, inputs: { origin: 'SFO', hour: 1, 2: 3 }, outputs: { label: 1, probabilities: [0.5] } },
      { ...base, requestId: 'e', rowIndex: 4, inputs: { hour: '17', origin: 'ORD', 2: 5 }, outputs: { label: 1, probabilities: [0.5] } },
      { ...base, requestId: 'f', rowIndex: 5, inputs: { hour: 1, origin: 'a\u0000b', 2: 3 }, outputs: { label: 1, probabilities: [0.5] } },
      { ...base, requestId: 'g', rowIndex: 6, inputs: { hour: 1, origin: 'x', 2: 3 }, outputs: { label: 1, probabilities: [0.5, 'x'] } },
      { ...base, requestId: 'h', rowIndex: 7, inputs: { hour: 1, origin: 'x', 2: 3, extra: { deep: [1, null, true] } }, outputs: {} },
      { ...base, requestId: 'i', rowIndex: 8, inputs: { hour: 1, origin: 'x' }, outputs: { label: 1, probabilities: [0.5] } },
    ];
    await store.append(records);
    // A batch whose first row has no layout (a nested value) is written as JSON throughout.
    await store.append([records[7]!, records[0]!].map((r, i) => ({ ...r, requestId: `${r.requestId}2`, rowIndex: i })));
    await store.close();
    const rows = storedRows(file);
    const expected = [...records, records[7]!, records[0]!];
    expect(rows.map((r) => [r.inputs, r.outputs])).toEqual(expected.map((r) => [JSON.stringify(r.inputs), JSON.stringify(r.outputs)]));
    expect(rows.map((r) => r.row_index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1]);
  });

  it('stores each row with its label key where one is given', async () => {
    const writer = new SqliteWriterThread({ filename: file });
    await writer.insert(flat([row('k', 0), row('k', 1)], [null, 'cust-9']), 2);
    await writer.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('select label_key from prediction_log order by id').pluck().all()).toEqual([null, 'cust-9']);
    db.close();
  });

  it('reports a lock held past the busy timeout as LOCKED, and writes once it is released', async () => {
    const writer = new SqliteWriterThread({ filename: file, busyTimeoutMs: 50 });
    const other = new Database(file);
    other.exec('begin immediate');
    const err = await writer.insert(flat([row('x')]), 1).catch((e: unknown) => e);
    expect(isPaddockError(err, 'LOCKED')).toBe(true);
    other.exec('commit');
    other.close();
    await writer.insert(flat([row('x')]), 1);
    await writer.close();
    expect(storedRows(file)).toHaveLength(1);
  });

  it('rejects every waiting batch when the thread dies (here: the file cannot be opened), and starts a new thread for the next', async () => {
    const missing = path.join(path.dirname(file), 'later.db');
    const writer = new SqliteWriterThread({ filename: missing });
    const results = await Promise.allSettled([writer.insert(flat([row('a')]), 1), writer.insert(flat([row('b')]), 1)]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(String((r as PromiseRejectedResult).reason.message)).toMatch(/writer thread for .*later\.db stopped/);
    }
    const later = await migrated(`sqlite:${missing}`);
    await later.close();
    await writer.insert(flat([row('c')]), 1);
    await writer.close();
    expect(storedRows(missing).map((r) => r.request_id)).toEqual(['c']);
  });

  it('refuses a batch whose value count does not match its rows', async () => {
    const writer = new SqliteWriterThread({ filename: file });
    await expect(writer.insert(flat([row('a')]), 2)).rejects.toThrow(/a batch of 2 rows needs 22 values, got 11/);
    await writer.close();
  });
});

describe('PredictionLogger over the writer thread', () => {
  it('never blocks while the database is locked: drops and counts what exceeds the buffer, then writes the rest on close', async () => {
    const file = tempFile();
    const database = await migrated(`sqlite:${file}`);
    const store = new SqlPredictionLog(database, { writerThread: true });
    const logger = new PredictionLogger({ store, bufferSize: 5, flushIntervalMs: 3_600_000 });
    const other = new Database(file);
    other.exec('begin immediate');
    for (let i = 0; i < 3; i++) logger.record(row(`a${i}`));
    const flushing = logger.flush();
    for (let i = 0; i < 5; i++) logger.record(row(`b${i}`));
    expect(logger.counts()).toEqual({ written: 0, dropped: 3, buffered: 5 });
    other.exec('commit');
    other.close();
    await flushing;
    await logger.close();
    await store.close();
    expect(logger.counts()).toEqual({ written: 5, dropped: 3, buffered: 0 });
    expect(storedRows(file).map((r) => r.request_id)).toEqual(['a0', 'a1', 'a2', 'b0', 'b1']);
    await database.close();
  });
});
