/**
 * The prediction log's SQLite inserts on their own thread (a {@link SqliteThread}), each batch one
 * transaction of prepared multi-row inserts. better-sqlite3 is synchronous, so on the serving
 * thread every batch held the event loop for milliseconds; here the serving thread only packs a
 * batch (packRecords:
 * the rows' texts, inputs and outputs as JSON, in one string; their numbers in one array) and
 * posts it. Measured per row, posting one string costs a fifth of cloning an array of values, and
 * JSON of whole records made the worker parse them and serialise their inputs and outputs again.
 */
import { PaddockError } from '../../../core/errors.js';
import type { PredictionRecord } from '../../../monitoring/index.js';
import { SqliteThread } from './sqlite-thread.js';

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

// The thread's handle (see SqliteThread). Each message: a batch's values, row after row in the
// columns' order; or packed (see packRecords).
const WRITER_BODY = `
const chunkRows = Math.floor(workerData.maxValues / workerData.columns.length);
db.pragma('synchronous = NORMAL');
const columns = workerData.columns;
const tuple = '(' + columns.map(() => '?').join(', ') + ')';
const head = 'insert into prediction_log (' + columns.join(', ') + ') values ';
// Prepared inserts by row count: serving's batches are mostly one size (the logger's flush size,
// 100 rows on SQLite), and preparing the 100-row insert again for every batch held 100-row
// batches to 76k rows/s through this thread instead of 93k.
const statementFor = statementCache((rows) => db.prepare(head + new Array(rows).fill(tuple).join(', ')));
const insert = db.transaction((values, rows) => {
  for (let at = 0; at < rows; at += chunkRows) {
    const n = Math.min(chunkRows, rows - at);
    statementFor(n).run(n === rows ? values : values.slice(at * columns.length, (at + n) * columns.length));
  }
});
// A row's inputs or outputs as JSON: laid out (its values in fields' order, numbers from the
// numbers, strings from the texts), or given as JSON text. Written as JSON.stringify writes them.
const fieldsJson = (fields, texts, at) => {
  let json = '{';
  for (let f = 0; f < fields.length; f++) {
    const kind = fields[f][1];
    json += (f === 0 ? '' : ',') + fields[f][2];
    if (kind === 0) json += JSON.stringify(at.numbers[at.n++]);
    else if (kind === 1) json += JSON.stringify(texts[at.t++]);
    else {
      const length = at.numbers[at.n++];
      json += '[';
      for (let e = 0; e < length; e++) json += (e === 0 ? '' : ',') + JSON.stringify(at.numbers[at.n++]);
      json += ']';
    }
  }
  return json + '}';
};
const unpack = (m) => {
  const texts = m.text.split('\0');
  const { numbers, keys, rows, laidOut, layout } = m;
  const fields = layout && [layout.inputs, layout.outputs].map((list) => list.map(([key, kind]) => [key, kind, JSON.stringify(key) + ':']));
  const values = new Array(rows * columns.length);
  const at = { t: 0, n: 0, numbers };
  for (let i = 0, k = 0; i < rows; i++) {
    const t = at.t;
    const n = at.n;
    at.t += 5;
    at.n += 3;
    let inputs;
    let outputs;
    if (laidOut && laidOut[i] === 1) {
      inputs = fieldsJson(fields[0], texts, at);
      outputs = fieldsJson(fields[1], texts, at);
    } else {
      inputs = texts[at.t++];
      outputs = texts[at.t++];
    }
    values[k++] = texts[t]; values[k++] = texts[t + 1]; values[k++] = numbers[n]; values[k++] = texts[t + 2];
    values[k++] = texts[t + 3]; values[k++] = texts[t + 4]; values[k++] = numbers[n + 1]; values[k++] = numbers[n + 2];
    values[k++] = inputs; values[k++] = outputs; values[k++] = keys ? keys[i] : null;
  }
  if (at.t !== texts.length - 1 || at.n !== numbers.length) throw new Error('a packed batch of ' + rows + ' rows has ' + (texts.length - 1) + ' texts and ' + numbers.length + ' numbers; its rows read ' + at.t + ' and ' + at.n);
  return values;
};
const handle = (m) => {
  insert.immediate(m.text !== undefined ? unpack(m) : m.values, m.rows);
};
`;

/** How a value of a laid-out row is sent: 0 a number, 1 a string, 2 an array of numbers (its length, then its elements). */
type FieldKind = 0 | 1 | 2;

/** The keys and kinds of a batch's inputs and outputs, from its first row, in JSON.stringify's order. */
export interface RowLayout {
  readonly inputs: readonly (readonly [string, FieldKind])[];
  readonly outputs: readonly (readonly [string, FieldKind])[];
}

/**
 * Records packed for the writer thread. Per row, in `text` (each ended by NUL): deployment,
 * request id, model, version, variant; then, for a row that follows the batch's `layout`, the
 * string values of its inputs and outputs, else their JSON. In `numbers`: row index, time,
 * latency; then a laid-out row's numbers (an array's length, then its elements). The writer
 * thread writes a laid-out row's JSON itself, as JSON.stringify would: on the serving thread,
 * JSON.stringify of every row's inputs and outputs was about a microsecond a request. One string
 * and one array cross (an array of values is cloned value by value, five times slower); label keys
 * only when a row has one.
 */
