/**
 * The frame of a set of metric charts (a run's, or several runs' overlaid): the axis, smoothing
 * and scale controls, a checkbox per metric, and one chart per chosen metric drawn by `chart`.
 */
import { Fragment, useState, type ReactNode } from 'react';
import { ChartControls, DEFAULT_CHART_SETTINGS, type ChartSettings } from './chart-controls';

export function MetricChartPanel({ keys, initial, chart }: { keys: readonly string[]; initial: number; chart: (key: string, settings: ChartSettings) => ReactNode }) {
  const [settings, setSettings] = useState<ChartSettings>(DEFAULT_CHART_SETTINGS);
  const [shown, setShown] = useState<readonly string[]>(() => keys.slice(0, initial));
  if (keys.length === 0) return <p className="muted">No metrics logged.</p>;
  return (
    <>
      <ChartControls value={settings} onChange={setSettings} />
      <fieldset className="metric-picker">
        <legend>Charts</legend>
        {keys.map((k) => (
          <label key={k} className="check">
            <input type="checkbox" checked={shown.includes(k)} onChange={() => setShown((s) => (s.includes(k) ? s.filter((x) => x !== k) : [...s, k]))} /> {k}
          </label>
        ))}
      </fieldset>
      <div className="chart-grid">
        {keys.filter((k) => shown.includes(k)).map((k) => <Fragment key={k}>{chart(k, settings)}</Fragment>)}
      </div>
    </>
  );
}
