import type { Run } from '../../tracking/index.js';
import { formatTable, paint, type Output } from '../output.js';
import { formatNumber } from './tracking-options.js';

/** One row of a comparison: a param or metric key and each run's value. */
export interface CompareRow {
  readonly kind: 'param' | 'metric';
  readonly key: string;
  /** One entry per run, in the order given; null where the run lacks the key. */
  readonly values: readonly (string | number | null)[];
  readonly differs: boolean;
}

/** The comparison `paddock runs compare` prints (and returns with --json). */
export interface RunComparison {
  readonly runIds: readonly string[];
  readonly runNames: readonly string[];
  readonly rows: readonly CompareRow[];
}

/**
 * Params and latest metrics side by side. A row differs when the runs do not all hold the same
 * value (a missing value counts as different); NaN equals NaN here, as a reader would expect.
 */
export function compareRuns(runs: readonly Run[]): RunComparison {
  const rows: CompareRow[] = [];
  const paramKeys = sortedKeys(runs.flatMap((r) => r.data.params.map((p) => p.key)));
  for (const key of paramKeys) {
    const values = runs.map((r) => r.data.params.find((p) => p.key === key)?.value ?? null);
    rows.push({ kind: 'param', key, values, differs: !allSame(values) });
  }
  const metricKeys = sortedKeys(runs.flatMap((r) => r.data.metrics.map((m) => m.key)));
  for (const key of metricKeys) {
    const values = runs.map((r) => r.data.metrics.find((m) => m.key === key)?.value ?? null);
    rows.push({ kind: 'metric', key, values, differs: !allSame(values) });
  }
  return { runIds: runs.map((r) => r.info.runId), runNames: runs.map((r) => r.info.runName), rows };
}

function sortedKeys(keys: readonly string[]): string[] {
  return [...new Set(keys)].sort();
}

function allSame(values: readonly (string | number | null)[]): boolean {
  const first = values[0];
  return values.every((v) => v === first || (typeof v === 'number' && typeof first === 'number' && Number.isNaN(v) && Number.isNaN(first)));
}

/** The comparison as a table; differing rows are marked with `*` (and yellow on a terminal). */
export function renderComparison(out: Output, cmp: RunComparison, onlyDiff: boolean): void {
  const c = paint(out);
  const header = ['', 'KEY', ...cmp.runIds.map((id, i) => cmp.runNames[i] ? `${cmp.runNames[i]} (${id.slice(0, 8)})` : id.slice(0, 8))];
  const rows = cmp.rows.filter((r) => !onlyDiff || r.differs);
  if (rows.length === 0) {
    out.line(onlyDiff ? 'The runs have the same params and metrics.' : 'The runs have no params or metrics.');
    return;
  }
  const cells = rows.map((r) => [r.differs ? '*' : '', `${r.kind === 'param' ? 'params' : 'metrics'}.${r.key}`, ...r.values.map(cell)]);
  const lines = formatTable(header, cells).split('\n');
  out.line(lines[0]);
  lines.slice(1).forEach((line, i) => out.line(rows[i]!.differs ? c.yellow(line) : line));
  const n = rows.filter((r) => r.differs).length;
  out.line();
  out.line(`${n} of ${cmp.rows.length} values differ${onlyDiff ? '' : ' (marked *)'}`);
}

function cell(v: string | number | null): string {
  if (v === null) return '—';
  return typeof v === 'number' ? formatNumber(v) : v;
}
