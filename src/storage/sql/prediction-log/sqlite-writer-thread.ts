/**
 * The prediction log's SQLite inserts on their own thread: a worker_threads worker that owns its
 * own better-sqlite3 connection to the database file and runs each batch as one transaction of
 * prepared multi-row inserts. better-sqlite3 is synchronous, so on the serving thread every batch
 * held the event loop for milliseconds; here the serving thread only packs a batch (packRecords:
 * the rows' texts, inputs and outputs as JSON, in one string; their numbers in one array) and
 * posts it. Measured per row, posting one string costs a fifth of cloning an array of values, and
 * JSON of whole records made the worker parse them and serialise their inputs and outputs again.
 *
 * A failed batch rejects with the driver error translated to a catalogue code; a worker that dies
 * (it could not open the file, or crashed) rejects every batch waiting on it, and the next batch
 * starts a new one, so a caller retrying never hangs.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { PaddockError } from '../../../core/errors.js';
import type { PredictionRecord } from '../../../monitoring/index.js';
import { translateDbError } from '../db-errors.js';

/** Options of {@link SqliteWriterThread}. */
export interface SqliteWriterThreadOptions {
  /** The SQLite database file (it must exist with the prediction_log table: the metadata store's). */
  readonly filename: string;
  /** How long a batch waits for another writer's lock (default 30 s, as the metadata store's connection). */
  readonly busyTimeoutMs?: number;
  /** The thread's nice value on Linux (default 19: below everything else). */
  readonly nice?: number;
}

/** The prediction_log columns a batch gives values for, in order. */
export const PREDICTION_LOG_COLUMNS = ['deployment', 'request_id', 'row_index', 'model', 'version', 'variant', 'at', 'latency_ms', 'inputs', 'outputs', 'label_key'] as const;

/**
 * The writer thread's nice value (Linux): the lowest. Its inserts are background work: at the
 * default priority a batch of 500 rows (a few ms of CPU) shared the two cores with the serving
 * thread and took their turn from requests, so the p50 at half load rose 12%. At nice 10 that
 * was gone, but at full load it still cost 4% of the requests/s (the load generator's wake-ups
 * waited behind it); at nice 19 those are gone too (measured in alternating rounds on one
 * machine). It still writes every row at full load: the inserts need about a fifth of a core,
 * and a busy server leaves more than that idle on the other one (the buffer absorbs bursts).
 */
const WRITER_NICE = 19;

/** Bound values per statement at most: under SQLite's 32766 (500 rows of 11). */
const MAX_VALUES = 5500;

