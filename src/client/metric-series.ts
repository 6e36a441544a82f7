import { isPaddockError } from '../core/errors.js';
import type { Metric, MetricSeries } from '../tracking/index.js';
import type { JsonHttp } from './http-json.js';
import { decodeDouble } from './mlflow-wire.js';

/** Servers found not to have Paddock's columnar endpoint (an MLflow server): asked once. */
const withoutColumnar = new WeakSet<JsonHttp>();

/** Paddock's `/api/v1` series body: parallel arrays, non-finite values as strings. */
interface ColumnarBody {
  readonly key?: string;
  readonly steps?: readonly (number | string)[];
  readonly timestamps?: readonly (number | string)[];
  readonly values?: readonly (number | string)[];
}

/**
 * Reads a series from Paddock's columnar endpoint; undefined when the server does not have it
 * (a real MLflow server answers 404), so the caller falls back to MLflow's get-history.
 */
export async function fetchColumnarSeries(http: JsonHttp, runId: string, key: string, options: { maxPoints?: number }): Promise<MetricSeries | undefined> {
  if (withoutColumnar.has(http)) return undefined;
  try {
    const body = await http.get<ColumnarBody>(`/api/v1/runs/${encodeURIComponent(runId)}/metrics/${encodeURIComponent(key)}/series`, { max_points: options.maxPoints });
    return {
      key: body.key ?? key,
      steps: Float64Array.from(body.steps ?? [], decodeDouble),
      timestamps: Float64Array.from(body.timestamps ?? [], decodeDouble),
      values: Float64Array.from(body.values ?? [], decodeDouble),
    };
  } catch (err) {
    // A route the server lacks is a 404 with neither error body; an unknown run is a real error.
    if (isPaddockError(err, 'NOT_FOUND') && err.details.body === 'other') {
      withoutColumnar.add(http);
      return undefined;
    }
    throw err;
  }
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
