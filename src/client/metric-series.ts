import { isPaddockError } from '../core/errors.js';
import type { Metric, MetricSeries } from '../tracking/index.js';
import type { JsonHttp } from './http-json.js';

/** Servers found not to have Paddock's columnar endpoint (an MLflow server): asked once. */
const withoutColumnar = new WeakSet<JsonHttp>();

/**
 * Reads a series from Paddock's columnar endpoint (`GET /api/v1/runs/:id/metrics/:key?format=f64`:
 * three little-endian float64 blocks, steps, timestamps, values); undefined when the server does
 * not have it (an MLflow server), so the caller falls back to MLflow's get-history.
 */
export async function fetchColumnarSeries(http: JsonHttp, runId: string, key: string, options: { maxPoints?: number }): Promise<MetricSeries | undefined> {
  if (withoutColumnar.has(http)) return undefined;
  const qs = new URLSearchParams({ format: 'f64', ...(options.maxPoints ? { max_points: String(options.maxPoints) } : {}) });
  let res: Response;
  try {
    res = await http.raw('GET', `/api/v1/runs/${encodeURIComponent(runId)}/metrics/${encodeURIComponent(key)}?${qs}`);
  } catch (err) {
    // A server without the route: MLflow's 404 page (no error body), or an older Paddock's
    // "no endpoint"; an unknown run or key is a real NOT_FOUND and is thrown.
    if (isPaddockError(err, 'NOT_FOUND') && (err.details.body === 'other' || /^no endpoint/.test(err.message))) {
      withoutColumnar.add(http);
      return undefined;
    }
    throw err;
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const n = Math.floor(bytes.byteLength / 24);
  // Copy into an aligned buffer: the response's bytes need not start on an 8-byte boundary.
  const all = new Float64Array(n * 3);
  new Uint8Array(all.buffer).set(bytes.subarray(0, n * 24));
  if (!littleEndian()) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n * 3; i++) all[i] = view.getFloat64(i * 8, true);
  }
  return { key, steps: all.subarray(0, n), timestamps: all.subarray(n, 2 * n), values: all.subarray(2 * n) };
}

function littleEndian(): boolean {
  return new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
}

/**
 * Points in (step, timestamp) order as columns; with `maxPoints`, evenly spaced points that keep
 * the first and the last, which is enough for a chart's overview.
 */
export function seriesFromPoints(key: string, points: readonly Metric[], maxPoints?: number): MetricSeries {
  const sorted = [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  const picked = maxPoints !== undefined && maxPoints > 0 && sorted.length > maxPoints ? evenlySpaced(sorted, maxPoints) : sorted;
  return {
    key,
    steps: Float64Array.from(picked, (p) => p.step),
    timestamps: Float64Array.from(picked, (p) => p.timestamp),
    values: Float64Array.from(picked, (p) => p.value),
  };
}

function evenlySpaced<T>(items: readonly T[], n: number): T[] {
  if (n === 1) return [items[items.length - 1]!];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.round((i * (items.length - 1)) / (n - 1))]!);
  return out;
}