export interface PackedRows {
  readonly text: string;
  readonly numbers: Float64Array;
  readonly keys?: readonly (string | null)[];
  readonly rows: number;
  readonly layout?: RowLayout;
  /** 1 where a row follows `layout`. */
  readonly laidOut?: Uint8Array;
}

/**
 * Packs records for {@link SqliteWriterThread.insertPacked}, with each row's label key from
 * `keyOf`. Undefined when a text holds NUL itself (JSON never does; ids and names could only by
 * mistake): the caller then gives the values unpacked.
 */
export function packRecords(records: readonly PredictionRecord[], keyOf: (record: PredictionRecord) => string | undefined): PackedRows | undefined {
  const numbers: number[] = [];
  let keys: (string | null)[] | undefined;
  let text = '';
  const layout = records.length > 0 ? layoutOf(records[0]!) : undefined;
  const laidOut = layout ? new Uint8Array(records.length) : undefined;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (hasNul(r.deployment) || hasNul(r.requestId) || hasNul(r.model) || hasNul(r.version) || hasNul(r.variant)) return undefined;
    text += `${r.deployment}\0${r.requestId}\0${r.model}\0${r.version}\0${r.variant}\0`;
    numbers.push(r.rowIndex, r.at, r.latencyMs);
    if (layout && follows(r.inputs, layout.inputs) && follows(r.outputs, layout.outputs)) {
      laidOut![i] = 1;
      text = packFields(r.inputs, layout.inputs, text, numbers);
      text = packFields(r.outputs, layout.outputs, text, numbers);
    } else {
      text += `${JSON.stringify(r.inputs)}\0${JSON.stringify(r.outputs)}\0`;
    }
    const key = keyOf(r);
    if (key !== undefined) {
      keys ??= new Array<string | null>(records.length).fill(null);
      keys[i] = key;
    }
  }
  return { text, numbers: Float64Array.from(numbers), rows: records.length, ...(keys && { keys }), ...(layout && { layout, laidOut }) };
}

/** The layout of a record's inputs and outputs; undefined when a value is of none of the kinds (its rows go as JSON). */
function layoutOf(record: PredictionRecord): RowLayout | undefined {
  const fields = (values: Readonly<Record<string, unknown>>): [string, FieldKind][] | undefined => {
    const out: [string, FieldKind][] = [];
    for (const key of Object.keys(values)) {
      const kind = kindOf(values[key]);
      if (kind === undefined) return undefined;
      out.push([key, kind]);
    }
    return out;
  };
  const inputs = fields(record.inputs);
  const outputs = inputs && fields(record.outputs);
  return inputs && outputs ? { inputs, outputs } : undefined;
}

function kindOf(value: unknown): FieldKind | undefined {
  if (typeof value === 'number') return 0;
  if (typeof value === 'string') return hasNul(value) ? undefined : 1;
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return 2;
  return undefined;
}

/**
 * Whether `values` has exactly the layout's own keys, in its order, each of its kind (a string
 * without NUL, an array of numbers only): only then is the JSON the writer writes JSON.stringify's.
 */
function follows(values: Readonly<Record<string, unknown>>, fields: RowLayout['inputs']): boolean {
  let f = 0;
  for (const key in values) {
    const field = fields[f++];
    if (field === undefined || key !== field[0] || !Object.hasOwn(values, key) || kindOf(values[key]) !== field[1]) return false;
  }
  return f === fields.length;
}

/** Appends a laid-out row's strings to `text` (returned) and its numbers to `numbers`. */
function packFields(values: Readonly<Record<string, unknown>>, fields: RowLayout['inputs'], text: string, numbers: number[]): string {
  let out = text;
  for (const [key, kind] of fields) {
    const v = values[key];
    if (kind === 0) numbers.push(v as number);
    else if (kind === 1) out += `${v as string}\0`;
    else {
      const list = v as number[];
      numbers.push(list.length);
      for (const e of list) numbers.push(e);
    }
  }
  return out;
}

const hasNul = (text: string): boolean => text.includes('\0');

/** One writer thread over one SQLite file; batches are written in the order they were given. */
export class SqliteWriterThread {
  private readonly thread: SqliteThread<void>;

  constructor(options: SqliteWriterThreadOptions) {
    this.thread = new SqliteThread<void>({
      role: 'writer', filename: options.filename, nice: options.nice ?? WRITER_NICE, body: WRITER_BODY,
      ...(options.busyTimeoutMs !== undefined && { busyTimeoutMs: options.busyTimeoutMs }),
      data: { columns: PREDICTION_LOG_COLUMNS, maxValues: MAX_VALUES },
    });
  }

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
    return rows === 0 ? Promise.resolve() : this.thread.request(message);
  }

  /** Waits for the batches given so far, then closes the connection and ends the thread. */
  close(): Promise<void> {
    return this.thread.close();
  }
}
