/**
 * The `paddock evaluate` report as one self-contained HTML page: inline CSS and SVG, no scripts,
 * no external URLs, every piece of text escaped (model names and slice values come from users).
 */
import { fail } from '../../core/errors.js';
import type { ClassificationEvaluation } from './classification-metrics.js';
import type { GateResult } from './gates.js';
import type { RegressionEvaluation } from './regression-metrics.js';
import type { SliceResult } from './slices.js';
import { esc, renderConfusionMatrix, renderXyChart } from './svg-charts.js';

/** What the report shows. */
export interface EvaluationReport {
  readonly title: string;
  /** The evaluated model, e.g. `churn@candidate` or a package path. */
  readonly model: string;
  /** The evaluation data, e.g. a path with its hash. */
  readonly data: string;
  readonly task: 'classification' | 'regression';
  readonly evaluation: ClassificationEvaluation | RegressionEvaluation;
  readonly slices?: readonly SliceResult[];
  /** The column the slices group by, for the section heading. */
  readonly sliceColumn?: string;
  readonly champion?: { readonly model: string; readonly metrics: Readonly<Record<string, number>> };
  readonly gates?: readonly GateResult[];
}

/** Metrics where a smaller value is the better one (their deltas are coloured accordingly). */
const LOWER_IS_BETTER = new Set(['log_loss', 'rmse', 'mae', 'mse']);

