import type { ColumnHistogram } from './types';

const W = 360;
const H = 120;
const PAD = 18;

/** Reference vs current shares on the reference's bins, as paired SVG bars. */
export function Histogram({ title, histogram }: { title: string; histogram: ColumnHistogram }) {
  const n = histogram.labels.length;
  if (n === 0) return <p className="muted">No values to draw.</p>;
  const max = Math.max(...histogram.reference, ...histogram.current, 1e-9);
  const slot = (W - 2) / n;
  const bar = Math.max(1, slot / 2 - 1);
  const y = (v: number) => H - PAD - (v / max) * (H - PAD - 4);
  return (
    <svg className="histogram" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={title}>
      <title>{title}</title>
      {histogram.labels.map((label, i) => (
        <g key={`${label}-${i}`}>
          <rect className="hist-ref" x={1 + i * slot} y={y(histogram.reference[i] ?? 0)} width={bar} height={H - PAD - y(histogram.reference[i] ?? 0)}>
            <title>{`${label}: reference ${((histogram.reference[i] ?? 0) * 100).toFixed(1)}%`}</title>
          </rect>
          <rect className="hist-cur" x={1 + i * slot + bar} y={y(histogram.current[i] ?? 0)} width={bar} height={H - PAD - y(histogram.current[i] ?? 0)}>
            <title>{`${label}: current ${((histogram.current[i] ?? 0) * 100).toFixed(1)}%`}</title>
          </rect>
        </g>
      ))}
      <line x1={0} x2={W} y1={H - PAD} y2={H - PAD} stroke="#d9dee7" />
      <text x={2} y={H - 4} className="hist-axis">{histogram.labels[0]}</text>
      <text x={W - 2} y={H - 4} className="hist-axis" textAnchor="end">{histogram.labels[n - 1]}</text>
    </svg>
  );
}
