/**
 * The run page's data, fetched once and shared: the router's loader starts the run request the
 * moment the URL names a run (on a first load, while the page chunk and /whoami are still on
 * their way) and chains the first charts' series right behind it, and the page then reads the
 * same promises instead of asking again. Without this the chart waited for shell → whoami →
 * page chunk → run → series, one after the other.
 */
import { apiGet } from '../../api/client';
import { session } from '../../auth/session';
import { fetchSeries, type Run, type Series } from './run-model';

/** What the run page asks the server for at most, per series. */
export const RUN_CHART_POINTS = 100_000;
/** How many charts the run page shows before the user picks others. */
export const INITIAL_CHARTS = 4;

/**
 * How long a settled answer is handed out again: long enough for the page that prefetched it to
 * mount (and for StrictMode's second effect in development), short enough that coming back to
 * a run later shows fresh data.
 */
const FRESH_MS = 10_000;

interface Entry {
  readonly promise: Promise<unknown>;
  /** Answers are per principal: a prefetch made before sign-in is not reused after it. */
  readonly token: string | null;
  settledAt?: number;
}

const entries = new Map<string, Entry>();

function shared<T>(key: string, load: () => Promise<T>): Promise<T> {
  const now = performance.now();
  for (const [k, e] of entries) if (e.settledAt !== undefined && now - e.settledAt > FRESH_MS) entries.delete(k);
  const token = session.token();
  const hit = entries.get(key);
  if (hit && hit.token === token) return hit.promise as Promise<T>;
  const promise = load();
  const entry: Entry = { promise, token };
  entries.set(key, entry);
  // A failure is not kept: the next caller (a retry, another page) asks the server again.
  promise.then(
    () => (entry.settledAt = performance.now()),
    () => entries.get(key) === entry && entries.delete(key),
  );
  return promise;
}

/** GET /api/v1/runs/{id}, shared with any request for the same run still in flight or just answered. */
export function loadRun(runId: string): Promise<Run> {
  return shared(`run:${runId}`, () => apiGet<Run>('/api/v1/runs/{id}', { params: { id: runId } }));
}

/** A metric series of the run page (up to RUN_CHART_POINTS, float64), shared likewise. */
export function loadSeries(runId: string, key: string): Promise<Series> {
  return shared(`series:${runId}\u0000${key}`, () => fetchSeries(runId, key, RUN_CHART_POINTS));
}

/** The run's metric keys, sorted: the run page's chart order. */
export function metricKeysOf(run: Run): string[] {
  return [...new Set(run.data.metrics.map((m) => m.key))].sort();
}

/**
 * Starts the run page's requests: the run, then at once the series of the charts it shows
 * first. Errors are left for the page to meet (and report) when it asks for the same data.
 */
export function prefetchRunPage(runId: string): void {
  loadRun(runId)
    .then((run) => {
      for (const key of metricKeysOf(run).slice(0, INITIAL_CHARTS)) loadSeries(runId, key).catch(() => undefined);
    })
    .catch(() => undefined);
}
