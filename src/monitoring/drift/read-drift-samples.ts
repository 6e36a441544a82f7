/**
 * Reads the columns a drift report compares from a data file (CSV, Parquet, JSON lines) through
 * the project's DuckDB reader: numeric columns sorted by DuckDB (its sort runs on every core)
 * into a Float64Array, text and boolean columns as value counts grouped by DuckDB, so a million
 * rows never become a million row objects. Nulls and non-finite numbers are left out.
 */
import { fail } from '../../core/errors.js';
import { nearest } from '../../core/nearest.js';
import { describe, ident, openSource, VIEW, type DataSource } from '../../validation/index.js';
import { categoricalSample, type DriftSample } from './sample.js';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL)/i;
const CATEGORICAL = /^(VARCHAR|TEXT|STRING|ENUM|BOOLEAN)/i;

/** How a column of a DuckDB type is compared, or undefined when it cannot be. */
export function sampleKind(sqlType: string): DriftSample['kind'] | undefined {
  if (NUMERIC.test(sqlType)) return 'numeric';
  if (CATEGORICAL.test(sqlType)) return 'categorical';
  return undefined;
}

/** A data file's columns: name → DuckDB type, in file order. */
export interface FileColumns {
  readonly file: string;
  readonly rows: number;
  readonly types: ReadonlyMap<string, string>;
}

/** An open data file, described. */
export interface DriftSource extends FileColumns {
  /** Reads the named columns (already checked to exist and to have a usable type). */
  read(columns: readonly string[]): Promise<Map<string, DriftSample>>;
  close(): void;
}

/** Opens `file` and describes its columns. */
export async function openDriftSource(file: string): Promise<DriftSource> {
  const source = await openSource(file);
  try {
    const described = await describe(source);
    const rows = Number((await source.query(`SELECT count(*) AS n FROM ${VIEW}`))[0]!.n);
    const types = new Map(described.map((c) => [c.name, c.type]));
    return { file, rows, types, read: (columns) => readSamples(source, types, columns), close: () => source.close() };
  } catch (err) {
    source.close();
    throw err;
  }
}

/** Fails naming the file and the nearest column when `name` is not a column of it. */
export function checkColumn(columns: FileColumns, name: string): void {
  if (columns.types.has(name)) return;
  const known = [...columns.types.keys()];
  const near = nearest(name, known);
  fail('INVALID_ARGUMENT', `${columns.file}: no column '${name}'${near ? ` — did you mean '${near}'?` : ''} (columns: ${known.join(', ')})`, { file: columns.file, column: name });
}

async function readSamples(source: DataSource, types: ReadonlyMap<string, string>, columns: readonly string[]): Promise<Map<string, DriftSample>> {
  const out = new Map<string, DriftSample>();
  for (const name of columns) {
    const kind = sampleKind(types.get(name) ?? '');
    const col = ident(name);
    if (kind === 'numeric') {
      const value = `CAST(${col} AS DOUBLE)`;
      const result = await source.columns(`SELECT ${value} AS v FROM ${VIEW} WHERE ${col} IS NOT NULL AND isfinite(${value}) ORDER BY 1`);
      out.set(name, { kind: 'numeric', sorted: Float64Array.from(result.columns[0] as readonly number[]) });
    } else if (kind === 'categorical') {
      const result = await source.columns(`SELECT CAST(${col} AS VARCHAR) AS v, count(*)::DOUBLE AS n FROM ${VIEW} WHERE ${col} IS NOT NULL GROUP BY 1`);
      const keys = result.columns[0] as readonly string[];
      const counts = result.columns[1] as readonly number[];
      const map = new Map<string, number>();
      let total = 0;
      keys.forEach((k, i) => {
        map.set(k, counts[i]!);
        total += counts[i]!;
      });
      out.set(name, categoricalSample({ counts: map, total }));
    }
  }
  return out;
}
