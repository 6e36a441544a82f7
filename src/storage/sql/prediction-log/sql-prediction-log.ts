import type Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { systemClock, type Clock } from '../../../core/clock.js';
import {
  checkJoinWindow, labelKeyOf, SHADOW_VARIANT,
  type LabelRecord, type LoggedPrediction, type PredictionLogStore, type PredictionQuery, type PredictionRecord,
} from '../../../monitoring/index.js';
import { translateDbError } from '../db-errors.js';
import type { SqlDialectName } from '../open-database.js';
import { writeTransaction } from '../write-transaction.js';
import type { PredictionLogTables } from './prediction-log-schema.js';
import { SqliteReaderThread, type ColumnKind } from './sqlite-reader-thread.js';
import { PREDICTION_LOG_COLUMNS as APPEND_COLUMNS, SqliteWriterThread, packRecords } from './sqlite-writer-thread.js';

/** The open metadata database the log lives in (an SqlDatabase, or openMetadataStore's result). */
export interface PredictionLogDatabase {
  // Any Kysely over the shared database: the prediction log table is typed inside the store.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  readonly dialect: SqlDialectName;
  /** The better-sqlite3 handle under `db` (SQLite only): appends then run as one prepared statement. */
  readonly sqliteHandle?: Database.Database;
}

/**
 * Rows per scan page, each handed to the caller as one batch. On SQLite without the reader thread
 * a page's query holds the calling thread (5,000 rows held it 60–130 ms through Kysely's row
 * objects); as raw arrays, with pages that start where the last ended, 1,000 rows hold it about
 * 9 ms here and the whole scan takes no longer than in pages of 5,000 (2.2–2.7 s against 2.2 s for
 * 300k rows). On the reader thread only the rows' JSON and the caller's work (a monitoring
 * window's profiles) are left on the event loop: pages of 5,000 rows held it about 10 ms each,
 * pages of 1,000 mostly under 8 ms.
 */
const SCAN_BATCH_ROWS = 1000;

/** The columns a scan reads, in the order its pages give them (see loggedOfArray), and their kinds: numbers or texts. */
const SCAN_COLUMNS = ['id', 'deployment', 'request_id', 'row_index', 'model', 'version', 'variant', 'at', 'latency_ms', 'inputs', 'outputs', 'label', 'labeled_at'] as const;
const SCAN_NUMBERS: ReadonlySet<string> = new Set(['id', 'row_index', 'at', 'latency_ms', 'labeled_at']);
const SCAN_KINDS: readonly ColumnKind[] = SCAN_COLUMNS.map((column) => (SCAN_NUMBERS.has(column) ? 'n' : 't'));
const SCAN_ID = SCAN_COLUMNS.indexOf('id');
const SCAN_AT = SCAN_COLUMNS.indexOf('at');

/** Options of {@link SqlPredictionLog}. */
export interface SqlPredictionLogOptions {
  /** The deployment's declared key column (monitoring.labels), copied to an indexed column at append time. */
  readonly keyColumnOf?: (deployment: string) => string | undefined;
  readonly clock?: Clock;
  /** Rows per scan batch (default SCAN_BATCH_ROWS). */
  readonly scanBatchRows?: number;
  /**
   * SQLite in a file: append on a worker thread with its own connection (serving's writer), so
   * the inserts never hold the event loop. Ignored for PostgreSQL and in-memory SQLite.
   */
  readonly writerThread?: boolean;
  /**
   * SQLite in a file: scans read on a worker thread with its own read-only connection (a serving
   * process's monitoring window), so the queries never hold the event loop. Ignored elsewhere.
   */
  readonly readerThread?: boolean;
}


// 13 bound values a row: 500 rows stay under SQLite's 32766 variables and Postgres' 65535.
const INSERT_CHUNK = 500;

/**
 * PredictionLogStore over the metadata database (SQLite or PostgreSQL), the embedded default.
 * Schema from migration 006-prediction-log. A batch is one transaction of multi-row inserts;
 * windows are read by the (deployment, at) index in keyset pages; labels join by request id
 * (indexed) or by the key column: the indexed `label_key` copy when the join's column is the
 * deployment's declared one, else the value read from the inputs JSON (slower, same answer).
 */
