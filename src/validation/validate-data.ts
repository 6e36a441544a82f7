/**
 * Validates a data file against a schema and reports every anomaly at once. Two passes at
 * most: one aggregate query counting every check's failures (COUNT(*) FILTER per check),
 * then one query fetching up to five example rows for the checks that failed.
 */
import { fail } from '../core/errors.js';
import { columnKind } from './column-kind.js';
import { ident, literal, openSource, VIEW, type DataSource, type Row } from './engine.js';
import { describe } from './infer-schema.js';
import type { ColumnSchema, DataSchema, Severity, UserCheck } from './schema-file.js';

/** What went wrong. */
export type AnomalyKind =
  | 'missing_column'
  | 'new_column'
  | 'type_change'
  | 'nulls'
  | 'out_of_range'
  | 'unseen_category'
  | 'duplicate_values'
  | 'duplicate_keys'
  | 'row_count'
  | 'user_check';

/** One failed check, with how many rows failed and a few of them. */
export interface Anomaly {
  readonly kind: AnomalyKind;
  readonly severity: Severity;
  readonly column?: string;
  readonly check?: string;
  readonly count: number;
  readonly message: string;
  readonly examples: readonly Row[];
}

/** The result of `validateData`. */
export interface ValidationReport {
  readonly file: string;
  readonly rows: number;
  /** Checks evaluated (structural and per-row). */
  readonly checks: number;
  readonly errors: number;
  readonly warnings: number;
  /** False when any anomaly has severity error. */
  readonly passed: boolean;
  readonly anomalies: readonly Anomaly[];
}

/** Maximum example rows per anomaly. */
export const MAX_EXAMPLES = 5;

/** A row-level check: rows where `failing` holds fail; more than `allowed` is an anomaly. */
interface RowCheck {
  readonly kind: AnomalyKind;
  readonly severity: Severity;
  readonly column?: string;
  readonly check?: string;
  /** SQL aggregate expression giving the failure count (default: COUNT(*) FILTER (WHERE failing)). */
  readonly counter?: string;
  readonly failing: string;
  readonly allowed: (rows: number) => number;
  readonly message: (count: number, rows: number) => string;
}

/** Validates `file` against `schema`; never throws for anomalies (they are in the report). */
export async function validateData(file: string, schema: DataSchema): Promise<ValidationReport> {
  const source = await openSource(file);
  try {
    return await validateSource(source, schema);
  } finally {
    source.close();
  }
}

async function validateSource(source: DataSource, schema: DataSchema): Promise<ValidationReport> {
  const actual = new Map((await describe(source)).map((c) => [c.name, c.type]));
  const anomalies: Anomaly[] = [...structural(schema, actual)];
  const comparable = new Set(Object.keys(schema.columns).filter((c) => actual.get(c)?.toUpperCase() === schema.columns[c]!.type.toUpperCase()));
  const checks = [
    ...Object.entries(schema.columns).filter(([name]) => comparable.has(name)).flatMap(([name, col]) => columnChecks(name, col)),
    ...keyChecks(schema, actual),
    ...(await userChecks(source, schema.checks, actual)),
  ];
  const selects = ['count(*) AS n', ...checks.map((c, i) => `${c.counter ?? `count(*) FILTER (WHERE ${c.failing})`} AS c${i}`)];
  const counts = (await source.query(`SELECT ${selects.join(', ')} FROM ${VIEW}`))[0]!;
  const rows = Number(counts.n);
  const failed = checks.map((c, i) => ({ c, i, count: Number(counts[`c${i}`] ?? 0) })).filter((f) => f.count > f.c.allowed(rows));
  const examples = await exampleRows(source, failed.map((f) => ({ id: f.i, failing: f.c.failing })));
  anomalies.push(...rowCountAnomalies(schema, rows));
  for (const f of failed) {
    anomalies.push({ kind: f.c.kind, severity: f.c.severity, ...(f.c.column ? { column: f.c.column } : {}), ...(f.c.check ? { check: f.c.check } : {}), count: f.count, message: f.c.message(f.count, rows), examples: examples.get(f.i) ?? [] });
  }
  const errors = anomalies.filter((a) => a.severity === 'error').length;
  return { file: source.file, rows, checks: checks.length + Object.keys(schema.columns).length + 1, errors, warnings: anomalies.length - errors, passed: errors === 0, anomalies };
}

/** Missing columns, new columns and type changes: known from DESCRIBE alone. */
function structural(schema: DataSchema, actual: ReadonlyMap<string, string>): Anomaly[] {
  const out: Anomaly[] = [];
  for (const [name, col] of Object.entries(schema.columns)) {
    const type = actual.get(name);
    if (type === undefined) out.push({ kind: 'missing_column', severity: col.severity, column: name, count: 1, message: `column '${name}' (${col.type}) is missing`, examples: [] });
    else if (type.toUpperCase() !== col.type.toUpperCase()) out.push({ kind: 'type_change', severity: col.severity, column: name, count: 1, message: `column '${name}' is ${type}, expected ${col.type}`, examples: [] });
  }
  for (const [name, type] of actual) {
    if (!(name in schema.columns)) out.push({ kind: 'new_column', severity: schema.allow_new_columns ? 'warning' : 'error', column: name, count: 1, message: `new column '${name}' (${type}) is not in the schema`, examples: [] });
  }
  return out;
}

