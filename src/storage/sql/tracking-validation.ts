import { fail } from '../../core/errors.js';
import type { Metric, Param, Tags } from '../../tracking/index.js';

/** MLflow's limits (mlflow/utils/validation.py), so what MLflow accepts Paddock accepts. */
export const LIMITS = {
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  experimentNameLength: 500,
  runNameLength: 250,
  /** Far above MLflow's 1000 metrics per batch, but bounded (one transaction's memory). */
  batchMetrics: 2_000_000,
  batchParams: 10_000,
  batchTags: 10_000,
} as const;

// MLflow: alphanumerics, underscores, dashes, periods, spaces, colons and slashes.
const KEY_RE = /^[/\w.\-: ]+$/;

/** A metric, param or tag key as MLflow accepts it, or INVALID_ARGUMENT naming it. */
export function checkKey(kind: 'metric' | 'param' | 'tag', key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) fail('INVALID_ARGUMENT', `${kind} key must be a non-empty string`, { field: `${kind}.key` });
  if (key.length > LIMITS.keyLength) fail('INVALID_ARGUMENT', `${kind} key '${key.slice(0, 40)}…' is longer than ${LIMITS.keyLength} characters`, { field: `${kind}.key`, key });
  // MLflow also requires a key to be its own normalized path: no '.', '..' or empty segments.
  if (!KEY_RE.test(key) || key.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    fail('INVALID_ARGUMENT', `invalid ${kind} key '${key}': use letters, digits, _ - . : space and /, with no '.', '..' or empty path segments`, { field: `${kind}.key`, key });
  }
  return key;
}

/**
 * Validates a batch's metric points: number value (NaN and ±Infinity allowed), integer step and
 * timestamp. Each distinct key is checked once: a million-point batch has a handful of keys.
 */
export function checkMetrics(metrics: readonly Metric[]): void {
  const seen = new Set<string>();
  for (const m of metrics) {
    if (!seen.has(m?.key)) {
      checkKey('metric', m?.key);
      seen.add(m.key);
    }
    checkMetricValues(m);
  }
}

function checkMetricValues(m: Metric): void {
  if (typeof m.value !== 'number') fail('INVALID_ARGUMENT', `metric '${m.key}' value must be a number (NaN and ±Infinity are allowed)`, { field: 'metric.value', key: m.key });
  if (!Number.isSafeInteger(m.timestamp)) fail('INVALID_ARGUMENT', `metric '${m.key}' timestamp must be an integer of epoch milliseconds`, { field: 'metric.timestamp', key: m.key });
  if (!Number.isSafeInteger(m.step)) fail('INVALID_ARGUMENT', `metric '${m.key}' step must be an integer`, { field: 'metric.step', key: m.key });
}

/** Validates params and folds duplicates in one batch (same value: once; different: error). */
export function checkParams(params: readonly Param[]): Map<string, string> {
  if (params.length > LIMITS.batchParams) fail('RESOURCE_LIMIT', `a batch may hold at most ${LIMITS.batchParams} params (got ${params.length})`, { field: 'params', limit: LIMITS.batchParams });
  const out = new Map<string, string>();
  for (const p of params) {
    const key = checkKey('param', p?.key);
    if (typeof p.value !== 'string') fail('INVALID_ARGUMENT', `param '${key}' value must be a string`, { field: 'param.value', key });
    if (p.value.length > LIMITS.paramValueLength) fail('INVALID_ARGUMENT', `param '${key}' value is longer than ${LIMITS.paramValueLength} characters`, { field: 'param.value', key });
    const prev = out.get(key);
    if (prev !== undefined && prev !== p.value) {
      fail('INVALID_ARGUMENT', `param '${key}' appears twice in the batch with different values ('${prev}' and '${p.value}'); params are write-once`, { field: 'params', key });
    }
    out.set(key, p.value);
  }
  return out;
}

/** Validates tags (keys and value lengths). */
export function checkTags(tags: Tags): [string, string][] {
  const entries = Object.entries(tags);
  if (entries.length > LIMITS.batchTags) fail('RESOURCE_LIMIT', `a batch may hold at most ${LIMITS.batchTags} tags (got ${entries.length})`, { field: 'tags', limit: LIMITS.batchTags });
  for (const [key, value] of entries) {
    checkKey('tag', key);
    if (typeof value !== 'string') fail('INVALID_ARGUMENT', `tag '${key}' value must be a string`, { field: 'tag.value', key });
    if (value.length > LIMITS.tagValueLength) fail('INVALID_ARGUMENT', `tag '${key}' value is longer than ${LIMITS.tagValueLength} characters`, { field: 'tag.value', key });
  }
  return entries;
}

/** A run id as Paddock and MLflow make them (32 hex), or NOT_FOUND-worthy garbage rejected early. */
export function checkRunId(runId: unknown): string {
  if (typeof runId !== 'string' || !/^[0-9a-f]{32}$/.test(runId)) fail('NOT_FOUND', `no run with id '${String(runId)}'`, { field: 'run_id', runId });
  return runId;
}

/** An experiment id: a decimal integer string. */
export function checkExperimentId(experimentId: unknown): number {
  if (typeof experimentId !== 'string' || !/^\d{1,15}$/.test(experimentId)) fail('NOT_FOUND', `no experiment with id '${String(experimentId)}'`, { field: 'experiment_id', experimentId });
  return Number(experimentId);
}

/** An experiment name: non-empty, bounded. */
export function checkExperimentName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') fail('INVALID_ARGUMENT', 'experiment name must be a non-empty string', { field: 'name' });
  if (name.length > LIMITS.experimentNameLength) fail('INVALID_ARGUMENT', `experiment name is longer than ${LIMITS.experimentNameLength} characters`, { field: 'name' });
  return name;
}

/** A maxResults argument within [1, limit], or the default when absent. */
export function checkMaxResults(value: number | undefined, fallback: number, limit: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > limit) fail('INVALID_ARGUMENT', `max_results must be an integer from 1 to ${limit} (got ${value})`, { field: 'max_results', limit });
  return value;
}