export class SqlPredictionLog implements PredictionLogStore {
  private readonly db: Kysely<PredictionLogTables>;
  private readonly dialect: SqlDialectName;
  private readonly clock: Clock;
  private readonly keyColumnOf: (deployment: string) => string | undefined;
  private readonly scanBatchRows: number;
  private readonly sqlite: Database.Database | undefined;
  /** Prepared multi-row inserts by row count (SQLite): a full chunk and the batch's remainder. */
  private readonly inserts = new Map<number, Database.Statement>();
  private readonly writer: SqliteWriterThread | undefined;
  private readonly reader: SqliteReaderThread | undefined;

  constructor(database: PredictionLogDatabase, options: SqlPredictionLogOptions = {}) {
    this.db = database.db as Kysely<PredictionLogTables>;
    this.dialect = database.dialect;
    this.sqlite = database.dialect === 'sqlite' ? database.sqliteHandle : undefined;
    this.clock = options.clock ?? systemClock;
    this.keyColumnOf = options.keyColumnOf ?? (() => undefined);
    this.scanBatchRows = options.scanBatchRows ?? SCAN_BATCH_ROWS;
    if (options.writerThread && this.sqlite && !this.sqlite.memory) {
      this.writer = new SqliteWriterThread({ filename: this.sqlite.name });
    }
    if (options.readerThread && this.sqlite && !this.sqlite.memory) {
      this.reader = new SqliteReaderThread({ filename: this.sqlite.name });
    }
  }

  async append(records: readonly PredictionRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (this.writer) {
      const packed = packRecords(records, (r) => labelKeyOf(r.inputs, this.keyColumnOf(r.deployment)));
      return packed ? this.writer.insertPacked(packed) : this.writer.insert(this.flatValues(records), records.length);
    }
    if (this.sqlite) return this.appendPrepared(this.sqlite, records);
    // Serialised here, off the request path: the logger hands over the objects serving decoded.
    const rows = records.map((r) => ({
      deployment: r.deployment, request_id: r.requestId, row_index: r.rowIndex, model: r.model, version: r.version, variant: r.variant,
      at: r.at, latency_ms: r.latencyMs, inputs: JSON.stringify(r.inputs), outputs: JSON.stringify(r.outputs),
      label_key: labelKeyOf(r.inputs, this.keyColumnOf(r.deployment)) ?? null, label: null, labeled_at: null,
    }));
    await writeTransaction(this.db, this.dialect, async (trx) => {
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto('prediction_log').values(rows.slice(i, i + INSERT_CHUNK)).execute();
    });
  }

  /**
   * SQLite's fast path: one transaction of prepared multi-row inserts with positional values
   * (Kysely would build and compile a 6,500-parameter statement per chunk). better-sqlite3 runs
   * it synchronously, so the logger hands over batches small enough not to hold the event loop.
   */
  private async appendPrepared(handle: Database.Database, records: readonly PredictionRecord[]): Promise<void> {
    try {
      // Holding Kysely's connection: its driver serialises users of the one handle with a mutex,
      // so no other caller's transaction is open on it while this one runs.
      await this.db.connection().execute(async () => handle.transaction(() => {
        for (let i = 0; i < records.length; i += INSERT_CHUNK) {
          const chunk = records.slice(i, i + INSERT_CHUNK);
          this.insertOf(handle, chunk.length).run(this.flatValues(chunk));
        }
      }).immediate());
    } catch (err) {
      throw translateDbError(err);
    }
  }

  /** The rows' values in APPEND_COLUMNS order, one after another (inputs and outputs as JSON). */
  private flatValues(records: readonly PredictionRecord[]): unknown[] {
    const values = new Array<unknown>(records.length * APPEND_COLUMNS.length);
    let k = 0;
    for (const r of records) {
      values[k++] = r.deployment;
      values[k++] = r.requestId;
      values[k++] = r.rowIndex;
      values[k++] = r.model;
      values[k++] = r.version;
      values[k++] = r.variant;
      values[k++] = r.at;
      values[k++] = r.latencyMs;
      values[k++] = JSON.stringify(r.inputs);
      values[k++] = JSON.stringify(r.outputs);
      values[k++] = labelKeyOf(r.inputs, this.keyColumnOf(r.deployment)) ?? null;
    }
    return values;
  }

  /** Ends the threads once the work given to them is done (the database stays open). */
  async close(): Promise<void> {
    await Promise.all([this.writer?.close(), this.reader?.close()]);
  }

