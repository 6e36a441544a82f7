/**
 * The analytics backend of data validation: DuckDB in-process, kept behind this one module so
 * the rest of src/validation only speaks SQL text and plain rows (and the engine can be swapped).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { fail, fromSystemError } from '../core/errors.js';

/** A plain row: bigints become numbers (or strings beyond 2^53), dates ISO strings. */
export type Row = Readonly<Record<string, unknown>>;

/** A data file opened as the SQL view `data`. */
export interface DataSource {
  readonly file: string;
  /** Runs SQL; errors name the data file. */
  query(sql: string): Promise<readonly Row[]>;
  /** Runs SQL and returns the result column by column (for bulk reads such as training data). */
  columns(sql: string): Promise<ColumnarResult>;
  /** Runs SQL and returns DuckDB's error text instead of throwing (for checking user SQL). */
  check(sql: string): Promise<string | undefined>;
  close(): void;
}

/** A query result by column: `columns[i]` holds the values of `names[i]`, one per row. */
export interface ColumnarResult {
  readonly names: readonly string[];
  readonly rows: number;
  readonly columns: readonly (readonly unknown[])[];
}

/** The SQL view name every query reads. */
export const VIEW = 'data';

/** Quotes an SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes an SQL literal (strings quoted, numbers as is). */
export function literal(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `'${String(value).replace(/'/g, "''")}'`;
}

function reader(file: string): string {
  const ext = path.extname(file).toLowerCase();
  const f = literal(file);
  if (ext === '.csv' || ext === '.tsv') return `read_csv(${f}, auto_detect = true)`;
  if (ext === '.parquet' || ext === '.pq') return `read_parquet(${f})`;
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return `read_json_auto(${f}, format = 'newline_delimited')`;
  return fail('INVALID_ARGUMENT', `${file}: unknown data format '${ext || '(no extension)'}'; use .csv, .tsv, .parquet or .jsonl`, { file });
}

/** Opens `file` (CSV, Parquet or JSON lines, by extension) as the view `data`. */
export async function openSource(file: string): Promise<DataSource> {
  const sql = reader(file);
  try {
    if (!statSync(file).isFile()) fail('INVALID_ARGUMENT', `${file}: not a file`, { file });
  } catch (err) {
    throw fromSystemError(err, file);
  }
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const unreadable = (err: unknown): never =>
    fail('INVALID_ARGUMENT', `${file}: cannot read the data: ${String((err as Error).message ?? err).split('\n')[0]}`, { file }, err);
  const source: DataSource = {
    file,
    async query(text) {
      try {
        const reader = await conn.runAndReadAll(text);
        return reader.getRowObjectsJS().map(plainRow);
      } catch (err) {
        return unreadable(err);
      }
    },
    async columns(text) {
      try {
        const reader = await conn.runAndReadAll(text);
        const columns = reader.getColumnsJS().map((col) => (col.some((v) => typeof v === 'bigint' || (v !== null && typeof v === 'object')) ? col.map(plainValue) : col));
        return { names: reader.columnNames(), rows: reader.currentRowCount, columns };
      } catch (err) {
        return unreadable(err);
      }
    },
    async check(text) {
      try {
        await conn.run(text);
        return undefined;
      } catch (err) {
        return String((err as Error).message ?? err).split('\n')[0];
      }
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
  try {
    await conn.run(`CREATE VIEW ${VIEW} AS SELECT * FROM ${sql}`);
  } catch (err) {
    source.close();
    unreadable(err);
  }
  return source;
}

function plainRow(row: Record<string, unknown>): Row {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = plainValue(v);
  return out;
}

/** JSON-safe values: DuckDB hands back bigint, Date, arrays and maps. */
export function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Array.isArray(v)) return v.map(plainValue);
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(plainValue(k)), plainValue(x)]));
  if (v !== null && typeof v === 'object') return plainRow(v as Record<string, unknown>);
  return v;
}
