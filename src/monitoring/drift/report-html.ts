/**
 * The drift report as one self-contained HTML page: the dataset verdict, a table of columns with
 * test, score and threshold, and per column the reference and current distributions as inline
 * SVG bars. No scripts, styles or fonts from anywhere else.
 */
import type { ColumnHistogram } from './column-histogram.js';
import type { ColumnDrift, DriftReport } from './drift-report.js';

/** What the page shows besides the report: where the data came from. */
export interface DriftPageSource {
  readonly reference?: { readonly file: string; readonly rows: number };
  readonly current?: { readonly file: string; readonly rows: number };
}

const esc = (text: unknown): string => String(text ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

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

function columnRow(c: ColumnDrift): string {
  const verdict = c.drifted ? '<span class="bad">drift</span>' : '<span class="good">no drift</span>';
  return `<tr><td>${esc(c.column)}</td><td>${c.kind}</td><td>${c.test}</td><td class="num">${formatScore(c.score)}</td><td class="num">${c.threshold}</td><td>${verdict}</td><td class="num">${c.referenceRows}</td><td class="num">${c.currentRows}</td></tr>`;
}

function columnSection(c: ColumnDrift): string {
  const chart = c.histogram ? histogramSvg(`${c.column}: reference vs current`, c.histogram) : '';
  return `<section class="column"><h3>${esc(c.column)} <small>${c.test} ${formatScore(c.score)} (threshold ${c.threshold}) — ${c.drifted ? 'drift' : 'no drift'}</small></h3>${chart}</section>`;
}

/** The page. */
export function renderDriftHtml(report: DriftReport & DriftPageSource): string {
  const verdict = report.datasetDrift ? '<span class="bad">Dataset drift detected</span>' : '<span class="good">No dataset drift</span>';
  const sources = report.reference && report.current ? `<p>Reference: <code>${esc(report.reference.file)}</code> (${report.reference.rows} rows) · current: <code>${esc(report.current.file)}</code> (${report.current.rows} rows)</p>` : '';
  const skipped = report.skipped.length ? `<p>Not compared: ${report.skipped.map((s) => `<code>${esc(s.column)}</code> (${esc(s.reason)})`).join(', ')}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Drift report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b00020;font-weight:600}.good{color:#1b7f3b;font-weight:600}
.column{display:inline-block;vertical-align:top;margin:0 1em 1em 0}.column h3{font-size:14px;margin:.4em 0}.column small{font-weight:400;color:#555}
.tick{font-size:10px;fill:#444}
</style></head><body>
<h1>Drift report</h1>
${sources}
<p>${verdict}: ${report.driftedColumns} of ${report.columns.length} columns drifted (share ${formatScore(report.share)}, dataset threshold ${report.driftShare}).</p>
${skipped}
<table><thead><tr><th>column</th><th>type</th><th>test</th><th>score</th><th>threshold</th><th>verdict</th><th>reference rows</th><th>current rows</th></tr></thead>
<tbody>${report.columns.map(columnRow).join('\n')}</tbody></table>
<h2>Distributions</h2>
${report.columns.map(columnSection).join('\n')}
</body></html>
`;
}