  private insertOf(handle: Database.Database, rows: number): Database.Statement {
    let statement = this.inserts.get(rows);
    if (!statement) {
      const tuple = `(${APPEND_COLUMNS.map(() => '?').join(', ')})`;
      statement = handle.prepare(`insert into prediction_log (${APPEND_COLUMNS.join(', ')}) values ${new Array(rows).fill(tuple).join(', ')}`);
      // A few sizes kept (the oldest goes): batches mostly come in the logger's flush size.
      if (this.inserts.size >= 8) this.inserts.delete(this.inserts.keys().next().value!);
      this.inserts.set(rows, statement);
    }
    return statement;
  }

  /**
   * Reads the window page by page in (at, id) order and hands each page over as a batch, with a
   * turn of the event loop before each: on SQLite a query on this thread is synchronous and
   * awaiting it takes no turn (a serving process evaluating its monitoring window once answered
   * nothing for 32 s, reading 1.26M rows). On the reader thread, or from PostgreSQL, the next page
   * is read while this one is handed over.
   */
  async scan(query: PredictionQuery, onBatch: (batch: readonly LoggedPrediction[]) => void | Promise<void>): Promise<void> {
    const ahead = this.reader !== undefined || this.sqlite === undefined;
    const startPage = (after: ScanPosition | undefined): Promise<unknown[][]> => {
      const page = this.readPage(query, after);
      // Read ahead: a failure is reported when the page is awaited, not as an unhandled rejection.
      page.catch(() => undefined);
      return page;
    };
    let next = startPage(undefined);
    for (;;) {
      const rows = await next;
      const last = rows.at(-1);
      const after = last && rows.length >= this.scanBatchRows ? { at: Number(last[SCAN_AT]), id: Number(last[SCAN_ID]) } : undefined;
      if (after && ahead) next = startPage(after);
      if (rows.length > 0) {
        await nextTurn();
        await onBatch(rows.map(loggedOfArray));
      }
      if (!after) return;
      if (!ahead) next = startPage(after);
    }
  }

  /**
   * One page of a scan, its rows as arrays in SCAN_COLUMNS order: on the reader thread; on SQLite
   * here by a prepared statement in raw mode (better-sqlite3 building 13-column row objects cost
   * more than the query itself); else through Kysely.
   */
  private async readPage(query: PredictionQuery, after: ScanPosition | undefined): Promise<unknown[][]> {
    const page = this.scanPage(query, after).select(SCAN_COLUMNS);
    if (this.reader) {
      const { sql: text, parameters } = page.compile();
      return this.reader.select(text, parameters, SCAN_KINDS);
    }
    const handle = this.sqlite;
    if (handle) {
      const { sql: text, parameters } = page.compile();
      // Holding Kysely's connection, as appends do: no other caller's transaction is open on the handle meanwhile.
      return read(() => this.db.connection().execute(async () => handle.prepare(text).raw(true).all(...parameters) as unknown[][]));
    }
    const rows = await read(() => page.execute());
    return rows.map((row) => SCAN_COLUMNS.map((column) => row[column]));
  }

  /** The query for one page of a scan, after `after` in (at, id) order; its columns still to choose. */
  private scanPage(query: PredictionQuery, after: ScanPosition | undefined) {
    // After a page, the range starts at its last row's time: SQLite bounds the index search by one
    // lower bound only, and with `since` there each page walked the window from its start again
    // (a 300k-row window's pages went from 8 to 52 ms).
    let q = this.db.selectFrom('prediction_log')
      .where('deployment', '=', query.deployment).where('at', '>=', after ? after.at : query.since).where('at', '<', query.until);
    if (query.version !== undefined) q = q.where('version', '=', query.version);
    // Shadow answers only when asked for (PredictionQuery.variant).
    q = query.variant !== undefined ? q.where('variant', '=', query.variant) : q.where('variant', '!=', SHADOW_VARIANT);
    if (query.labeled) q = q.where('label', 'is not', null);
    if (after) {
      const { at, id } = after;
      q = q.where((eb) => eb.or([eb('at', '>', at), eb('id', '>', id)]));
    }
    return q.orderBy('at').orderBy('id').limit(this.scanBatchRows);
  }