// Plain CommonJS run with `eval`, so it works from the compiled files, the bundled CLI and the
// test runner alike (no worker file to locate). The driver is required by its resolved path.
// Each message: a batch's values, row after row in the columns' order; or packed (see packRecords).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { filename, busyTimeoutMs } = workerData;
const chunkRows = Math.floor(workerData.maxValues / workerData.columns.length);
lowerPriority(workerData.nice);
const db = new Database(filename, { fileMustExist: true });
db.pragma('busy_timeout = ' + busyTimeoutMs);
db.pragma('synchronous = NORMAL');
const columns = workerData.columns;
const tuple = '(' + columns.map(() => '?').join(', ') + ')';
const head = 'insert into prediction_log (' + columns.join(', ') + ') values ';
const statements = new Map();
const statementFor = (rows) => {
  let s = statements.get(rows);
  if (!s) {
    s = db.prepare(head + new Array(rows).fill(tuple).join(', '));
    if (rows === chunkRows) statements.set(rows, s);
  }
  return s;
};
const insert = db.transaction((values, rows) => {
  for (let at = 0; at < rows; at += chunkRows) {
    const n = Math.min(chunkRows, rows - at);
    statementFor(n).run(n === rows ? values : values.slice(at * columns.length, (at + n) * columns.length));
  }
});
const unpack = (m) => {
  const texts = m.text.split('\\0');
  const { numbers, keys, rows } = m;
  if (texts.length !== rows * 7 + 1) throw new Error('a packed batch of ' + rows + ' rows has ' + (texts.length - 1) + ' texts');
  const values = new Array(rows * columns.length);
  for (let i = 0, t = 0, k = 0; i < rows; i++) {
    values[k++] = texts[t++]; values[k++] = texts[t++]; values[k++] = numbers[3 * i]; values[k++] = texts[t++];
    values[k++] = texts[t++]; values[k++] = texts[t++]; values[k++] = numbers[3 * i + 1]; values[k++] = numbers[3 * i + 2];
    values[k++] = texts[t++]; values[k++] = texts[t++]; values[k++] = keys ? keys[i] : null;
  }
  return values;
};
// Linux: a thread's id is the last part of /proc/thread-self, and setpriority takes it.
function lowerPriority(nice) {
  try {
    const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) require('node:os').setPriority(tid, nice);
  } catch {
    // Elsewhere the thread keeps the process's priority.
  }
}
parentPort.on('message', (m) => {
  if (m.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    insert.immediate(m.text !== undefined ? unpack(m) : m.values, m.rows);
    parentPort.postMessage({ id: m.id });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: { message: String(err && err.message), code: err && typeof err.code === 'string' ? err.code : undefined } });
  }
});
`;

/**
 * Records packed for the writer thread: each row's seven texts (deployment, request id, model,
 * version, variant, inputs JSON, outputs JSON), each ended by NUL, in one string (one copy
 * across, where an array of values is cloned value by value); its numbers (row index, time,
 * latency) in one array; label keys only when a row has one.
 */
export interface PackedRows {
  readonly text: string;
  readonly numbers: Float64Array;
  readonly keys?: readonly (string | null)[];
  readonly rows: number;
}

/**
 * Packs records for {@link SqliteWriterThread.insertPacked}, with each row's label key from
 * `keyOf`. Undefined when a text holds NUL itself (JSON never does; ids and names could only by
 * mistake): the caller then gives the values unpacked.
 */
export function packRecords(records: readonly PredictionRecord[], keyOf: (record: PredictionRecord) => string | undefined): PackedRows | undefined {
  const numbers = new Float64Array(records.length * 3);
  let keys: (string | null)[] | undefined;
  let text = '';
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (hasNul(r.deployment) || hasNul(r.requestId) || hasNul(r.model) || hasNul(r.version) || hasNul(r.variant)) return undefined;
    text += `${r.deployment}\0${r.requestId}\0${r.model}\0${r.version}\0${r.variant}\0${JSON.stringify(r.inputs)}\0${JSON.stringify(r.outputs)}\0`;
    numbers[3 * i] = r.rowIndex;
    numbers[3 * i + 1] = r.at;
    numbers[3 * i + 2] = r.latencyMs;
    const key = keyOf(r);
    if (key !== undefined) {
      keys ??= new Array<string | null>(records.length).fill(null);
      keys[i] = key;
    }
  }
  return { text, numbers, rows: records.length, ...(keys && { keys }) };
}

const hasNul = (text: string): boolean => text.includes('\0');

interface Pending {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** One writer thread over one SQLite file; batches are written in the order they were given. */
export class SqliteWriterThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(private readonly options: SqliteWriterThreadOptions) {}

  /**
   * Appends `rows` rows to prediction_log as one transaction: `values` holds them one after
   * another, in PREDICTION_LOG_COLUMNS order. Resolves once committed.
   */
  insert(values: readonly unknown[], rows: number): Promise<void> {
    if (values.length !== rows * PREDICTION_LOG_COLUMNS.length) {
      return Promise.reject(new PaddockError('INTERNAL', `a batch of ${rows} rows needs ${rows * PREDICTION_LOG_COLUMNS.length} values, got ${values.length}`));
    }
    return this.post({ values, rows }, rows);
  }

  /** Appends records as packRecords packed them, as one transaction. Resolves once committed. */
  insertPacked(packed: PackedRows): Promise<void> {
    return this.post(packed, packed.rows);
  }

  private post(message: object, rows: number): Promise<void> {
    if (this.closed) return Promise.reject(new PaddockError('INTERNAL', 'the prediction log writer thread is closed'));
    if (rows === 0) return Promise.resolve();
    const worker = this.worker ?? this.start();
    const id = ++this.nextId;
    return new Promise<void>((resolve, reject) => {
      // The worker keeps the process alive only while it has work (a flush at shutdown must finish).
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  }

  /** Waits for the batches given so far, then closes the connection and ends the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage({ close: true });
    await exited;
  }

  private start(): Worker {
    const { filename, busyTimeoutMs = 30_000 } = this.options;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, filename, busyTimeoutMs, columns: PREDICTION_LOG_COLUMNS, maxValues: MAX_VALUES, nice: this.options.nice ?? WRITER_NICE } });
    worker.unref();
    this.worker = worker;
    worker.on('message', (m: { id: number; error?: { message: string; code?: string } }) => {
      const waiting = this.pending.get(m.id);
      if (!waiting) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.error) waiting.reject(translateDbError(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {})));
      else waiting.resolve();
    });
    let failure: unknown;
    worker.on('error', (err) => {
      failure = err;
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (this.pending.size === 0) return;
      const cause = failure ?? new Error(`exited with code ${code}`);
      const err = new PaddockError('INTERNAL', `the prediction log writer thread for ${filename} stopped: ${(cause as Error).message}`, {}, { cause });
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const w of waiting) w.reject(err);
    });
    return worker;
  }
}
