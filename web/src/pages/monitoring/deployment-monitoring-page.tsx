import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useApi } from '../../api/use-api';
import { LineChart, type ChartSeries } from '../../charts/line-chart';
import { formatNumber, formatTime, Loaded } from '../../layout/status';
import { AlertsTable } from './alerts-table';
import { Histogram } from './histogram';
import { RetrainingChains } from './retraining-chains';
import type { MonitoringReport, MonitorWindow, Retraining } from './types';

// '60 × 1m' resolves a short burst of traffic (a replay, the quickstart's few minutes) that one 1h window would hide.
const SPANS = { '24 × 1h': { window: '1h', windows: 24 }, '60 × 1m': { window: '1m', windows: 60 }, '48 × 30m': { window: '30m', windows: 48 }, '14 × 1d': { window: '1d', windows: 14 } } as const;
/** The first choice: no window in the query, so the server uses the project's `monitoring.window`. */
const PROJECT = 'project';
type Span = keyof typeof SPANS | typeof PROJECT;

/** One deployment's monitoring: drift over time and per column, performance, alerts, retrainings. */
export function DeploymentMonitoringPage() {
  const name = useParams().deployment!;
  const [span, setSpan] = useState<Span>(PROJECT);
  const report = useApi<MonitoringReport>('/api/v1/deployments/{name}/monitoring', { params: { name }, query: span === PROJECT ? {} : { ...SPANS[span] } }, 60_000);
  // The project's window, as the server answered the first (window-less) request: names the first choice.
  const [projectSpan, setProjectSpan] = useState<string>();
  const answered = span === PROJECT && !report.loading && report.data ? `${report.data.windows.length} × ${report.data.window} (project)` : undefined;
  if (answered !== undefined && answered !== projectSpan) setProjectSpan(answered);
  return (
    <>
      <p className="muted"><Link to="/monitoring">Monitoring</Link> / {name}</p>
      <div className="toolbar">
        <h1 className="grow">Monitoring {name}</h1>
        <label>
          Windows{' '}
          <select value={span} onChange={(e) => setSpan(e.target.value as Span)}>
            <option value={PROJECT}>{projectSpan ?? 'project window'}</option>
            {Object.keys(SPANS).map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      </div>
      <Loaded state={report} what="monitoring">{(r) => <Report report={r} />}</Loaded>
    </>
  );
}

function Report({ report }: { report: MonitoringReport }) {
  const latest = report.windows.findLast((w) => w.rows > 0);
  const retrainings = useApi<{ items: Retraining[] }>('/api/v1/retrainings', { query: { model: report.model, limit: 10 } }, 60_000);
  return (
    <>
      <section className="panel" aria-labelledby="ref-h">
        <h2 id="ref-h">Reference</h2>
        <p>{report.reference.description} <span className="muted">({report.reference.source})</span></p>
        {report.reference.metrics ? <p className="muted">Reference metrics: {Object.entries(report.reference.metrics).map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ')}</p> : null}
      </section>
      <section className="panel" aria-labelledby="drift-h">
        <h2 id="drift-h">Dataset drift over time</h2>
        <DriftCharts windows={report.windows} />
      </section>
      <section className="panel" aria-labelledby="cols-h">
        <h2 id="cols-h">Drift per column {latest ? <small className="muted">(window {formatTime(latest.since)} – {formatTime(latest.until)}, {formatNumber(latest.rows)} rows)</small> : null}</h2>
        {latest?.drift ? <ColumnDrifts latest={latest} /> : <p className="muted">No predictions in these windows.</p>}
      </section>
      <section className="panel" aria-labelledby="perf-h">
        <h2 id="perf-h">Performance over time</h2>
        <PerformanceChart windows={report.windows} reference={report.reference.metrics} />
      </section>
      <section className="panel" aria-labelledby="alerts-h">
        <h2 id="alerts-h">Alerts</h2>
        <AlertsTable alerts={report.alerts} />
      </section>
      <section className="panel" aria-labelledby="retrain-h">
        <h2 id="retrain-h">Retrainings of {report.model}</h2>
        <Loaded state={retrainings} what="retrainings">{({ items }) => <RetrainingChains items={items} />}</Loaded>
      </section>
    </>
  );
}

function DriftCharts({ windows }: { windows: readonly MonitorWindow[] }) {
  const series = useMemo(() => {
    const x = windows.map((w) => w.until);
    const share: ChartSeries = { label: 'share of drifted columns', x, y: windows.map((w) => w.drift?.share ?? NaN) };
    const columns = [...new Set(windows.flatMap((w) => w.drift?.columns.map((c) => c.column) ?? []))];
    const scores: ChartSeries[] = columns.map((column) => ({ label: column, x, y: windows.map((w) => w.drift?.columns.find((c) => c.column === column)?.score ?? NaN) }));
    return { share: [share], scores };
  }, [windows]);
  const drifted = windows.filter((w) => w.drift?.datasetDrift).length;
  return (
    <>
      <p>{drifted} of {windows.filter((w) => w.drift).length} windows with data show dataset drift. <span className="muted">Each column's score is its test's (a p-value for KS, chi-squared and Z: lower is drift; a distance otherwise: higher is drift), as listed per column below.</span></p>
      <div className="chart-pair">
        <div><h3>Share of drifted input columns</h3><LineChart title="Share of drifted input columns over time" series={series.share} xAxis="time" height={200} /></div>
        <div><h3>Drift score per column</h3><LineChart title="Drift score per column over time" series={series.scores} xAxis="time" height={200} /></div>
      </div>
    </>
  );
}

function ColumnDrifts({ latest }: { latest: MonitorWindow }) {
  const drift = latest.drift!;
  return (
    <>
      <p>
        {drift.datasetDrift ? <span className="badge bad">Dataset drift</span> : <span className="badge good">No dataset drift</span>}{' '}
        {drift.driftedColumns} of {drift.columns.length} columns drifted (share {formatNumber(drift.share, 3)}, threshold {drift.driftShare}).
      </p>
      <div className="columns-grid">
        {drift.columns.map((c) => (
          <article key={c.column} className="column-drift" data-column={c.column} aria-label={`Column ${c.column}`}>
            <h3>
              {c.column} <span className={`badge ${c.drifted ? 'bad' : 'good'}`}>{c.drifted ? 'drift' : 'no drift'}</span>
            </h3>
            <p className="muted">{c.test} {c.exact ? '' : '≈'}{formatNumber(c.score)} (threshold {c.threshold}), {c.kind}</p>
            <Histogram title={`${c.column}: reference vs current`} histogram={c.histogram} />
          </article>
        ))}
      </div>
      <p className="muted legend"><span className="swatch hist-ref" /> reference <span className="swatch hist-cur" /> current</p>
    </>
  );
}

function PerformanceChart({ windows, reference }: { windows: readonly MonitorWindow[]; reference: Readonly<Record<string, number>> | undefined }) {
  const series = useMemo(() => {
    const x = windows.map((w) => w.until);
    const realizedKeys = [...new Set(windows.flatMap((w) => Object.keys(w.performance.realized?.metrics ?? {})))].filter((k) => ['accuracy', 'f1', 'roc_auc', 'rmse', 'mae'].includes(k));
    const out: ChartSeries[] = realizedKeys.map((k) => ({ label: `${k} (realized)`, x, y: windows.map((w) => w.performance.realized?.metrics[k] ?? NaN) }));
    if (windows.some((w) => w.performance.estimated?.accuracy !== undefined)) out.push({ label: 'accuracy (estimated, CBPE)', x, y: windows.map((w) => w.performance.estimated?.accuracy ?? NaN) });
    return out;
  }, [windows]);
  const labeled = windows.reduce((n, w) => n + w.labeled, 0);
  if (series.length === 0) return <p className="muted">No labels yet and no estimate (CBPE needs a binary classifier): performance appears once labels arrive.</p>;
  return (
    <>
      <p className="muted">{formatNumber(labeled)} labeled rows in these windows{reference ? `; reference: ${Object.entries(reference).filter(([k]) => ['accuracy', 'f1', 'roc_auc', 'rmse', 'mae'].includes(k)).map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ')}` : ''}.</p>
      <LineChart title="Performance over time: realized and estimated" series={series} xAxis="time" height={220} />
    </>
  );
}
