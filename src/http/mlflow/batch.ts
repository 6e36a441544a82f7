import { fail } from '../../core/errors.js';
import type { Metric, Param } from '../../tracking/index.js';

/** A decoded LogBatch request. */
export interface DecodedBatch {
  readonly runId: string;
  readonly metrics: Metric[];
  readonly params: Param[];
  readonly tags: Record<string, string>;
}

const SPECIAL: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/**
 * Decodes MLflow's LogBatch body by hand rather than with zod: a batch may hold hundreds of
 * thousands of metrics and this loop is the hot path of ingest. Same rules as the zod schemas
 * (int64 as number or decimal string; doubles also "NaN"/"Infinity"/"-Infinity"), same
 * messages naming the field (`metrics[3].value`). More than `maxMetrics` metrics, or params and
 * tags together, is INVALID_ARGUMENT with the limit in the message, as MLflow does past 1000.
 */
export function parseBatch(body: unknown, maxMetrics: number): DecodedBatch {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('INVALID_ARGUMENT', 'the request body must be a JSON object with run_id, metrics, params and tags');
  const b = body as Record<string, unknown>;
  const runId = (typeof b.run_id === 'string' && b.run_id) || (typeof b.run_uuid === 'string' && b.run_uuid);
  if (!runId) fail('INVALID_ARGUMENT', "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.", { field: 'run_id' });
  const metrics = list(b.metrics, 'metrics');
  const params = list(b.params, 'params');
  const tags = list(b.tags, 'tags');
  if (metrics.length > maxMetrics) fail('INVALID_ARGUMENT', `A batch logging request can contain at most ${maxMetrics} metrics. Got ${metrics.length} metrics. Split it into smaller batches (server.max_batch_metrics).`, { field: 'metrics', limit: maxMetrics });
  if (params.length + tags.length > maxMetrics) fail('INVALID_ARGUMENT', `A batch logging request can contain at most ${maxMetrics} params and tags. Got ${params.length + tags.length}.`, { field: 'params', limit: maxMetrics });
  const outMetrics: Metric[] = new Array(metrics.length);
  for (let i = 0; i < metrics.length; i++) outMetrics[i] = metric(metrics[i], i);
  const outParams: Param[] = params.map((p, i) => keyValue(p, `params[${i}]`));
  const outTags: Record<string, string> = {};
  tags.forEach((t, i) => {
    const kv = keyValue(t, `tags[${i}]`);
    outTags[kv.key] = kv.value;
  });
  return { runId, metrics: outMetrics, params: outParams, tags: outTags };
}

function list(v: unknown, field: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) invalid(field, v, 'expected a list');
  return v;
}

function metric(m: unknown, i: number): Metric {
  if (m === null || typeof m !== 'object') invalid(`metrics[${i}]`, m, 'expected an object');
  const o = m as Record<string, unknown>;
  const key = o.key;
  if (typeof key !== 'string' || key === '') required(`metrics[${i}].key`, key);
  // The common case, already typed as the domain wants: reuse the parsed object rather than
  // allocate a million copies (GC was the largest cost of a 200,000-metric batch).
  if (typeof o.value === 'number' && Number.isInteger(o.timestamp) && Number.isInteger(o.step)) return o as unknown as Metric;
  return { key, value: toDouble(o.value, `metrics[${i}].value`), timestamp: toInt(o.timestamp, `metrics[${i}].timestamp`, true), step: toInt(o.step, `metrics[${i}].step`, false) };
}

function keyValue(t: unknown, field: string): Param {
  if (t === null || typeof t !== 'object') invalid(field, t, 'expected an object');
  const o = t as Record<string, unknown>;
  if (typeof o.key !== 'string' || o.key === '') required(`${field}.key`, o.key);
  const value = o.value ?? '';
  if (typeof value !== 'string') invalid(`${field}.value`, value, 'expected a string');
  return { key: o.key, value };
}

function toDouble(v: unknown, field: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const special = SPECIAL[v];
    if (special !== undefined) return special;
    const n = Number(v);
    if (v.trim() !== '' && Number.isFinite(n)) return n;
  }
  if (v === undefined || v === null) required(field, v);
  return invalid(field, v, 'expected a number');
}

function toInt(v: unknown, field: string, isRequired: boolean): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  if (v === undefined || v === null) return isRequired ? required(field, v) : 0;
  return invalid(field, v, 'expected an integer');
}

function required(field: string, v: unknown): never {
  if (v === undefined || v === null || v === '') fail('INVALID_ARGUMENT', `Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`, { field });
  return invalid(field, v, 'expected a non-empty string');
}

function invalid(field: string, v: unknown, what: string): never {
  return fail('INVALID_ARGUMENT', `Invalid value ${JSON.stringify(v)?.slice(0, 100)} for parameter '${field}' supplied: ${what}. See the API docs for more information about request parameters.`, { field });
}
