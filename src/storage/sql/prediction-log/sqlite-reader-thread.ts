/**
 * The prediction log's window scans on their own thread (a {@link SqliteThread}, read-only): a
 * serving process evaluating its monitoring window read 5,000 logged rows in 85 ms on its event
 * loop, 48 of them the query (as 13-column row objects; 22 as arrays). The thread runs a select
 * compiled on the calling side, as arrays (`raw`), and sends the rows back packed: the texts in
 * one string, the numbers in one Float64Array, as the writer thread receives them, since one
 * string crosses threads far cheaper than many.
 */
import { SqliteThread } from './sqlite-thread.js';

/** A column of a select: 'n' a number or NULL, 't' a text or NULL. */
export type ColumnKind = 'n' | 't';

/** Options of {@link SqliteReaderThread}. */
export interface SqliteReaderThreadOptions {
  /** The SQLite database file (it must exist). */
  readonly filename: string;
  readonly busyTimeoutMs?: number;
  /** The thread's nice value on Linux (default 10). */
  readonly nice?: number;
}

/**
 * The reader's nice value (Linux): below serving, above the writer. A scan is background work,
 * but the monitoring loop waits for it: at 19 a busy server's scan would get a sliver of a core.
 */
const READER_NICE = 10;

/**
 * Rows packed by the thread: per row, its texts in `text` (each ended by NUL; a NULL is flagged
 * in `nulls`, one flag per text cell) and its numbers in `numbers` (NULL as NaN: SQLite stores no
 * NaN). `rows` instead when a value does not fit the kinds (a NUL inside a text, a number where a
 * text is expected): then the rows as arrays, cloned.
 */
type PackedSelect =
  | { readonly count: number; readonly text: string; readonly numbers: Float64Array; readonly nulls: Uint8Array }
  | { readonly rows: unknown[][] };

// The thread's handle (see SqliteThread): statements prepared once per SQL text, a few kept.
const READER_BODY = `
const statementFor = statementCache((text) => db.prepare(text).raw(true));
const pack = (rows, kinds) => {
  const width = kinds.length;
  const numberCells = kinds.filter((k) => k === 'n').length;
  const numbers = new Float64Array(rows.length * numberCells);
  const nulls = new Uint8Array(rows.length * (width - numberCells));
  let text = '';
  let n = 0;
  let t = 0;
  for (const row of rows) {
    for (let c = 0; c < width; c++) {
      const v = row[c];
      if (kinds[c] === 'n') {
        if (v === null) numbers[n++] = NaN;
        else if (typeof v === 'number') numbers[n++] = v;
        else return { rows };
      } else if (v === null) {
        nulls[t++] = 1;
        text += '\\0';
      } else if (typeof v === 'string' && !v.includes('\\0')) {
        t++;
        text += v + '\\0';
      } else return { rows };
    }
  }
  return { count: rows.length, text, numbers, nulls };
};
const handle = (m) => pack(statementFor(m.sql).all(m.parameters), m.kinds);
`;

/** One read-only thread over one SQLite file; selects are answered in the order given. */
export class SqliteReaderThread {
  private readonly thread: SqliteThread<PackedSelect>;

  constructor(options: SqliteReaderThreadOptions) {
    this.thread = new SqliteThread<PackedSelect>({
      role: 'reader', filename: options.filename, readonly: true, nice: options.nice ?? READER_NICE, body: READER_BODY,
      ...(options.busyTimeoutMs !== undefined && { busyTimeoutMs: options.busyTimeoutMs }),
    });
  }

  /**
   * Runs a select on the thread; resolves with its rows as arrays of values, in the columns'
   * order. `kinds` gives each column's kind, in that order.
   */
  async select(sql: string, parameters: readonly unknown[], kinds: readonly ColumnKind[]): Promise<unknown[][]> {
    const packed = await this.thread.request({ sql, parameters, kinds });
    return 'rows' in packed ? packed.rows : unpack(packed, kinds);
  }

  /** Waits for the selects given so far, then closes the connection and ends the thread. */
  close(): Promise<void> {
    return this.thread.close();
  }
}

function unpack(packed: { count: number; text: string; numbers: Float64Array; nulls: Uint8Array }, kinds: readonly ColumnKind[]): unknown[][] {
  const texts = packed.text.split('\0');
  const rows = new Array<unknown[]>(packed.count);
  let n = 0;
  let t = 0;
  for (let r = 0; r < packed.count; r++) {
    const row = new Array<unknown>(kinds.length);
    for (let c = 0; c < kinds.length; c++) {
      if (kinds[c] === 'n') {
        const v = packed.numbers[n++]!;
        row[c] = Number.isNaN(v) ? null : v;
      } else {
        row[c] = packed.nulls[t] === 1 ? null : texts[t];
        t++;
      }
    }
    rows[r] = row;
  }
  return rows;
}
