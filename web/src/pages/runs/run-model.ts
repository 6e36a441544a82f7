/**
 * The run as /api/v1 answers it (declared once in src/tracking/model.ts, via
 * src/http/api-v1/wire/tracking.ts) and the small readings of it the
 * experiments, run and compare pages share.
 */
import { ApiError, apiUrl } from '../../api/client';
import { session } from '../../auth/session';
import type { MetricSeries as Series, Run } from '../../../../src/http/api-v1/wire/tracking';

/** A metric series in columns, fetched in the compact float64 form. */
export type { MetricSeries as Series } from '../../../../src/http/api-v1/wire/tracking';
export type { DatasetInput, Experiment, Metric, Page, Run, RunStatus } from '../../../../src/http/api-v1/wire/tracking';

/** The run's latest value of `key` (the API sends non-finite values as "NaN", "Infinity"…). */
export function metricValue(run: Run, key: string): number | undefined {
  const m = run.data.metrics.find((x) => x.key === key);
  return m === undefined ? undefined : Number(m.value);
}

export function paramValue(run: Run, key: string): string | undefined {
  return run.data.params.find((p) => p.key === key)?.value;
}

/** A run's name, or the start of its id when it has none. */
export function runLabel(run: Run): string {
  return run.info.runName || run.info.runId.slice(0, 8);
}

/** Where the run came from: the pipeline stage and git commit `paddock repro` tags it with. */
export function runSource(run: Run): { stage?: string; commit?: string; dirty: boolean } {
  const t = run.data.tags;
  const commit = t['paddock.git.commit'] ?? t['mlflow.source.git.commit'];
  const stage = t['paddock.stage'];
  return { ...(stage ? { stage } : {}), ...(commit ? { commit } : {}), dirty: t['paddock.git.dirty'] === 'true' };
}

/**
 * GET /api/v1/runs/{id}/metrics/{key} as three float64 blocks (`format=f64`): no JSON parse
 * of 300,000 numbers. `maxPoints` has the server downsample (min/max per bucket, ends kept).
 */
export async function fetchSeries(runId: string, key: string, maxPoints: number, signal?: AbortSignal): Promise<Series> {
  const url = apiUrl('/api/v1/runs/{id}/metrics/{key}', { params: { id: runId, key }, query: { format: 'f64', max_points: maxPoints } });
  const token = session.token();
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, ...(signal ? { signal } : {}) });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(response.status, body.error?.code ?? 'UNKNOWN', body.error?.message ?? `the server answered HTTP ${response.status}`);
  }
  const buffer = await response.arrayBuffer();
  const n = buffer.byteLength / 24;
  return {
    key,
    steps: new Float64Array(buffer, 0, n),
    timestamps: new Float64Array(buffer, n * 8, n),
    values: new Float64Array(buffer, n * 16, n),
  };
}
