/**
 * The evaluation report's charts as inline SVG: XY charts (ROC, PR, calibration, residuals) and
 * a confusion-matrix heat map. No xmlns URL is written: SVG inside HTML does not need one, and
 * the report must contain no external URLs.
 */

/** One line or scatter series; points are [x, y]. */
export interface XySeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly style: 'line' | 'dots' | 'line-dots';
}

/** What one XY chart shows. */
export interface XyChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly XySeries[];
  /** Fixed axis ranges (e.g. [0, 1] for ROC); otherwise fitted to the data. */
  readonly x?: readonly [number, number];
  readonly y?: readonly [number, number];
  /** A dashed reference line: the diagonal y = x, or a horizontal line at y = value. */
  readonly reference?: 'diagonal' | { readonly y: number };
}

const W = 440;
const H = 340;
const M = { top: 34, right: 16, bottom: 48, left: 60 };
const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756'];

/** Escapes text for HTML and SVG content and attributes. */
export function esc(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

const r = (n: number): string => String(Math.round(n * 10) / 10);

/** Tick values at 1, 2 or 5 × 10^k steps covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function extent(values: readonly number[], fixed?: readonly [number, number]): [number, number] {
  if (fixed) return [fixed[0], fixed[1]];
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let [lo, hi] = [Math.min(...finite), Math.max(...finite)];
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

function tickLabel(v: number): string {
  return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(6)));
}

function frame(title: string, body: string): string {
  return `<svg class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">\n<rect width="${W}" height="${H}" fill="#fff"/>\n<text class="title" x="${W / 2}" y="20" text-anchor="middle">${esc(title)}</text>\n${body}\n</svg>`;
}

/** Draws an XY chart with axes, ticks, a legend for several series and an optional reference line. */
export function renderXyChart(chart: XyChart): string {
  const all = chart.series.flatMap((s) => s.points);
  const [x0, x1] = extent(all.map((p) => p[0]), chart.x);
  const [y0, y1] = extent(all.map((p) => p[1]), chart.y);
  const px = (v: number): number => M.left + ((v - x0) / (x1 - x0)) * (W - M.left - M.right);
  const py = (v: number): number => H - M.bottom - ((v - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const out: string[] = [];
  for (const t of ticks(x0, x1)) {
    out.push(`<line x1="${r(px(t))}" y1="${H - M.bottom}" x2="${r(px(t))}" y2="${H - M.bottom + 4}" stroke="#333"/><text class="tick" x="${r(px(t))}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(tickLabel(t))}</text>`);
  }
  for (const t of ticks(y0, y1)) {
    out.push(`<line x1="${M.left}" y1="${r(py(t))}" x2="${W - M.right}" y2="${r(py(t))}" stroke="#eee"/><text class="tick" x="${M.left - 6}" y="${r(py(t) + 4)}" text-anchor="end">${esc(tickLabel(t))}</text>`);
  }
  out.push(`<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="#333"/><line x1="${M.left}" y1="${H - M.bottom}" x2="${M.left}" y2="${M.top}" stroke="#333"/>`);
  const ref = chart.reference;
  if (ref === 'diagonal') {
    const [a, b] = [Math.max(x0, y0), Math.min(x1, y1)];
    out.push(`<line class="reference" x1="${r(px(a))}" y1="${r(py(a))}" x2="${r(px(b))}" y2="${r(py(b))}" stroke="#999" stroke-dasharray="4 4"/>`);
  } else if (ref) {
    out.push(`<line class="reference" x1="${M.left}" y1="${r(py(ref.y))}" x2="${W - M.right}" y2="${r(py(ref.y))}" stroke="#999" stroke-dasharray="4 4"/>`);
  }
  chart.series.forEach((s, i) => out.push(seriesSvg(s, COLORS[i % COLORS.length]!, px, py)));
  if (chart.series.length > 1) {
    chart.series.forEach((s, i) => out.push(`<rect x="${M.left + 10}" y="${M.top + 4 + i * 16}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text class="legend" x="${M.left + 24}" y="${M.top + 13 + i * 16}">${esc(s.name)}</text>`));
  }
  out.push(`<text class="axis" x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">${esc(chart.xLabel)}</text>`);
  out.push(`<text class="axis" transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(chart.yLabel)}</text>`);
  return frame(chart.title, out.join('\n'));
}

function seriesSvg(s: XySeries, color: string, px: (v: number) => number, py: (v: number) => number): string {
  const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  const out: string[] = [];
  if (s.style !== 'dots' && pts.length > 1) {
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${r(px(p[0]))},${r(py(p[1]))}`).join(' ')}"><title>${esc(s.name)}</title></polyline>`);
  }
  if (s.style !== 'line') {
    const radius = s.style === 'dots' ? 2 : 3.5;
    for (const p of pts) out.push(`<circle cx="${r(px(p[0]))}" cy="${r(py(p[1]))}" r="${radius}" fill="${color}" fill-opacity="${s.style === 'dots' ? 0.45 : 1}"/>`);
  }
  return out.join('\n');
}

/** Draws a confusion matrix: rows are the true class, columns the predicted class. */
export function renderConfusionMatrix(classes: readonly (string | number)[], matrix: readonly (readonly number[])[]): string {
  const k = classes.length;
  const label = (c: string | number): string => (String(c).length > 10 ? `${String(c).slice(0, 9)}…` : String(c));
  const left = 90;
  const top = 76;
  const cell = Math.max(14, Math.min(56, Math.floor(360 / k)));
  const size = { w: Math.max(300, left + k * cell + 40), h: top + k * cell + 40 };
  const max = Math.max(1, ...matrix.flat());
  const out: string[] = [];
  matrix.forEach((row, t) =>
    row.forEach((count, p) => {
      const [x, y] = [left + p * cell, top + t * cell];
      const dark = count / max > 0.55;
      out.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="#4c78a8" fill-opacity="${r(0.06 + (0.94 * count) / max)}" stroke="#fff"><title>${esc(`true ${classes[t]}, predicted ${classes[p]}: ${count}`)}</title></rect>`);
      if (cell >= 28) out.push(`<text class="count" x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${dark ? '#fff' : '#222'}">${count}</text>`);
    }),
  );
  classes.forEach((c, i) => {
    out.push(`<text class="tick" x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${esc(label(c))}</text>`);
    out.push(`<text class="tick" transform="translate(${left + i * cell + cell / 2} ${top - 6}) rotate(-40)">${esc(label(c))}</text>`);
  });
  out.push(`<text class="axis" x="${size.w / 2}" y="${size.h - 12}" text-anchor="middle">rows: true class · columns: predicted</text>`);
  return `<svg class="chart" width="${size.w}" height="${size.h}" viewBox="0 0 ${size.w} ${size.h}" role="img" aria-label="Confusion matrix">\n<rect width="${size.w}" height="${size.h}" fill="#fff"/>\n<text class="title" x="${size.w / 2}" y="18" text-anchor="middle">Confusion matrix</text>\n${out.join('\n')}\n</svg>`;
}
