import { formatNumber, kindOf, makeScale, numeric, type Scale } from './scales.js';

/** A named list of points. */
export interface Series {
  readonly name: string;
  readonly points: readonly { readonly x: unknown; readonly y: unknown }[];
}

/** What one chart shows. */
export interface ChartSpec {
  readonly title?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly template: 'linear' | 'scatter' | 'bar' | 'confusion';
  readonly series: readonly Series[];
}

const WIDTH = 720;
const HEIGHT = 400;
const M = { top: 40, right: 24, bottom: 56, left: 72 };
const LEGEND = 160;
const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

/** Escapes text for HTML/SVG content and attributes. */
export function esc(text: unknown): string {
  return String(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/**
 * Draws the chart as inline SVG (no xmlns URL needed inside HTML): axes with ticks and labels,
 * a title, a legend for several series, one circle per point for line and scatter charts,
 * one rect per point for bars, one cell per (actual, predicted) pair for confusion matrices.
 */
export function renderChart(spec: ChartSpec): string {
  const legend = spec.series.length > 1 ? LEGEND : 0;
  const plot = { x0: M.left, x1: WIDTH - M.right - legend, y0: HEIGHT - M.bottom, y1: M.top };
  const all = spec.series.flatMap((s) => s.points);
  const body = spec.template === 'confusion' ? confusion(spec, plot) : xy(spec, plot, all);
  const parts = [
    `<svg class="chart" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${esc(spec.title ?? spec.yLabel)}">`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    spec.title ? `<text class="title" x="${WIDTH / 2}" y="22" text-anchor="middle">${esc(spec.title)}</text>` : '',
    body,
    `<text class="axis-label" x="${(plot.x0 + plot.x1) / 2}" y="${HEIGHT - 12}" text-anchor="middle">${esc(spec.xLabel)}</text>`,
    `<text class="axis-label" transform="translate(16 ${(plot.y0 + plot.y1) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`,
    legend ? legendOf(spec.series, plot.x1 + 16) : '',
    '</svg>',
  ];
  return parts.filter(Boolean).join('\n');
}

interface Box {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

function xy(spec: ChartSpec, plot: Box, all: readonly { x: unknown; y: unknown }[]): string {
  const bar = spec.template === 'bar';
  const xs = makeScale(all.map((p) => p.x), plot.x0, plot.x1, kindOf(all.map((p) => p.x), bar));
  const ys = makeScale(all.map((p) => p.y), plot.y0, plot.y1, kindOf(all.map((p) => p.y)), bar);
  const out = [axes(xs, ys, plot)];
  spec.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const pts = s.points.filter((p) => numeric(p.y) !== undefined || ys.kind !== 'number');
    if (bar) {
      const w = Math.max(1, (xs.band * 0.8) / spec.series.length);
      const zero = ys.map(0);
      for (const p of pts) {
        const x = xs.map(p.x) - xs.band * 0.4 + w * i;
        const y = ys.map(p.y);
        out.push(`<rect class="bar" x="${r(x)}" y="${r(Math.min(y, zero))}" width="${r(w)}" height="${r(Math.abs(zero - y))}" fill="${color}"><title>${esc(`${s.name}: ${label(p.x)}, ${label(p.y)}`)}</title></rect>`);
      }
      return;
    }
    if (spec.template === 'linear' && pts.length > 1) {
      out.push(`<polyline class="line" fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${r(xs.map(p.x))},${r(ys.map(p.y))}`).join(' ')}"/>`);
    }
    const radius = spec.template === 'scatter' ? 3.5 : 2.5;
    for (const p of pts) out.push(`<circle class="point" cx="${r(xs.map(p.x))}" cy="${r(ys.map(p.y))}" r="${radius}" fill="${color}"><title>${esc(`${s.name}: ${label(p.x)}, ${label(p.y)}`)}</title></circle>`);
  });
  return out.join('\n');
}

function confusion(spec: ChartSpec, plot: Box): string {
  const pts = spec.series.flatMap((s) => s.points);
  const cats = [...new Set(pts.flatMap((p) => [String(p.x), String(p.y)]))].sort();
  const xs = makeScale(cats, plot.x0, plot.x1, 'category');
  const ys = makeScale(cats, plot.y1, plot.y0, 'category');
  const counts = new Map<string, number>();
  for (const p of pts) counts.set(`${p.x}\0${p.y}`, (counts.get(`${p.x}\0${p.y}`) ?? 0) + 1);
  const max = Math.max(1, ...counts.values());
  const out = [axes(xs, ys, plot, false)];
  for (const a of cats) {
    for (const b of cats) {
      const n = counts.get(`${a}\0${b}`) ?? 0;
      const [cx, cy] = [xs.map(a), ys.map(b)];
      out.push(`<rect class="cell" x="${r(cx - xs.band / 2)}" y="${r(cy - ys.band / 2)}" width="${r(xs.band)}" height="${r(ys.band)}" fill="#4c78a8" fill-opacity="${r(0.08 + (0.92 * n) / max)}"><title>${esc(`${a} → ${b}: ${n}`)}</title></rect>`);
      out.push(`<text x="${r(cx)}" y="${r(cy + 4)}" text-anchor="middle" class="count">${n}</text>`);
    }
  }
  return out.join('\n');
}

function axes(xs: Scale, ys: Scale, plot: Box, grid = true): string {
  const out = [
    `<line class="axis" x1="${plot.x0}" y1="${plot.y0}" x2="${plot.x1}" y2="${plot.y0}" stroke="#333"/>`,
    `<line class="axis" x1="${plot.x0}" y1="${plot.y0}" x2="${plot.x0}" y2="${plot.y1}" stroke="#333"/>`,
  ];
  for (const t of xs.ticks) {
    out.push(`<line class="tick" x1="${r(t.at)}" y1="${plot.y0}" x2="${r(t.at)}" y2="${plot.y0 + 5}" stroke="#333"/>`);
    out.push(`<text class="tick-label" x="${r(t.at)}" y="${plot.y0 + 18}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  for (const t of ys.ticks) {
    if (grid) out.push(`<line class="grid" x1="${plot.x0}" y1="${r(t.at)}" x2="${plot.x1}" y2="${r(t.at)}" stroke="#eee"/>`);
    out.push(`<line class="tick" x1="${plot.x0 - 5}" y1="${r(t.at)}" x2="${plot.x0}" y2="${r(t.at)}" stroke="#333"/>`);
    out.push(`<text class="tick-label" x="${plot.x0 - 8}" y="${r(t.at + 4)}" text-anchor="end">${esc(t.label)}</text>`);
  }
  return out.join('\n');
}

function legendOf(series: readonly Series[], x: number): string {
  return series
    .map((s, i) => `<g class="legend"><rect x="${x}" y="${M.top + i * 20}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/><text x="${x + 18}" y="${M.top + i * 20 + 10}">${esc(s.name)}</text></g>`)
    .join('\n');
}

function label(v: unknown): string {
  const n = typeof v === 'number' ? v : undefined;
  return n === undefined ? String(v) : formatNumber(n);
}

function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}
