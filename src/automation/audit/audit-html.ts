/**
 * The audit report as a self-contained HTML page for a compliance review: inline CSS, no scripts,
 * no external URLs, every piece of text escaped (names, reasons and params come from users).
 */
import type { AuditReport } from './audit-chain.js';
import { auditLines, when } from './audit-text.js';

function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** Renders the report as one HTML document: the chain per version, checks coloured by outcome. */
export function renderAuditHtml(report: AuditReport): string {
  const [, ...lines] = auditLines(report);
  const body = lines.map((l) => {
    if (l.text === '') return '';
    if (l.depth === 0) return `<h2>${esc(l.text)}</h2>`;
    const cls = l.ok === undefined ? '' : l.ok ? ' class="ok"' : ' class="bad"';
    return `<div${cls} style="margin-left:${(l.depth - 1) * 1.5}em">${l.depth === 1 ? '→ ' : '· '}${esc(l.text)}</div>`;
  }).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Audit of ${esc(report.model)}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:2em;color:#222;max-width:70em}
h2{font-size:1.1em;margin:1.5em 0 .3em;border-bottom:1px solid #ccc}
div{font-family:ui-monospace,monospace;font-size:13px}.ok{color:#070}.bad{color:#b00;font-weight:bold}
</style></head><body>
<h1>Audit of ${esc(report.model)}</h1>
<p>Generated ${esc(when(report.generatedAt))}; ${report.policy ? `promotion policy <code>${esc(report.policy)}</code>` : 'no promotion policy'}; ${report.versions.length} version${report.versions.length === 1 ? '' : 's'} in production.</p>
${body}
</body></html>
`;
}