  async attachLabels(deployment: string, labels: readonly LabelRecord[], options: { readonly joinWindowMs: number; readonly keyColumn?: string }): Promise<{ matched: number; unmatched: number }> {
    checkJoinWindow(options.joinWindowMs);
    const now = this.clock.now().getTime();
    const keyColumn = options.keyColumn ?? this.keyColumnOf(deployment);
    const indexedKey = keyColumn !== undefined && keyColumn === this.keyColumnOf(deployment);
    let matched = 0;
    await writeTransaction(this.db, this.dialect, async (trx) => {
      for (const label of labels) {
        const at = label.at ?? now;
        const set = { label: JSON.stringify(label.label ?? null), labeled_at: at };
        if (label.requestId !== undefined) {
          // By the (deployment, request_id) index, then the join window on the few rows found: with
          // the window in the query, SQLite walks the (deployment, at) index over the whole window.
          let q = trx.selectFrom('prediction_log').select(['id', 'at']).where('deployment', '=', deployment).where('request_id', '=', label.requestId);
          if (label.rowIndex !== undefined) q = q.where('row_index', '=', label.rowIndex);
          const ids = (await q.execute()).filter((r) => Number(r.at) >= at - options.joinWindowMs && Number(r.at) <= at).map((r) => r.id);
          if (ids.length === 0) continue;
          await trx.updateTable('prediction_log').set(set).where('id', 'in', ids).execute();
          matched++;
          continue;
        }
        if (label.key === undefined || keyColumn === undefined) continue;
        const id = await this.latestWithKey(trx, deployment, keyColumn, indexedKey, label.key, at - options.joinWindowMs, at);
        if (id === undefined) continue;
        await trx.updateTable('prediction_log').set(set).where('id', '=', id).execute();
        matched++;
      }
    });
    return { matched, unmatched: labels.length - matched };
  }

  async prune(before: number): Promise<number> {
    // Per deployment, so each delete walks the (deployment, at) index rather than the table.
    const deployments = await read(() => this.db.selectFrom('prediction_log').select('deployment').distinct().execute());
    let deleted = 0;
    for (const { deployment } of deployments) {
      const result = await writeTransaction(this.db, this.dialect, (trx) =>
        trx.deleteFrom('prediction_log').where('deployment', '=', deployment).where('at', '<', before).executeTakeFirst());
      deleted += Number(result.numDeletedRows);
    }
    return deleted;
  }

  /** The id of the latest prediction in [since, until] whose key column has `key`. */
  private async latestWithKey(trx: Kysely<PredictionLogTables>, deployment: string, column: string, indexed: boolean, key: string, since: number, until: number): Promise<number | undefined> {
    // A key joins the answer the caller got, never a shadow's.
    let q = trx.selectFrom('prediction_log').select('id').where('deployment', '=', deployment).where('at', '>=', since).where('at', '<=', until).where('variant', '!=', SHADOW_VARIANT);
    if (indexed) q = q.where('label_key', '=', key);
    else if (this.dialect === 'sqlite') q = q.where(sql<string>`cast(json_extract(inputs, ${`$."${column.replace(/"/g, '\\"')}"`}) as text)`, '=', key);
    else q = q.where(sql<string>`(inputs::json ->> ${column})`, '=', key);
    const row = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return row ? Number(row.id) : undefined;
  }
}

/** Where a scan's page ends: its last row's time and id. */
interface ScanPosition {
  readonly at: number;
  readonly id: number;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A logged row, its values in SCAN_COLUMNS order (PostgreSQL gives its bigints as strings). */
function loggedOfArray(row: readonly unknown[]): LoggedPrediction {
  const [, deployment, requestId, rowIndex, model, version, variant, at, latencyMs, inputs, outputs, label, labeledAt] = row as [
    unknown, string, string, number | string, string, string, string, number | string, number | string, string, string, string | null, number | string | null,
  ];
  return {
    requestId, rowIndex: Number(rowIndex), deployment, model, version, variant,
    inputs: JSON.parse(inputs) as Record<string, unknown>, outputs: JSON.parse(outputs) as Record<string, unknown>, latencyMs: Number(latencyMs), at: Number(at),
    ...(label !== null ? { label: JSON.parse(label) as unknown, labeledAt: Number(labeledAt) } : {}),
  };
}

/** Reads outside a transaction still report driver failures as catalogue codes. */
async function read<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateDbError(err);
  }
}
