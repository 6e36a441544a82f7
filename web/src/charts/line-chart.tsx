/**
 * A canvas line chart over uPlot for metric series: any number of series on one x axis (steps,
 * wall-clock time or seconds since the start), optional EMA smoothing (the raw line stays
 * faint behind) and a log y scale. Draws 100,000 points in one series without downsampling;
 * resizes with its container. Calls `onDrawn` with the milliseconds from data to first draw.
 */
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './charts.css';
import { colorAt, withAlpha } from './palette';
import { emaSmooth } from './smoothing';

export interface ChartSeries {
  readonly label: string;
  /** Ascending x values: steps, or epoch milliseconds for the time axes. */
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly color?: string;
}

/** step: the logged step; time: wall-clock; relative: seconds since each series' first point. */
export type XAxis = 'step' | 'time' | 'relative';

export interface LineChartProps {
  /** Names the chart for screen readers and tests. */
  readonly title: string;
  readonly series: readonly ChartSeries[];
  readonly xAxis?: XAxis;
  /** EMA weight in [0, 1). */
  readonly smoothing?: number;
  readonly logY?: boolean;
  readonly height?: number;
  readonly onDrawn?: (ms: number) => void;
}

export function LineChart({ title, series, xAxis = 'step', smoothing = 0, logY = false, height = 260, onDrawn }: LineChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const drawn = useRef(onDrawn);
  drawn.current = onDrawn;
  const prepared = useMemo(() => alignedData(series, xAxis, smoothing, logY), [series, xAxis, smoothing, logY]);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const t0 = performance.now();
    let first = true;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: series.length > 1 || smoothing > 0, live: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: xAxis === 'time' }, y: logY ? { distr: 3 } : {} },
      axes: [
        { label: xAxis === 'step' ? 'step' : xAxis === 'relative' ? 'seconds' : undefined, stroke: '#667085', grid: { stroke: '#eef1f6' } },
        { stroke: '#667085', grid: { stroke: '#eef1f6' }, size: 60 },
      ],
      series: [{}, ...prepared.series],
      hooks: {
        draw: [
          () => {
            if (!first) return;
            first = false;
            drawn.current?.(performance.now() - t0);
          },
        ],
      },
    };
    const plot = new uPlot(opts, prepared.data, el);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [prepared, height, xAxis, logY, series.length, smoothing]);

  return <div ref={host} className="line-chart" role="img" aria-label={title} data-points={prepared.points} />;
}

interface Prepared {
  readonly data: uPlot.AlignedData;
  readonly series: uPlot.Series[];
  readonly points: number;
}

/** The series on one shared x (uPlot's aligned form), smoothed, with values a log scale cannot show dropped. */
function alignedData(series: readonly ChartSeries[], xAxis: XAxis, smoothing: number, logY: boolean): Prepared {
  const lines: { label: string; color: string; faint: boolean; x: ArrayLike<number>; y: ArrayLike<number | null> }[] = [];
  series.forEach((s, i) => {
    const color = s.color ?? colorAt(i);
    const x = xValues(s.x, xAxis);
    if (smoothing > 0) lines.push({ label: `${s.label} (raw)`, color: withAlpha(color, 0.25), faint: true, x, y: clean(s.y, logY) });
    lines.push({ label: s.label, color, faint: false, x, y: clean(smoothing > 0 ? emaSmooth(s.y, smoothing) : s.y, logY) });
  });
  // Markers only where there are few points: a lone point has no line to show it.
  const uSeries: uPlot.Series[] = lines.map((l) => ({ label: l.label, stroke: l.color, width: l.faint ? 1 : 1.5, spanGaps: true, points: { show: !l.faint && l.y.length <= 50, size: 6, fill: l.color } }));
  const points = series.reduce((n, s) => n + s.y.length, 0);
  if (lines.length === 0) return { data: [[]], series: [], points };
  if (lines.length === 1 || lines.every((l) => l.x === lines[0]!.x)) {
    return { data: [lines[0]!.x as number[], ...lines.map((l) => l.y as (number | null)[])], series: uSeries, points };
  }
  // join wants plain arrays; several series are downsampled, so this copy is small.
  const joined = uPlot.join(lines.map((l) => [Array.from(l.x), Array.from(l.y)] as uPlot.AlignedData));
  return { data: joined, series: uSeries, points };
}

function xValues(x: ArrayLike<number>, xAxis: XAxis): ArrayLike<number> {
  if (xAxis === 'step') return x;
  const out = new Float64Array(x.length);
  const origin = xAxis === 'relative' ? (x[0] ?? 0) : 0;
  for (let i = 0; i < x.length; i++) out[i] = (x[i]! - origin) / 1000;
  return out;
}

/** Non-finite values (and, on a log scale, values ≤ 0) become gaps; all-finite data is passed as is. */
function clean(y: ArrayLike<number>, logY: boolean): ArrayLike<number | null> {
  let ok = true;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v) || (logY && v <= 0)) {
      ok = false;
      break;
    }
  }
  if (ok) return y;
  return Array.from(y, (v) => (Number.isFinite(v) && !(logY && v <= 0) ? v : null));
}
