/**
 * The SVG and HTML pieces drift reports share (`paddock drift --html` and `paddock monitor
 * report`): escaping, score formatting, the reference-vs-current bars of one column, and the
 * page's inline style. Nothing refers to anything outside the page.
 */
import type { ColumnHistogram } from './column-histogram.js';

/** Text made safe for HTML element content and attribute values. */
export const esc = (text: unknown): string => String(text ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** A score as text: p-values in scientific notation when tiny. */
export function formatScore(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 1e-4) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

const W = 460;
const H = 200;
const M = { top: 12, right: 10, bottom: 46, left: 40 };
const REF = '#4c78a8';
const CUR = '#f58518';

/** Grouped bars of reference and current shares. */
export function histogramSvg(title: string, h: ColumnHistogram): string {
  const n = h.labels.length;
  if (n === 0) return '';
  const top = Math.max(...h.reference, ...h.current, 1e-12);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const slot = plotW / n;
  const bar = Math.max(1, (slot * 0.8) / 2);
  const y = (v: number): number => M.top + plotH - (v / top) * plotH;
  const r1 = (v: number): string => String(Math.round(v * 10) / 10);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = M.left + i * slot + slot * 0.1;
    const ref = h.reference[i] ?? 0;
    const cur = h.current[i] ?? 0;
    parts.push(`<rect x="${r1(x)}" y="${r1(y(ref))}" width="${r1(bar)}" height="${r1(M.top + plotH - y(ref))}" fill="${REF}"><title>${esc(h.labels[i])}: reference ${(ref * 100).toFixed(2)}%</title></rect>`);
    parts.push(`<rect x="${r1(x + bar)}" y="${r1(y(cur))}" width="${r1(bar)}" height="${r1(M.top + plotH - y(cur))}" fill="${CUR}"><title>${esc(h.labels[i])}: current ${(cur * 100).toFixed(2)}%</title></rect>`);
    const every = Math.ceil(n / 8);
    if (i % every === 0) parts.push(`<text class="tick" x="${r1(x + bar)}" y="${H - M.bottom + 14}" text-anchor="middle">${esc(h.labels[i]!.slice(0, 10))}</text>`);
  }
  parts.push(`<line x1="${M.left}" y1="${M.top + plotH}" x2="${W - M.right}" y2="${M.top + plotH}" stroke="#333"/>`);
  parts.push(`<text class="tick" x="${M.left - 4}" y="${M.top + 8}" text-anchor="end">${(top * 100).toFixed(0)}%</text>`);
  parts.push(`<rect x="${M.left}" y="${H - 16}" width="10" height="10" fill="${REF}"/><text class="tick" x="${M.left + 14}" y="${H - 7}">reference</text>`);
  parts.push(`<rect x="${M.left + 90}" y="${H - 16}" width="10" height="10" fill="${CUR}"/><text class="tick" x="${M.left + 104}" y="${H - 7}">current</text>`);
  return `<svg class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">${parts.join('')}</svg>`;
}

/** The inline style of report pages. */
export const REPORT_STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b00020;font-weight:600}.good{color:#1b7f3b;font-weight:600}
.column{display:inline-block;vertical-align:top;margin:0 1em 1em 0}.column h3{font-size:14px;margin:.4em 0}.column small{font-weight:400;color:#555}
.tick{font-size:10px;fill:#444}`;
