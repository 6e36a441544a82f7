/**
 * Infers a data schema from a file in two aggregate passes over the data: one for counts,
 * ranges, distinct counts and quantiles; one for the histograms (bins fitted on the first
 * pass's range) and the category frequencies of low-cardinality string columns.
 */
import { columnKind } from './column-kind.js';
import { ident, openSource, VIEW, type DataSource, type Row } from './engine.js';
import type { ColumnSchema, DataSchema } from './schema-file.js';

/** String columns with at most this many distinct values get a categorical domain. */
export const MAX_DOMAIN = 50;
/** Histogram bins. */
export const BINS = 10;
/** Quantiles kept for drift checks. */
export const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;

interface Described {
  readonly name: string;
  readonly type: string;
}

/** Reads `file` (CSV, Parquet, JSON lines) and infers its schema. */
export async function inferSchema(file: string): Promise<DataSchema> {
  const source = await openSource(file);
  try {
    return await inferFrom(source);
  } finally {
    source.close();
  }
}

/** The columns of the view, in order. */
export async function describe(source: DataSource): Promise<readonly Described[]> {
  const rows = await source.query(`DESCRIBE SELECT * FROM ${VIEW}`);
  return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

async function inferFrom(source: DataSource): Promise<DataSchema> {
  const cols = await describe(source);
  const first = (await source.query(`SELECT ${['count(*) AS n', ...cols.flatMap(firstPass)].join(', ')} FROM ${VIEW}`))[0]!;
  const n = Number(first.n);
  const second = await secondPass(source, cols, first);
  const columns: Record<string, ColumnSchema> = {};
  cols.forEach((c, i) => (columns[c.name] = columnFrom(c, i, n, first, second)));
  return { version: 1, source: source.file, rows: { min: n > 0 ? 1 : 0 }, key: [], allow_new_columns: false, columns, checks: [] };
}

function firstPass(c: Described, i: number): string[] {
  const col = ident(c.name);
  const parts = [`count(${col}) AS nn${i}`, `count(DISTINCT ${col}) AS d${i}`];
  const kind = columnKind(c.type);
  if (kind === 'numeric' || kind === 'temporal') parts.push(`min(${col}) AS lo${i}`, `max(${col}) AS hi${i}`);
  if (kind === 'numeric') parts.push(`quantile_cont(${col}::DOUBLE, [${QUANTILES.join(', ')}]) AS q${i}`);
  return parts;
}

async function secondPass(source: DataSource, cols: readonly Described[], first: Row): Promise<Row> {
  const parts: string[] = [];
  cols.forEach((c, i) => {
    const col = ident(c.name);
    const kind = columnKind(c.type);
    const lo = first[`lo${i}`];
    const hi = first[`hi${i}`];
    if (kind === 'numeric' && typeof lo === 'number' && typeof hi === 'number') {
      const width = hi > lo ? (hi - lo) / BINS : 1;
      parts.push(`histogram(least(${BINS - 1}, floor((${col} - ${lo}) / ${width}))::INTEGER) AS h${i}`);
    }
    if (kind === 'string' && Number(first[`d${i}`]) <= MAX_DOMAIN) parts.push(`histogram(${col}) AS f${i}`);
  });
  if (parts.length === 0) return {};
  return (await source.query(`SELECT ${parts.join(', ')} FROM ${VIEW}`))[0]!;
}

function columnFrom(c: Described, i: number, n: number, first: Row, second: Row): ColumnSchema {
  const nonNull = Number(first[`nn${i}`]);
  const distinct = Number(first[`d${i}`]);
  const missing = n === 0 ? 0 : (n - nonNull) / n;
  const kind = columnKind(c.type);
  const stats: { quantiles?: Record<string, number>; histogram?: { edges: number[]; counts: number[] }; frequencies?: Record<string, number> } = {};
  const q = first[`q${i}`];
  if (Array.isArray(q)) stats.quantiles = Object.fromEntries(QUANTILES.map((p, k) => [`p${String(Math.round(p * 100)).padStart(2, '0')}`, Number(q[k])]));
  const lo = first[`lo${i}`];
  const hi = first[`hi${i}`];
  if (second[`h${i}`] !== undefined && typeof lo === 'number' && typeof hi === 'number') stats.histogram = histogram(lo, hi, entries(second[`h${i}`]));
  const freq = second[`f${i}`];
  if (freq !== undefined) {
    stats.frequencies = Object.fromEntries(entries(freq).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v / Math.max(nonNull, 1))]));
  }
  return {
    type: c.type,
    nullable: missing > 0,
    max_missing: allowance(missing),
    ...(kind === 'numeric' || kind === 'temporal' ? { min: lo as number | string, max: hi as number | string } : {}),
    ...(freq !== undefined ? { domain: Object.keys(stats.frequencies ?? {}).sort() } : {}),
    unique: n > 0 && distinct === n,
    severity: 'error',
    ...(Object.keys(stats).length ? { stats } : {}),
  };
}

/** The observed missing fraction plus a 10% (at least 0.001) margin, rounded up; 0 stays 0. */
function allowance(missing: number): number {
  if (missing === 0) return 0;
  return Math.min(1, Math.ceil(Math.max(missing * 1.1, missing + 0.001) * 1e4) / 1e4);
}

function histogram(lo: number, hi: number, counts: readonly (readonly [string, number])[]): { edges: number[]; counts: number[] } {
  const width = hi > lo ? (hi - lo) / BINS : 1;
  const out = new Array<number>(BINS).fill(0);
  for (const [bin, count] of counts) if (bin !== 'null') out[Number(bin)] = count;
  return { edges: Array.from({ length: BINS + 1 }, (_, k) => round(lo + k * width)), counts: out };
}

/** DuckDB MAP results as [key, count] pairs, whichever shape the driver hands back. */
function entries(value: unknown): [string, number][] {
  if (Array.isArray(value)) return value.map((e: { key: unknown; value: unknown }) => [String(e.key), Number(e.value)]);
  return Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [k, Number(v)]);
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
