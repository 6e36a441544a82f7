/**
 * The runs table's columns: fixed ones (name, status, start) and one per param, metric or tag
 * key, named as the search syntax names them (`metrics.auc`, `params.lr`, `tags.team`), so a column's id is also
 * what `order_by` takes. The chosen columns are remembered per experiment in localStorage.
 */
import type { Run } from '../runs/run-model';
import { metricValue, paramValue } from '../runs/run-model';

export type ColumnKind = 'attribute' | 'param' | 'metric' | 'tag';

export interface Column {
  /** `attributes.start_time`, `params.lr`, `metrics.auc`, `tags.team`. */
  readonly id: string;
  readonly kind: ColumnKind;
  readonly key: string;
  readonly label: string;
}

export const FIXED_COLUMNS: readonly Column[] = [
  { id: 'attributes.run_name', kind: 'attribute', key: 'run_name', label: 'Run' },
  { id: 'attributes.status', kind: 'attribute', key: 'status', label: 'Status' },
  { id: 'attributes.start_time', kind: 'attribute', key: 'start_time', label: 'Started' },
];

export function paramColumn(key: string): Column {
  return { id: `params.${key}`, kind: 'param', key, label: key };
}
export function metricColumn(key: string): Column {
  return { id: `metrics.${key}`, kind: 'metric', key, label: key };
}
export function tagColumn(key: string): Column {
  return { id: `tags.${key}`, kind: 'tag', key, label: key };
}

/** The keys a column can be made of, each list sorted. */
export interface ColumnKeys {
  readonly params: readonly string[];
  readonly metrics: readonly string[];
  readonly tags: readonly string[];
}

/** `metrics.\`my key\` DESC`: keys are backtick-quoted so any character is allowed. */
export function orderByOf(column: Column, descending: boolean): string {
  const prefix = column.kind === 'param' ? 'params' : column.kind === 'metric' ? 'metrics' : column.kind === 'tag' ? 'tags' : 'attributes';
  return `${prefix}.\`${column.key.replace(/`/g, '``')}\` ${descending ? 'DESC' : 'ASC'}`;
}

/** The param, metric and tag keys seen in `runs`, each sorted. */
export function keysOf(runs: readonly Run[]): ColumnKeys {
  const params = new Set<string>();
  const metrics = new Set<string>();
  const tags = new Set<string>();
  for (const r of runs) {
    for (const p of r.data.params) params.add(p.key);
    for (const m of r.data.metrics) metrics.add(m.key);
    for (const t of Object.keys(r.data.tags)) tags.add(t);
  }
  return { params: [...params].sort(), metrics: [...metrics].sort(), tags: [...tags].sort() };
}

/** A cell's value for sorting-free display. */
export function cellValue(run: Run, column: Column): string | number | undefined {
  if (column.kind === 'param') return paramValue(run, column.key);
  if (column.kind === 'metric') return metricValue(run, column.key);
  if (column.kind === 'tag') return run.data.tags[column.key];
  if (column.key === 'run_name') return run.info.runName;
  if (column.key === 'status') return run.info.status;
  return run.info.startTime;
}

const storageKey = (experimentId: string) => `paddock.runs.columns.${experimentId}`;

/** The column ids chosen for an experiment, or undefined when none were chosen yet. */
export function loadChosenColumns(experimentId: string): string[] | undefined {
  try {
    const raw = localStorage.getItem(storageKey(experimentId));
    const value: unknown = raw ? JSON.parse(raw) : undefined;
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

export function saveChosenColumns(experimentId: string, ids: readonly string[]): void {
  localStorage.setItem(storageKey(experimentId), JSON.stringify(ids));
}
