/**
 * A parallel-coordinates plot in SVG: one vertical axis per dimension (numeric axes scaled to
 * their range, text axes spread over their distinct values), one polyline per item, coloured
 * by the last dimension (blue low, red high). A missing value breaks the line at that axis.
 */
import './charts.css';
import { Fragment } from 'react';

export interface Dimension {
  readonly name: string;
  /** One value per item; undefined where the item has none. */
  readonly values: readonly (number | string | undefined)[];
}

export interface ParallelCoordinatesProps {
  readonly title: string;
  readonly items: readonly { readonly id: string; readonly label: string }[];
  readonly dimensions: readonly Dimension[];
  readonly height?: number;
}

const WIDTH = 1000;
const PAD = { top: 28, bottom: 24, left: 60, right: 60 };

interface Axis {
  readonly name: string;
  /** 0 (bottom) … 1 (top), or undefined for a missing value. */
  readonly position: (v: number | string | undefined) => number | undefined;
  readonly ticks: readonly { readonly at: number; readonly text: string }[];
}

export function ParallelCoordinates({ title, items, dimensions, height = 300 }: ParallelCoordinatesProps) {
  const axes = dimensions.map(axisOf);
  const inner = height - PAD.top - PAD.bottom;
  const xOf = (i: number) => PAD.left + (axes.length < 2 ? 0 : (i * (WIDTH - PAD.left - PAD.right)) / (axes.length - 1));
  const yOf = (p: number) => PAD.top + (1 - p) * inner;
  const colourAxis = axes.at(-1);
  const colourDim = dimensions.at(-1);
  return (
    <svg className="parallel-coordinates" role="img" aria-label={title} viewBox={`0 0 ${WIDTH} ${height}`} width="100%" preserveAspectRatio="xMidYMid meet">
      {items.map((item, row) => {
        const p = colourAxis?.position(colourDim?.values[row]);
        const segments: string[] = [];
        let current = '';
        axes.forEach((axis, i) => {
          const pos = axis.position(dimensions[i]!.values[row]);
          if (pos === undefined) {
            if (current) segments.push(current);
            current = '';
            return;
          }
          current += `${current ? ' L' : 'M'}${xOf(i).toFixed(1)},${yOf(pos).toFixed(1)}`;
        });
        if (current) segments.push(current);
        return (
          <path key={item.id} d={segments.join(' ')} fill="none" stroke={p === undefined ? '#98a2b3' : heat(p)} strokeWidth={2} strokeOpacity={0.8}>
            <title>{item.label}</title>
          </path>
        );
      })}
      {axes.map((axis, i) => (
        <g key={axis.name} transform={`translate(${xOf(i)},0)`}>
          <line y1={PAD.top} y2={PAD.top + inner} stroke="#1d2330" />
          <text y={PAD.top - 10} textAnchor="middle" fontSize={13} fontWeight={600} fill="#1d2330">{axis.name}</text>
          {axis.ticks.map((t) => (
            <Fragment key={`${t.at}-${t.text}`}>
              <line x1={-4} x2={0} y1={yOf(t.at)} y2={yOf(t.at)} stroke="#1d2330" />
              <text x={-6} y={yOf(t.at) + 4} textAnchor="end" fontSize={11} fill="#667085">{t.text}</text>
            </Fragment>
          ))}
        </g>
      ))}
    </svg>
  );
}

function axisOf(dim: Dimension): Axis {
  const present = dim.values.filter((v): v is number | string => v !== undefined && v !== '');
  const numbers = present.map((v) => (typeof v === 'number' ? v : Number(v)));
  if (present.length > 0 && numbers.every(Number.isFinite)) {
    const lo = Math.min(...numbers);
    const hi = Math.max(...numbers);
    const span = hi - lo || 1;
    const position = (v: number | string | undefined) => {
      if (v === undefined || v === '') return undefined;
      const n = Number(v);
      return Number.isFinite(n) ? (hi === lo ? 0.5 : (n - lo) / span) : undefined;
    };
    const ticks = hi === lo ? [{ at: 0.5, text: short(lo) }] : [0, 0.5, 1].map((at) => ({ at, text: short(lo + at * span) }));
    return { name: dim.name, position, ticks };
  }
  const categories = [...new Set(present.map(String))].sort();
  const at = (c: string) => (categories.length === 1 ? 0.5 : categories.indexOf(c) / (categories.length - 1));
  return {
    name: dim.name,
    position: (v) => (v === undefined || v === '' || !categories.includes(String(v)) ? undefined : at(String(v))),
    ticks: categories.slice(0, 12).map((c) => ({ at: at(c), text: c.length > 10 ? `${c.slice(0, 9)}…` : c })),
  };
}

function short(n: number): string {
  return Math.abs(n) >= 1e4 || (Math.abs(n) < 1e-3 && n !== 0) ? n.toExponential(2) : String(Number(n.toPrecision(4)));
}

/** Blue (0) through purple to red (1). */
function heat(p: number): string {
  const r = Math.round(47 + p * (214 - 47));
  const g = Math.round(111 - p * (111 - 40));
  const b = Math.round(222 - p * (222 - 40));
  return `rgb(${r},${g},${b})`;
}
