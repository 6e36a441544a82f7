/**
 * Replays the rows of a data file to a served model as live traffic: one single-row Open
 * Inference request per row, a few in flight at once, optionally capped to a request rate. The
 * model's metadata (`GET` of the infer URL without `/infer`) says which columns it takes and as
 * which datatypes; only those are sent. What comes back is summed up per HTTP status and per
 * answering model version (`model_version` of the response), with latency percentiles, so a
 * canary's share of the traffic can be seen from the client side.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fail, PaddockError } from '../../core/errors.js';
import { nearest } from '../../core/nearest.js';
import { describe, ident, openSource, VIEW } from '../../validation/index.js';
import { percentile } from '../deployment/variant-stats.js';
import type { MetadataTensor } from '../protocols/index.js';

/** What to replay, where, and how fast. */
export interface ReplayOptions {
  /** A CSV, Parquet or JSON-lines file with (at least) the model's input columns. */
  readonly file: string;
  /** The Open Inference infer URL, `http://host:port/v2/models/<name>/infer`. */
  readonly url: string;
  /** At most this many rows, from the top of the file (default: all). */
  readonly limit?: number;
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number;
  /** At most this many requests a second (default: as fast as the server answers). */
  readonly rate?: number;
  /** Sent with every request (e.g. a sticky-routing key). */
  readonly headers?: Readonly<Record<string, string>>;
  /** A column of the file whose value each row's request carries as its `x-request-id` (so labels can name it later). */
  readonly idColumn?: string;
}

/** What the replay saw. */
export interface ReplaySummary {
  readonly file: string;
  readonly url: string;
  /** Requests sent (answered or not). */
  readonly requests: number;
  /** Answered requests per HTTP status. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Successful answers per model version (the response's `model_version`). */
  readonly byVersion: Readonly<Record<string, number>>;
  /** Latency of answered requests, request sent to body read. */
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  readonly seconds: number;
  /** The first answer with an HTTP error status, with (the start of) its body. */
  readonly firstError?: { readonly status: number; readonly body: string };
  /** Requests that got no answer (connection refused or reset); the replay stops at the first. */
  readonly transportFailures: number;
  readonly firstTransportFailure?: string;
}

const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 256;
/** How much of an error body the summary keeps. */
const ERROR_BODY_CHARS = 500;

/** Sends each row of `options.file` to `options.url`; see the file comment. */
export async function replayTraffic(options: ReplayOptions): Promise<ReplaySummary> {
  const { concurrency, limit, rate } = checkOptions(options);
  const inputs = await modelInputs(options.url, options.headers ?? {});
  const { bodies, ids } = await requestBodies(options.file, inputs, limit, options.idColumn);
  const headers = { 'content-type': 'application/json', ...options.headers };
  const byStatus: Record<string, number> = {};
  const byVersion: Record<string, number> = {};
  const latencies: number[] = [];
  let firstError: ReplaySummary['firstError'];
  let transportFailures = 0;
  let firstTransportFailure: string | undefined;
  let next = 0;
  const started = performance.now();

  const sendOne = async (body: string, id: string | undefined): Promise<void> => {
    const t0 = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(options.url, { method: 'POST', headers: id === undefined ? headers : { ...headers, 'x-request-id': id }, body });
      text = await res.text();
    } catch (err) {
      transportFailures++;
      firstTransportFailure ??= transportMessage(err);
      return;
    }
    latencies.push(performance.now() - t0);
    byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
    if (!res.ok) {
      firstError ??= { status: res.status, body: text.slice(0, ERROR_BODY_CHARS) };
      return;
    }
    const version = answeredVersion(text);
    byVersion[version] = (byVersion[version] ?? 0) + 1;
  };
  // Each worker takes the next row; with a rate, row i waits until i/rate seconds after the start.
  const worker = async (): Promise<void> => {
    while (next < bodies.length && transportFailures === 0) {
      const i = next++;
      if (rate !== undefined) {
        const due = started + (i * 1000) / rate - performance.now();
        if (due > 0) await sleep(due);
      }
      await sendOne(bodies[i]!, ids?.[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
  return {
    file: options.file,
    url: options.url,
    requests: Object.values(byStatus).reduce((s, n) => s + n, 0) + transportFailures,
    byStatus,
    byVersion,
    latencyMs: { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)) },
    seconds: round((performance.now() - started) / 1000),
    ...(firstError ? { firstError } : {}),
    transportFailures,
    ...(firstTransportFailure !== undefined ? { firstTransportFailure } : {}),
  };
}

function checkOptions(options: ReplayOptions): { concurrency: number; limit?: number; rate?: number } {
  const { limit, rate, concurrency = DEFAULT_CONCURRENCY } = options;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 1)) fail('INVALID_ARGUMENT', `--limit must be a whole number of rows, at least 1 (got ${limit})`, { field: 'limit' });
  if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= MAX_CONCURRENCY)) {
    fail('INVALID_ARGUMENT', `--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} (got ${concurrency})`, { field: 'concurrency' });
  }
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) fail('INVALID_ARGUMENT', `--rate must be a positive number of requests a second (got ${rate})`, { field: 'rate' });
  if (!/\/infer\/?$/.test(options.url)) {
    fail('INVALID_ARGUMENT', `--url must be an Open Inference infer URL like http://127.0.0.1:8080/v2/models/<name>/infer (got ${options.url})`, { field: 'url' });
  }
  return { concurrency, ...(limit !== undefined ? { limit } : {}), ...(rate !== undefined ? { rate } : {}) };
}