/** Formats a metric for people: integers as is, others to 6 significant digits, NaN as n/a. */
export function formatMetric(v: number): string {
  if (Number.isNaN(v)) return 'n/a';
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

/** Renders the report as one HTML document. */
export function renderEvaluationHtml(report: EvaluationReport): string {
  if (report.task !== report.evaluation.task) {
    fail('INVALID_ARGUMENT', `the report is for a ${report.task} task but the evaluation is a ${report.evaluation.task} one`, { task: report.task });
  }
  const sections = [
    metricsSection(report),
    report.gates?.length ? gatesSection(report.gates) : '',
    report.evaluation.task === 'classification' ? classificationSection(report.evaluation) : regressionSection(report.evaluation),
    report.slices?.length ? slicesSection(report.slices, report.sliceColumn) : '',
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(report.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#070;font-weight:bold}.fail{color:#b00;font-weight:bold}.better{color:#070}.worse{color:#b00}
.charts{display:flex;flex-wrap:wrap;gap:1em}svg.chart{border:1px solid #ddd}
svg text{font:11px system-ui,sans-serif}svg text.title{font-size:13px;font-weight:bold}svg text.axis{font-size:12px}
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}dd{margin:0}
</style></head><body>
<h1>${esc(report.title)}</h1>
<dl><dt>model</dt><dd>${esc(report.model)}</dd><dt>data</dt><dd>${esc(report.data)}</dd><dt>task</dt><dd>${esc(report.task)}</dd>${report.champion ? `<dt>champion</dt><dd>${esc(report.champion.model)}</dd>` : ''}</dl>
${sections.filter(Boolean).join('\n')}
</body></html>
`;
}

function num(v: number, cls = ''): string {
  return `<td class="num${cls ? ` ${cls}` : ''}">${esc(formatMetric(v))}</td>`;
}

function metricsSection(report: EvaluationReport): string {
  const { metrics } = report.evaluation;
  const champion = report.champion?.metrics;
  const names = [...Object.keys(metrics), ...Object.keys(champion ?? {}).filter((k) => !(k in metrics))];
  const head = champion ? `<th>metric</th><th>${esc(report.model)}</th><th>champion ${esc(report.champion!.model)}</th><th>delta</th>` : '<th>metric</th><th>value</th>';
  const rows = names.map((name) => {
    const cur = metrics[name] ?? NaN;
    if (!champion) return `<tr><td>${esc(name)}</td>${num(cur)}</tr>`;
    const old = champion[name] ?? NaN;
    const delta = cur - old;
    const better = name === 'n' || !Number.isFinite(delta) || delta === 0 ? '' : (delta > 0) !== LOWER_IS_BETTER.has(name) ? 'better' : 'worse';
    const deltaText = Number.isNaN(delta) ? 'n/a' : `${delta > 0 ? '+' : ''}${formatMetric(delta)}`;
    return `<tr><td>${esc(name)}</td>${num(cur)}${num(old)}<td class="num ${better}">${esc(deltaText)}</td></tr>`;
  });
  return `<h2>Metrics</h2>\n<table><tr>${head}</tr>\n${rows.join('\n')}</table>`;
}

function gatesSection(gates: readonly GateResult[]): string {
  const passed = gates.filter((g) => g.passed).length;
  const rows = gates.map(
    (g) => `<tr><td><code>${esc(g.expression)}</code></td><td><code>${esc(g.leftText)}</code></td>${num(g.left)}<td>${esc(g.op)}</td><td><code>${esc(g.rightText)}</code></td>${num(g.right)}<td class="${g.passed ? 'pass' : 'fail'}">${g.passed ? 'PASS' : 'FAIL'}</td></tr>`,
  );
  const verdict = passed === gates.length ? '<span class="pass">all gates passed</span>' : `<span class="fail">${gates.length - passed} of ${gates.length} gates failed</span>`;
  return `<h2>Gates</h2>\n<p>${verdict}</p>\n<table><tr><th>gate</th><th>left</th><th>value</th><th></th><th>right</th><th>value</th><th>result</th></tr>\n${rows.join('\n')}</table>`;
}

function classificationSection(e: ClassificationEvaluation): string {
  const positive = esc(String(e.positiveClass));
  const k = e.classes.length;
  const of = k > 2 ? ` (class ${positive} vs rest)` : '';
  const charts = [
    renderConfusionMatrix(e.classes, e.confusion),
    renderXyChart({ title: `ROC curve${of}`, xLabel: 'false positive rate', yLabel: 'true positive rate', x: [0, 1], y: [0, 1], reference: 'diagonal', series: [{ name: 'ROC', style: 'line', points: e.roc.map((p) => [p.fpr, p.tpr]) }] }),
    renderXyChart({ title: `Precision-recall curve${of}`, xLabel: 'recall', yLabel: 'precision', x: [0, 1], y: [0, 1], series: [{ name: 'PR', style: 'line', points: e.pr.map((p) => [p.recall, p.precision]) }] }),
    renderXyChart({ title: `Calibration${of}`, xLabel: 'mean predicted probability', yLabel: 'fraction positive', x: [0, 1], y: [0, 1], reference: 'diagonal', series: [{ name: 'calibration', style: 'line-dots', points: e.calibration.map((b) => [b.meanPredicted, b.fractionPositive]) }] }),
  ];
  const rows = e.perClass.map((c) => `<tr><td>${esc(String(c.label))}</td>${num(c.precision)}${num(c.recall)}${num(c.f1)}${num(c.support)}</tr>`);
  return `<h2>Classification</h2>
<div class="charts">
${charts.join('\n')}
</div>
<h3>Per class</h3>
<table><tr><th>class</th><th>precision</th><th>recall</th><th>f1</th><th>support</th></tr>
${rows.join('\n')}</table>`;
}

function regressionSection(e: RegressionEvaluation): string {
  const chart = renderXyChart({
    title: `Residuals (${e.residuals.length} of ${formatMetric(e.metrics.n ?? NaN)} rows)`,
    xLabel: 'predicted',
    yLabel: 'residual (true − predicted)',
    reference: { y: 0 },
    series: [{ name: 'residuals', style: 'dots', points: e.residuals.map((p) => [p.predicted, p.residual]) }],
  });
  return `<h2>Regression</h2>\n<div class="charts">\n${chart}\n</div>`;
}

function slicesSection(slices: readonly SliceResult[], column?: string): string {
  const names = [...new Set(slices.flatMap((s) => Object.keys(s.metrics)))].filter((m) => m !== 'n');
  const rows = slices.map((s) => `<tr><td>${esc(s.value)}</td>${num(s.n)}${names.map((m) => num(s.metrics[m] ?? NaN)).join('')}</tr>`);
  return `<h2>Slices${column ? ` by ${esc(column)}` : ''}</h2>
<table><tr><th>value</th><th>n</th>${names.map((m) => `<th>${esc(m)}</th>`).join('')}</tr>
${rows.join('\n')}</table>`;
}