function rowCountAnomalies(schema: DataSchema, rows: number): Anomaly[] {
  const { min, max } = schema.rows;
  if ((min === undefined || rows >= min) && (max === undefined || rows <= max)) return [];
  const bound = min !== undefined && rows < min ? `at least ${min}` : `at most ${max}`;
  return [{ kind: 'row_count', severity: 'error', count: rows, message: `${rows} rows, expected ${bound}`, examples: [] }];
}

function bound(value: number | string, type: string): string {
  return typeof value === 'number' ? literal(value) : `CAST(${literal(value)} AS ${type})`;
}

function columnChecks(name: string, col: ColumnSchema): RowCheck[] {
  const c = ident(name);
  const base = { severity: col.severity, column: name };
  const out: RowCheck[] = [];
  const allowedNulls = col.nullable ? col.max_missing : 0;
  out.push({ ...base, kind: 'nulls', failing: `${c} IS NULL`, allowed: (n) => Math.floor(allowedNulls * n + 1e-9), message: (k, n) => `${k} missing values in '${name}' (${pct(k, n)}), allowed ${pct(allowedNulls, 1)}` });
  const kind = columnKind(col.type);
  const range = [col.min !== undefined ? `${c} < ${bound(col.min, col.type)}` : '', col.max !== undefined ? `${c} > ${bound(col.max, col.type)}` : ''].filter(Boolean);
  if (range.length && (kind === 'numeric' || kind === 'temporal')) {
    out.push({ ...base, kind: 'out_of_range', failing: range.join(' OR '), allowed: () => 0, message: (k) => `${k} values of '${name}' outside [${col.min ?? '-∞'}, ${col.max ?? '∞'}]` });
  }
  if (col.domain) {
    out.push({ ...base, kind: 'unseen_category', failing: `${c} NOT IN (${col.domain.map(literal).join(', ') || 'NULL'})`, allowed: () => 0, message: (k) => `${k} values of '${name}' not in its ${col.domain!.length} known categories` });
  }
  if (col.unique) out.push(duplicates([name], col.severity, 'duplicate_values'));
  return out;
}

function duplicates(cols: readonly string[], severity: Severity, kind: AnomalyKind): RowCheck {
  // row() of one column is the column itself in a WHERE clause but a struct in a SELECT list.
  const key = cols.length === 1 ? ident(cols[0]!) : `row(${cols.map(ident).join(', ')})`;
  const groups = `SELECT ${key} AS k, count(*) AS c FROM ${VIEW} GROUP BY 1 HAVING count(*) > 1`;
  const label = cols.join(', ');
  return {
    kind,
    severity,
    ...(cols.length === 1 ? { column: cols[0] } : {}),
    counter: `(SELECT coalesce(sum(c), 0) FROM (${groups}))`,
    failing: `${key} IN (SELECT k FROM (${groups}))`,
    allowed: () => 0,
    message: (k) => `${k} rows share a value of (${label}) with another row`,
  };
}

function keyChecks(schema: DataSchema, actual: ReadonlyMap<string, string>): RowCheck[] {
  if (schema.key.length === 0) return [];
  const missing = schema.key.filter((k) => !actual.has(k));
  if (missing.length) return []; // already reported as missing columns (or named below)
  return [duplicates(schema.key, 'error', 'duplicate_keys')];
}

async function userChecks(source: DataSource, checks: readonly UserCheck[], actual: ReadonlyMap<string, string>): Promise<RowCheck[]> {
  const out: RowCheck[] = [];
  for (const [i, check] of checks.entries()) {
    const name = check.name ?? `checks[${i}]`;
    if (check.column !== undefined && !actual.has(check.column)) {
      fail('INVALID_ARGUMENT', `check '${name}': column '${check.column}' is not in ${source.file}`, { check: name, column: check.column });
    }
    const failing = userCondition(check);
    const error = await source.check(`EXPLAIN SELECT count(*) FILTER (WHERE ${failing}) FROM ${VIEW}`);
    if (error) fail('INVALID_ARGUMENT', `check '${name}' is not valid SQL over ${source.file}: ${error}`, { check: name });
    out.push({ kind: 'user_check', severity: check.severity, ...(check.column ? { column: check.column } : {}), check: name, failing, allowed: () => 0, message: (k) => `${k} rows fail check '${name}'` });
  }
  return out;
}

function userCondition(check: UserCheck): string {
  const c = check.column !== undefined ? ident(check.column) : '';
  if (check.regex !== undefined) return `NOT regexp_matches(CAST(${c} AS VARCHAR), ${literal(check.regex)})`;
  if (check.between !== undefined) return `NOT (${c} BETWEEN ${literal(check.between[0])} AND ${literal(check.between[1])})`;
  if (check.in_set !== undefined) return `${c} NOT IN (${check.in_set.map(literal).join(', ') || 'NULL'})`;
  return `NOT (${check.sql})`;
}

/** Up to MAX_EXAMPLES rows per failing check, in one UNION ALL query. */
async function exampleRows(source: DataSource, wanted: readonly { id: number; failing: string }[]): Promise<Map<number, Row[]>> {
  const out = new Map<number, Row[]>();
  if (wanted.length === 0) return out;
  const parts = wanted.map((w) => `SELECT ${w.id} AS __check, * FROM (SELECT * FROM ${VIEW} WHERE ${w.failing} LIMIT ${MAX_EXAMPLES})`);
  for (const row of await source.query(parts.join(' UNION ALL '))) {
    const { __check, ...rest } = row;
    const id = Number(__check);
    out.set(id, [...(out.get(id) ?? []), rest]);
  }
  return out;
}

function pct(k: number, n: number): string {
  return `${n === 0 ? 0 : Math.round((k / n) * 10000) / 100}%`;
}
