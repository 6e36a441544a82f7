/**
 * A worker_threads worker that owns its own better-sqlite3 connection to a database file and
 * answers requests one at a time, in the order given. better-sqlite3 is synchronous: on a
 * serving thread every statement holds the event loop, so the prediction log's inserts (the
 * writer) and its window scans (the reader) run on such threads.
 *
 * The worker is plain CommonJS run with `eval`, so it works from the compiled files, the bundled
 * CLI and the test runner alike (no worker file to locate); the driver is required by its
 * resolved path. Its source is the shared prelude (the connection as `db`, the thread's
 * priority lowered, `statementCache`), the caller's `body`, which defines `handle(message)` returning the reply,
 * and the shared message loop.
 *
 * A failed request rejects with the driver error translated to a catalogue code; a worker that
 * dies (it could not open the file, or crashed) rejects every request waiting on it, and the
 * next request starts a new one, so a caller retrying never hangs.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { PaddockError } from '../../../core/errors.js';
import { translateDbError } from '../db-errors.js';

/** Options of {@link SqliteThread}. */
export interface SqliteThreadOptions {
  /** What the thread is for, in messages: "the prediction log <role> thread for <file> stopped". */
  readonly role: string;
  /** The SQLite database file (it must exist). */
  readonly filename: string;
  /** Open it read-only. */
  readonly readonly?: boolean;
  /** How long a statement waits for another connection's lock (default 30 s, as the metadata store's connection). */
  readonly busyTimeoutMs?: number;
  /** The thread's nice value on Linux (its work is in the background). */
  readonly nice: number;
  /** CommonJS defining `handle(message)`, with `db`, `workerData` and `statementCache` in scope; the reply must be cloneable. */
  readonly body: string;
  /** More workerData for the body. */
  readonly data?: Readonly<Record<string, unknown>>;
}

const PRELUDE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
lowerPriority(workerData.nice);
const db = new Database(workerData.filename, { fileMustExist: true, readonly: workerData.readonly });
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
// Prepared statements by key (made by prepare(key) when missing), the 8 most recently used kept:
// evicting the oldest prepared, however often used, threw out the writer's 100-row insert every
// few odd-sized batches.
function statementCache(prepare) {
  const statements = new Map();
  return (key) => {
    let s = statements.get(key);
    if (s) statements.delete(key);
    else {
      s = prepare(key);
      if (statements.size >= 8) statements.delete(statements.keys().next().value);
    }
    statements.set(key, s);
    return s;
  };
}
// core/thread-priority.ts's lowerThreadPriority, in CommonJS for this eval'd worker.
function lowerPriority(nice) {
  try {
    const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) require('node:os').setPriority(tid, nice);
  } catch {
    // Elsewhere the thread keeps the process's priority.
  }
}
`;

const LOOP = `
parentPort.on('message', (m) => {
  if (m.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ id: m.id, reply: handle(m) });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: { message: String(err && err.message), code: err && typeof err.code === 'string' ? err.code : undefined } });
  }
});
`;

interface Pending {
  readonly resolve: (reply: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/** One thread over one SQLite file; requests are answered in the order they were given. */
export class SqliteThread<Reply> {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(private readonly options: SqliteThreadOptions) {}

  /** Sends `message` (with an `id` added) to the body's `handle`; resolves with what it returns. */
  request(message: object): Promise<Reply> {
    if (this.closed) return Promise.reject(new PaddockError('INTERNAL', `the prediction log ${this.options.role} thread is closed`));
    const worker = this.worker ?? this.start();
    const id = ++this.nextId;
    return new Promise<Reply>((resolve, reject) => {
      // The worker keeps the process alive only while it has work (a flush at shutdown must finish).
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve: resolve as (reply: unknown) => void, reject });
      worker.postMessage({ id, ...message });
    });
  }

  /** Waits for the requests given so far, then closes the connection and ends the thread. */
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
    const { filename, busyTimeoutMs = 30_000, nice, readonly = false, data = {} } = this.options;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(PRELUDE + this.options.body + LOOP, { eval: true, workerData: { ...data, driver, filename, readonly, busyTimeoutMs, nice } });
    worker.unref();
    this.worker = worker;
    worker.on('message', (m: { id: number; reply?: unknown; error?: { message: string; code?: string } }) => {
      const waiting = this.pending.get(m.id);
      if (!waiting) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.error) waiting.reject(translateDbError(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {})));
      else waiting.resolve(m.reply);
    });
    let failure: unknown;
    worker.on('error', (err) => {
      failure = err;
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (this.pending.size === 0) return;
      const cause = failure ?? new Error(`exited with code ${code}`);
      const err = new PaddockError('INTERNAL', `the prediction log ${this.options.role} thread for ${filename} stopped: ${(cause as Error).message}`, {}, { cause });
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const w of waiting) w.reject(err);
    });
    return worker;
  }
}
