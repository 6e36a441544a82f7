/**
 * `/metrics` of `paddock serve --workers N`: the sum over the workers, from each worker's
 * `registry.getMetricsAsJSON()`. prom-client's AggregatorRegistry merges them by each metric's
 * `aggregator`: counters, histograms and the in-flight gauge sum (so a counter never goes back
 * whichever worker answers the scrape); of the process metrics, CPU, memory, handles and GC sum,
 * event-loop lag is averaged (min and max for its extremes), `nodejs_version_info` is taken from
 * the first worker and `process_start_time_seconds` is left out (a sum of start times means nothing).
 */
import { AggregatorRegistry, type Registry } from 'prom-client';

/** One worker's metrics, as `registry.getMetricsAsJSON()` gives them (plain data, sent over IPC). */
export type WorkerMetrics = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** The Prometheus text of the workers' metrics merged into one. */
export function aggregateMetrics(workers: readonly WorkerMetrics[]): Promise<string> {
  // The static merge only: constructing an AggregatorRegistry would install prom-client's own IPC listeners.
  return AggregatorRegistry.aggregate([...workers]).metrics();
}
