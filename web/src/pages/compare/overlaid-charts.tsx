/** The chosen metrics of several runs, one chart per metric with a line per run (downsampled by the server). */
import { useEffect, useMemo, useState } from 'react';
import { LineChart, type ChartSeries } from '../../charts/line-chart';
import { colorAt } from '../../charts/palette';
import type { ChartSettings } from '../runs/chart-controls';
import { MetricChartPanel } from '../runs/metric-chart-panel';
import { fetchSeries, runLabel, type Run, type Series } from '../runs/run-model';

/** Points per run and metric: several lines share a chart, so fewer each. */
const COMPARE_POINTS = 5000;

export function OverlaidCharts({ runs, keys }: { runs: readonly Run[]; keys: readonly string[] }) {
  return <MetricChartPanel keys={keys} initial={2} chart={(k, settings) => <OverlaidChart runs={runs} metricKey={k} settings={settings} />} />;
}

function OverlaidChart({ runs, metricKey, settings }: { runs: readonly Run[]; metricKey: string; settings: ChartSettings }) {
  const [series, setSeries] = useState<readonly (Series | undefined)[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    const controller = new AbortController();
    // A run without this metric gets no line, not an error.
    Promise.all(runs.map((r) => (r.data.metrics.some((m) => m.key === metricKey) ? fetchSeries(r.info.runId, metricKey, COMPARE_POINTS, controller.signal) : Promise.resolve(undefined))))
      .then(setSeries)
      .catch((e: unknown) => !controller.signal.aborted && setError(e instanceof Error ? e.message : String(e)));
    return () => controller.abort();
  }, [runs, metricKey]);
  const lines = useMemo(() => {
    const out: ChartSeries[] = [];
    series?.forEach((s, i) => {
      if (s) out.push({ label: runLabel(runs[i]!), x: settings.xAxis === 'step' ? s.steps : s.timestamps, y: s.values, color: colorAt(i) });
    });
    return out;
  }, [series, runs, settings.xAxis]);
  return (
    <section className="panel chart-panel" aria-label={`Chart of ${metricKey}`}>
      <h3>{metricKey}</h3>
      {error && <p role="alert" className="error">Could not load {metricKey}: {error}</p>}
      {!series && !error && <p className="muted" aria-busy="true">Loading…</p>}
      {series && <LineChart title={`${metricKey} of ${lines.length} runs by ${settings.xAxis}`} series={lines} xAxis={settings.xAxis} smoothing={settings.smoothing} logY={settings.logY} />}
    </section>
  );
}
