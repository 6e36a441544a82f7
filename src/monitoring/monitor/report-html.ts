/**
 * `paddock monitor report` as one self-contained HTML page: the windows in a table, drift share
 * and performance over time as SVG line charts (realized beside estimated, the training value
 * as a dashed line), the latest window's drift per column with its threshold and the reference
 * vs current bars on the reference's bins, and the alerts fired. Inline SVG and style only.
 */
import { renderXyChart, type XySeries } from '../../models/index.js';
import { escapeHtml as esc, formatScore, histogramSvg, REPORT_STYLE } from '../drift/index.js';
import type { AlertEvent } from '../alerts/alert-store.js';
import type { WindowResult } from './monitor-window.js';
import type { ProfileColumnDrift, ProfileDriftReport } from './profile-drift.js';
import type { MonitorReference } from './reference.js';

/** What the page shows. */
export interface MonitorReportPage {
  readonly deployment: string;
  readonly reference: MonitorReference;
  readonly windowMs: number;
  readonly windows: readonly WindowResult[];
  readonly alerts: readonly (AlertEvent & { readonly id?: number })[];
  readonly generatedAt: number;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const num = (v: number | undefined): string => (v === undefined ? '—' : formatScore(v));

/** Metrics charted over time, by task. */
const CLASSIFICATION = ['accuracy', 'f1', 'roc_auc'] as const;
const REGRESSION = ['rmse', 'mae'] as const;

/** The page. */
export function renderMonitorHtml(page: MonitorReportPage): string {
  const latest = [...page.windows].reverse().find((w) => w.drift);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Monitoring report: ${esc(page.deployment)}</title>
<style>
${REPORT_STYLE}
.charts svg{margin:0 1em 1em 0}
</style></head><body>
<h1>Monitoring report: ${esc(page.deployment)}</h1>
<p>Reference: ${esc(page.reference.description)} · ${page.windows.length} windows of ${formatDuration(page.windowMs)} ending ${esc(iso(page.windows[page.windows.length - 1]?.until ?? page.generatedAt))} · generated ${esc(iso(page.generatedAt))}</p>
<h2>Windows</h2>
${windowsTable(page)}
<h2>Over time</h2>
<div class="charts">${overTimeCharts(page)}</div>
<h2>Alerts</h2>
${alertsTable(page.alerts)}
${latest ? latestDrift(latest) : '<p>No predictions in these windows: nothing to compare with the reference.</p>'}
</body></html>
`;
}

function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms} ms`;
}

function windowsTable(page: MonitorReportPage): string {
  const regression = page.reference.task?.kind === 'regression';
  const metrics = regression ? REGRESSION : CLASSIFICATION;
  const head = ['window start', 'rows', 'requests', 'labeled', 'p50 ms', 'p99 ms', 'errors', 'dropped', 'drifted columns', 'dataset drift', ...metrics, ...(regression ? [] : ['est. accuracy', 'est. roc_auc'])];
  const rows = page.windows.map((w) => {
    const perf = w.performance;
    const cells = [
      esc(iso(w.since)), w.rows, w.requests, w.labeled, num(w.latency?.p50), num(w.latency?.p99),
      w.errors ? `${w.errors.errors} (${formatScore(w.errors.rate * 100)}%)` : '—', w.dropped ?? '—',
      w.drift ? `${w.drift.driftedColumns} of ${w.drift.columns.length}` : '—',
      w.drift ? (w.drift.datasetDrift ? '<span class="bad">drift</span>' : '<span class="good">no</span>') : '—',
      ...metrics.map((m) => num(perf.realized?.metrics[m])),
      ...(regression ? [] : [num(perf.estimated?.accuracy), num(perf.estimated?.roc_auc)]),
    ];
    return `<tr>${cells.map((c, i) => `<td${i > 0 ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`;
  });
  const ref = metrics.map((m) => num(page.reference.metrics[m]));
  const refRow = `<tr><td><em>reference (training)</em></td>${'<td></td>'.repeat(9)}${ref.map((v) => `<td class="num"><em>${v}</em></td>`).join('')}${regression ? '' : '<td></td><td></td>'}</tr>`;
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}\n${refRow}</tbody></table>`;
}

function overTimeCharts(page: MonitorReportPage): string {
  const x = (i: number): number => i + 1;
  const seriesOf = (name: string, pick: (w: WindowResult) => number | undefined): XySeries => ({
    name, style: 'line-dots',
    points: page.windows.flatMap((w, i) => {
      const v = pick(w);
      return v === undefined || !Number.isFinite(v) ? [] : [[x(i), v] as const];
    }),
  });
  const span: [number, number] = [1, Math.max(2, page.windows.length)];
  const drift = renderXyChart({
    title: 'Share of drifted input columns', xLabel: 'window', yLabel: 'share', x: span, y: [0, 1], reference: { y: page.windows.find((w) => w.drift)?.drift?.driftShare ?? 0.5 },
    series: [seriesOf('drift share', (w) => w.drift?.share)],
  });
  const regression = page.reference.task?.kind === 'regression';
  const main = regression ? 'rmse' : 'accuracy';
  const train = page.reference.metrics[main];
  const perf = renderXyChart({
    title: `Performance over time (${main}; dashed: training)`, xLabel: 'window', yLabel: main, x: span,
    ...(regression ? {} : { y: [0, 1] as const }),
    ...(train !== undefined ? { reference: { y: train } } : {}),
    series: [
      seriesOf(`realized ${main}`, (w) => w.performance.realized?.metrics[main]),
      ...(regression ? [] : [seriesOf('estimated accuracy (CBPE)', (w) => w.performance.estimated?.accuracy), seriesOf('realized roc_auc', (w) => w.performance.realized?.metrics.roc_auc), seriesOf('estimated roc_auc (CBPE)', (w) => w.performance.estimated?.roc_auc)]),
    ],
  });
  return drift + perf;
}

function alertsTable(alerts: MonitorReportPage['alerts']): string {
  if (alerts.length === 0) return '<p>No alerts fired or cleared in these windows.</p>';
  const rows = alerts.map((a) => {
    const what = a.column ? `${a.metric} (${esc(a.column)})` : a.performanceMetric ? `${a.metric} (${esc(a.performanceMetric)})` : a.metric;
    const values = a.windows.map((w) => `${formatScore(w.value)} (n=${w.samples})`).join(', ');
    return `<tr><td>${esc(iso(a.at))}</td><td>${esc(a.rule)}</td><td>${a.kind === 'fired' ? '<span class="bad">fired</span>' : '<span class="good">cleared</span>'}</td><td>${what}</td><td class="num">${formatScore(a.value)}</td><td>${esc(a.condition)}</td><td>${esc(values)}</td><td>${esc(a.retrain.join(', '))}</td></tr>`;
  });
  return `<table><thead><tr><th>at</th><th>rule</th><th>event</th><th>metric</th><th>value</th><th>condition</th><th>windows</th><th>retrain</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function latestDrift(w: WindowResult): string {
  const sections = [['Inputs', w.drift!], ['Outputs (prediction drift)', w.outputDrift]] as const;
  return `<h2>Drift in the latest window with traffic (${esc(iso(w.since))} – ${esc(iso(w.until))}, ${w.rows} rows)</h2>
<p>${w.drift!.datasetDrift ? '<span class="bad">Dataset drift</span>' : '<span class="good">No dataset drift</span>'}: ${w.drift!.driftedColumns} of ${w.drift!.columns.length} input columns drifted (share ${formatScore(w.drift!.share)}, threshold ${w.drift!.driftShare}). Scores marked ≈ come from quantile sketches (see the monitoring docs); the bars are exact counts on the reference's bins.</p>
${sections.map(([title, report]) => (report && report.columns.length ? driftSection(title, report) : '')).join('\n')}`;
}

function driftSection(title: string, report: ProfileDriftReport): string {
  const rows = report.columns.map((c) => `<tr><td>${esc(c.column)}</td><td>${c.kind}</td><td>${c.test}</td><td class="num">${c.exact ? '' : '≈'}${formatScore(c.score)}</td><td class="num">${c.threshold}</td><td>${c.drifted ? '<span class="bad">drift</span>' : '<span class="good">no drift</span>'}</td><td class="num">${c.referenceRows}</td><td class="num">${c.currentRows}</td></tr>`);
  const skipped = report.skipped.length ? `<p>Not compared: ${report.skipped.map((s) => `<code>${esc(s.column)}</code> (${esc(s.reason)})`).join(', ')}</p>` : '';
  return `<h3>${esc(title)}</h3>
<table><thead><tr><th>column</th><th>type</th><th>test</th><th>score</th><th>threshold</th><th>verdict</th><th>reference rows</th><th>current rows</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>
${skipped}
${report.columns.map(columnChart).join('\n')}`;
}

function columnChart(c: ProfileColumnDrift): string {
  return `<section class="column" data-column="${esc(c.column)}"><h3>${esc(c.column)} <small>${c.test} ${c.exact ? '' : '≈'}${formatScore(c.score)} (threshold ${c.threshold}) — ${c.drifted ? 'drift' : 'no drift'}</small></h3>${histogramSvg(`${c.column}: reference vs current`, c.histogram)}</section>`;
}
