/** A self-contained HTML page for a validation report: inline CSS, no scripts, no external URLs. */
import type { ValidationReport } from './validate-data.js';

function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** Renders the report as one HTML document. */
export function renderReportHtml(report: ValidationReport): string {
  const rows = report.anomalies.map((a) => {
    const cols = [...new Set(a.examples.flatMap((e) => Object.keys(e)))];
    const examples = a.examples.length
      ? `<table class="ex"><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>${a.examples.map((e) => `<tr>${cols.map((c) => `<td>${esc(e[c] === null ? 'NULL' : e[c])}</td>`).join('')}</tr>`).join('')}</table>`
      : '';
    return `<tr class="${a.severity}"><td>${esc(a.severity)}</td><td>${esc(a.kind)}</td><td>${esc(a.column ?? '')}</td><td>${a.count}</td><td>${esc(a.message)}${examples}</td></tr>`;
  });
  const status = report.passed ? (report.warnings ? 'passed with warnings' : 'passed') : 'failed';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Validation of ${esc(report.file)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
tr.error td:first-child{color:#b00;font-weight:bold}tr.warning td:first-child{color:#a60}
table.ex{font-size:12px}.passed{color:#070}.failed{color:#b00}
</style></head><body>
<h1>Validation of ${esc(report.file)}</h1>
<p class="${report.passed ? 'passed' : 'failed'}"><strong>${status}</strong>: ${report.rows} rows, ${report.checks} checks, ${report.errors} errors, ${report.warnings} warnings.</p>
${rows.length ? `<table><tr><th>severity</th><th>kind</th><th>column</th><th>count</th><th>details and examples</th></tr>${rows.join('\n')}</table>` : '<p>No anomalies.</p>'}
</body></html>
`;
}
