import type { XAxis } from '../../charts/line-chart';

export interface ChartSettings {
  readonly xAxis: XAxis;
  readonly smoothing: number;
  readonly logY: boolean;
}

export const DEFAULT_CHART_SETTINGS: ChartSettings = { xAxis: 'step', smoothing: 0, logY: false };

/** The x-axis switch, the EMA smoothing slider and the log-scale box shared by the run and compare pages. */
export function ChartControls({ value, onChange }: { value: ChartSettings; onChange: (next: ChartSettings) => void }) {
  return (
    <div className="toolbar chart-controls">
      <label>
        X axis{' '}
        <select value={value.xAxis} onChange={(e) => onChange({ ...value, xAxis: e.target.value as XAxis })}>
          <option value="step">Step</option>
          <option value="relative">Time since start</option>
          <option value="time">Wall time</option>
        </select>
      </label>
      <label>
        Smoothing{' '}
        <input type="range" min={0} max={0.99} step={0.01} value={value.smoothing} onChange={(e) => onChange({ ...value, smoothing: Number(e.target.value) })} />{' '}
        <output>{value.smoothing.toFixed(2)}</output>
      </label>
      <label>
        <input type="checkbox" checked={value.logY} onChange={(e) => onChange({ ...value, logY: e.target.checked })} /> Log scale
      </label>
    </div>
  );
}
