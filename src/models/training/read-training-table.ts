/**
 * Reads the columns a training run needs from a data file (CSV, Parquet, JSON lines) through
 * DuckDB, by column, so a million rows cost typed arrays rather than a million row objects.
 */
import { fail } from '../../core/errors.js';
import { nearest } from '../../core/nearest.js';
import { describe, ident, openSource, VIEW, type DataSource } from '../../validation/index.js';
import type { ColumnType } from '../package/manifest.js';
import type { ColumnTable } from '../package/preprocess.js';
import type { FeatureColumn } from './fit-preprocess.js';

/** A feature as the package signature declares it. */
export interface TrainingFeature extends FeatureColumn {
  readonly type: ColumnType;
}

/** The training data: features, the target column, and the first rows as an input example. */
export interface TrainingTable extends ColumnTable {
  readonly file: string;
  readonly features: readonly TrainingFeature[];
  readonly target: readonly unknown[];
  readonly example: readonly Record<string, unknown>[];
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|REAL|DOUBLE|DECIMAL)/i;
const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER)/i;
const STRING = /^(VARCHAR|TEXT|STRING|ENUM)/i;

/** Picks how each column is read, or says which column cannot be a feature and why. */
function featureOf(name: string, sqlType: string, file: string): TrainingFeature & { select: string } {
  const col = ident(name);
  if (/^BOOLEAN/i.test(sqlType)) return { name, kind: 'number', type: 'int64', select: `CAST(${col} AS INTEGER) AS ${col}` };
  if (INTEGER.test(sqlType)) return { name, kind: 'number', type: 'int64', select: `CAST(${col} AS DOUBLE) AS ${col}` };
  if (NUMERIC.test(sqlType)) return { name, kind: 'number', type: 'double', select: `CAST(${col} AS DOUBLE) AS ${col}` };
  if (STRING.test(sqlType)) return { name, kind: 'category', type: 'string', select: col };
  return fail('INVALID_ARGUMENT', `${file}: column '${name}' is ${sqlType}, which a built-in trainer cannot use; derive numbers or categories from it in a featurize stage`, { file, column: name });
}

/** Reads `target` and the `features` (default: every other column) of `file`. */
export async function readTrainingTable(file: string, target: string, features?: readonly string[]): Promise<TrainingTable> {
  const source = await openSource(file);
  try {
    return await readFrom(source, file, target, features);
  } finally {
    source.close();
  }
}

async function readFrom(source: DataSource, file: string, target: string, wanted: readonly string[] | undefined): Promise<TrainingTable> {
  const described = await describe(source);
  const types = new Map(described.map((c) => [c.name, c.type]));
  const known = described.map((c) => c.name);
  const check = (name: string, what: string) => {
    if (types.has(name)) return;
    const near = nearest(name, known);
    fail('INVALID_ARGUMENT', `${file}: no ${what} column '${name}'${near ? ` — did you mean '${near}'?` : ''} (columns: ${known.join(', ')})`, { file, column: name });
  };
  check(target, 'target');
  const names = wanted && wanted.length > 0 ? wanted : known.filter((c) => c !== target);
  names.forEach((n) => check(n, 'feature'));
  if (names.includes(target)) fail('INVALID_ARGUMENT', `${file}: the target column '${target}' cannot also be a feature`, { file, column: target });
  if (names.length === 0) fail('INVALID_ARGUMENT', `${file}: no feature columns besides the target '${target}'`, { file });
  const features = names.map((n) => featureOf(n, types.get(n)!, file));
  const result = await source.columns(`SELECT ${[...features.map((f) => f.select), ident(target)].join(', ')} FROM ${VIEW}`);
  if (result.rows === 0) fail('INVALID_ARGUMENT', `${file}: no rows to train on`, { file });
  const byName = new Map(result.names.map((n, i) => [n, result.columns[i]!]));
  const example = Array.from({ length: Math.min(3, result.rows) }, (_, r) => Object.fromEntries(features.map((f) => [f.name, byName.get(f.name)![r] ?? null])));
  return {
    file,
    rows: result.rows,
    features: features.map(({ name, kind, type }) => ({ name, kind, type })),
    target: byName.get(target)!,
    example,
    column: (name) => byName.get(name) ?? [],
  };
}
