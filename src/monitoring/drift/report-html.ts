/**
 * The drift report as one self-contained HTML page: the dataset verdict, a table of columns with
 * test, score and threshold, and per column the reference and current distributions as inline
 * SVG bars. No scripts, styles or fonts from anywhere else.
 */
import type { ColumnDrift, DriftReport } from './drift-report.js';
import { esc, formatScore, histogramSvg, REPORT_STYLE } from './html-parts.js';

export { formatScore } from './html-parts.js';

/** What the page shows besides the report: where the data came from. */
export interface DriftPageSource {
  readonly reference?: { readonly file: string; readonly rows: number };
  readonly current?: { readonly file: string; readonly rows: number };
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
${REPORT_STYLE}
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
