import path from 'node:path';
import type { Command } from 'commander';
import { openPredictionLogStore } from '../../app-prediction-log.js';
import { openMetadata } from '../../app.js';
import { fail } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import { formatScore, monitorReport, renderMonitorHtml, type MonitorReport } from '../../monitoring/index.js';
import { SqlAlertStore } from '../../storage/sql/alerts/sql-alert-store.js';
import { commandCwd, commandOutput, commandProject } from '../context.js';
import { formatTable, type Output } from '../output.js';
import { deploymentReferences } from '../../app-monitor-reference.js';

interface ReportFlags {
  readonly window: string;
  readonly windows: string;
  readonly out?: string;
  readonly until?: string;
  readonly version?: string;
  readonly json?: boolean;
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** '1d', '6h', '30m', '90s', '500ms' → milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2]!]! : NaN;
  if (!(ms > 0)) fail('INVALID_ARGUMENT', `${flag} '${text}': give a duration such as 1d, 6h, 30m or 90s`, { flag, value: text });
  return ms;
}

/** `paddock monitor report`: a deployment's last windows against its reference, as HTML (and JSON). */
export function registerMonitorReport(monitor: Command): void {
  monitor
    .command('report <deployment>')
    .description("compare a deployment's recent traffic with its model's training profile: drift per column, performance (realized and estimated), latency, alerts; writes a self-contained HTML report")
    .option('--window <duration>', 'the length of one window (1d, 6h, 30m, …)', '1d')
    .option('--windows <n>', 'how many windows, ending with the last complete one (or at --until)', '7')
    .option('--until <time>', 'the end of the last window (ISO 8601; default now)')
    .option('--version <version>', "only this version's predictions (default: everything the deployment answered)")
    .option('--out <file>', 'where to write the HTML report (default monitor-<deployment>.html)')
    .option('--json', 'print the windows and alerts as JSON')
    .action(async (deployment: string, flags: ReportFlags, cmd: Command) => {
      const cwd = commandCwd(cmd);
      const out = commandOutput(cmd);
      const windowMs = parseDuration(flags.window, '--window');
      const windows = Number(flags.windows);
      if (!Number.isInteger(windows) || windows < 1 || windows > 1000) fail('INVALID_ARGUMENT', `--windows '${flags.windows}': give a whole number from 1 to 1000`, { flag: 'windows' });
      // Without --until, the last complete window, aligned as the serving monitor aligns its windows (multiples of the window since the epoch).
      const until = flags.until === undefined ? Math.floor(Date.now() / windowMs) * windowMs : Date.parse(flags.until);
      if (!Number.isFinite(until)) fail('INVALID_ARGUMENT', `--until '${flags.until}': give an ISO 8601 time such as 2024-05-01T00:00:00Z`, { flag: 'until' });
      const project = commandProject(cmd, { logLevel: 'silent' });
      const meta = await openMetadata(project);
      const store = openPredictionLogStore(project, meta);
      try {
        const reference = await deploymentReferences(project, meta, cwd)(deployment);
        const report = await monitorReport({
          store, alertStore: new SqlAlertStore(meta), deployment, reference, windowMs, windows, until,
          rules: project.config.alerts, ...(flags.version ? { version: flags.version } : {}),
        });
        const file = path.resolve(cwd, flags.out ?? `monitor-${deployment}.html`);
        await writeFileAtomic(file, renderMonitorHtml({ ...report, reference, generatedAt: Date.now() }));
        out.result({ ...report, reference: { description: reference.description, source: reference.source, metrics: reference.metrics }, html: file });
        render(out, report, file);
      } finally {
        await store.close?.();
        await meta.close();
      }
    });
}

function render(out: Output, report: MonitorReport, file: string): void {
  const rows = report.windows.map((w) => [
    new Date(w.since).toISOString(), String(w.rows), String(w.labeled),
    w.drift ? `${w.drift.driftedColumns}/${w.drift.columns.length}${w.drift.datasetDrift ? ' (dataset drift)' : ''}` : '—',
    fmt(w.performance.realized?.metrics.accuracy ?? w.performance.realized?.metrics.rmse), fmt(w.performance.realized?.metrics.roc_auc), fmt(w.performance.estimated?.accuracy), fmt(w.latency?.p99),
  ]);
  out.line(formatTable(['window start', 'rows', 'labeled', 'drifted columns', 'accuracy/rmse', 'roc_auc', 'est. accuracy', 'p99 ms'], rows));
  for (const a of report.alerts) out.line(`alert ${a.rule} ${a.kind} at ${new Date(a.at).toISOString()}: ${a.metric} = ${formatScore(a.value)} (${a.condition})${a.origin === 'rules' ? ' [from the rules over these windows]' : ''}`);
  out.line(`Report written to ${file}`);
}

const fmt = (v: number | undefined): string => (v === undefined ? '—' : formatScore(v));
