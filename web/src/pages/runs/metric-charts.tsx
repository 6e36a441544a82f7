/**
 * A run's metric charts: one chart per chosen key, each series fetched whole up to 100,000
 * points (larger ones downsampled by the server, min/max per bucket), drawn by uPlot. The
 * first charts' series are usually already on their way (run-data.ts prefetches them).
 */
import { useEffect, useMemo, useState } from 'react';
import { LineChart } from '../../charts/line-chart';
import type { ChartSettings } from './chart-controls';
import { MetricChartPanel } from './metric-chart-panel';
import { INITIAL_CHARTS, loadSeries } from './run-data';
import type { Series } from './run-model';

/** Prefix of the mark set when a metric's chart is first drawn: `paddock:metric-chart-drawn:<key>` (read by bench/ui.js). */
export const CHART_DRAWN_MARK = 'paddock:metric-chart-drawn';

export function MetricCharts({ runId, keys }: { runId: string; keys: readonly string[] }) {
  return <MetricChartPanel keys={keys} initial={INITIAL_CHARTS} chart={(k, settings) => <RunMetricChart runId={runId} metricKey={k} settings={settings} />} />;
}

function RunMetricChart({ runId, metricKey, settings }: { runId: string; metricKey: string; settings: ChartSettings }) {
  const [series, setSeries] = useState<Series | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    // The request is shared (not aborted here): a remount, or StrictMode's second effect,
    // takes the same answer instead of asking again.
    let live = true;
    loadSeries(runId, metricKey)
      .then((s) => live && setSeries(s))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [runId, metricKey]);
  const lines = useMemo(() => (series ? [{ label: metricKey, x: settings.xAxis === 'step' ? series.steps : series.timestamps, y: series.values }] : []), [series, metricKey, settings.xAxis]);
  const onDrawn = (ms: number) => {
    const mark = `${CHART_DRAWN_MARK}:${metricKey}`;
    if (performance.getEntriesByName(mark).length === 0) performance.mark(mark, { detail: { drawMs: ms, points: series?.values.length } });
  };
  return (
    <section className="panel chart-panel" aria-label={`Chart of ${metricKey}`}>
      <h3>{metricKey} {series && <span className="muted">({series.values.length.toLocaleString()} points)</span>}</h3>
      {error && <p role="alert" className="error">Could not load {metricKey}: {error}</p>}
      {!series && !error && <p className="muted" aria-busy="true">Loading…</p>}
      {series && (
        <LineChart
          title={`${metricKey} by ${settings.xAxis}`}
          series={lines}
          xAxis={settings.xAxis}
          smoothing={settings.smoothing}
          logY={settings.logY}
          onDrawn={onDrawn}
        />
      )}
    </section>
  );
}