/** The model's inputs from its metadata document, the infer URL without `/infer`. */
async function modelInputs(url: string, headers: Readonly<Record<string, string>>): Promise<readonly MetadataTensor[]> {
  const metadataUrl = url.replace(/\/infer\/?$/, '');
  let res: Response;
  let text: string;
  try {
    res = await fetch(metadataUrl, { headers });
    text = await res.text();
  } catch (err) {
    throw new PaddockError('REMOTE_UNREACHABLE', `cannot reach the model server at ${metadataUrl}: ${transportMessage(err)}`, { url: metadataUrl }, { cause: err });
  }
  if (!res.ok) {
    fail(res.status === 404 ? 'NOT_FOUND' : 'REMOTE_ERROR', `GET ${metadataUrl} (the model's metadata) answered HTTP ${res.status}: ${text.slice(0, ERROR_BODY_CHARS)}`, { url: metadataUrl, status: res.status });
  }
  let inputs: unknown;
  try {
    inputs = (JSON.parse(text) as { inputs?: unknown }).inputs;
  } catch {
    inputs = undefined;
  }
  const valid = Array.isArray(inputs) && inputs.length > 0 && inputs.every((t) => typeof (t as MetadataTensor)?.name === 'string' && typeof (t as MetadataTensor)?.datatype === 'string');
  if (!valid) fail('REMOTE_ERROR', `GET ${metadataUrl} did not answer an Open Inference model metadata document with 'inputs' (name, datatype): ${text.slice(0, 200)}`, { url: metadataUrl });
  return inputs as MetadataTensor[];
}

/**
 * One JSON request body per row of the file: the model's input columns only, each a [1] tensor
 * of the model's datatype. A column the model needs but the file lacks fails here, before any
 * request is sent. With `idColumn`, each row's value of it too, as text (its request id).
 */
async function requestBodies(file: string, inputs: readonly MetadataTensor[], limit: number | undefined, idColumn: string | undefined): Promise<{ bodies: string[]; ids?: string[] }> {
  const source = await openSource(file);
  try {
    const columns = (await describe(source)).map((c) => c.name);
    for (const name of [...inputs.map((t) => t.name), ...(idColumn !== undefined ? [idColumn] : [])]) {
      if (columns.includes(name)) continue;
      const near = nearest(name, columns);
      const role = name === idColumn ? 'given as --id-column' : 'which the model takes as input';
      fail('INVALID_ARGUMENT', `${file}: no column '${name}', ${role}${near ? ` — did you mean '${near}'?` : ''} (model inputs: ${inputs.map((t) => t.name).join(', ')}; file columns: ${columns.join(', ')})`, { file, column: name });
    }
    const selected = [...inputs.map((t) => ident(t.name)), ...(idColumn !== undefined ? [ident(idColumn)] : [])];
    const result = await source.columns(`SELECT ${selected.join(', ')} FROM ${VIEW}${limit !== undefined ? ` LIMIT ${limit}` : ''}`);
    const bodies = Array.from({ length: result.rows }, (_, r) => JSON.stringify({
      inputs: inputs.map((t, c) => ({ name: t.name, shape: [1], datatype: t.datatype, data: [tensorValue(t.datatype, result.columns[c]![r])] })),
    }));
    if (idColumn === undefined) return { bodies };
    const idValues = result.columns[inputs.length]!;
    return { bodies, ids: Array.from({ length: result.rows }, (_, r) => String(idValues[r] ?? '')) };
  } finally {
    source.close();
  }
}

/** A file value as the datatype carries it in JSON: BYTES as strings, BOOL as booleans. */
function tensorValue(datatype: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (datatype === 'BYTES') return typeof value === 'string' ? value : String(value);
  if (datatype === 'BOOL' && typeof value === 'number') return value !== 0;
  return value;
}

/** The `model_version` of an inference response ('unknown' when it has none). */
function answeredVersion(text: string): string {
  try {
    const version = (JSON.parse(text) as { model_version?: unknown }).model_version;
    return typeof version === 'string' && version !== '' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** fetch's "fetch failed" says nothing: the cause (ECONNREFUSED, a reset) does. */
function transportMessage(err: unknown): string {
  const cause = (err as { cause?: { message?: string; code?: string } }).cause;
  return cause?.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : String((err as Error).message ?? err);
}

const round = (x: number): number => Math.round(x * 100) / 100;
