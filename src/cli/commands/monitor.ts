/**
 * `paddock monitor …`: the prediction log from the command line. `labels <file>` joins ground
 * truth from a data file to logged predictions (locally, or through a server's labels API);
 * `prune` applies the retention now. Other monitoring subcommands register on the same parent.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { labelJoinSettings, openPredictionLogStore } from '../../app-prediction-log.js';
import { openMetadata } from '../../app.js';
import { JsonHttp } from '../../client/http-json.js';
import { fail } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { parseLabelItems, type LabelItem, type LabelRecord } from '../../monitoring/index.js';
import { openSource, ident, VIEW } from '../../validation/index.js';
import { commandCwd, commandOutput, commandProject } from '../context.js';
import { registerMonitorReport } from './monitor-report.js';

interface LabelsFlags {
  readonly deployment: string;
  readonly keyColumn?: string;
  readonly labelColumn: string;
  readonly requestIdColumn: string;
  readonly rowColumn: string;
  readonly atColumn: string;
  readonly trackingUri?: string;
}

/** Labels per call: one transaction (or one request) each. */
const CHUNK = 5000;
const DAY_MS = 86_400_000;

/** Registers `paddock monitor` and its subcommands; returns the parent for others to add to. */
export function registerMonitor(program: Command): Command {
  const monitor = program.command('monitor').description('the prediction log of served models: labels, retention (see monitoring: in paddock.yaml)');
  monitor
    .command('labels <file>')
    .description('join ground truth from a CSV, Parquet or JSON lines file to logged predictions, by request id or by a key column, within monitoring.labels.join_window_hours')
    .requiredOption('--deployment <name>', 'the deployment (or served model name) the predictions were logged under')
    .option('--key-column <column>', 'the input column whose values name predictions, for rows without a request id (default monitoring.labels.key_column)')
    .option('--label-column <column>', 'the column holding the ground truth', 'label')
    .option('--request-id-column <column>', "the column holding the predictions' request ids", 'request_id')
    .option('--row-column <column>', 'the column holding the row of a multi-row request (when the file has it)', 'row')
    .option('--at-column <column>', 'the column holding when each label became known (when the file has it; default now)', 'at')
    .option('--tracking-uri <uri>', 'a Paddock server (http://host:port) to send the labels to, or a database (default: the project\'s)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: LabelsFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const labels = await readLabelsFile(path.resolve(commandCwd(cmd), file), flags);
      const uri = flags.trackingUri ?? (process.env.PADDOCK_TRACKING_URI || undefined);
      const result = uri && /^https?:\/\//.test(uri)
        ? await postLabels(uri, flags.deployment, labels.items, flags.keyColumn)
        : await attachLocally(commandProject(cmd, uri ? { flags: { 'metadata.uri': uri } } : {}), flags.deployment, labels.items, flags.keyColumn);
      out.result(result);
      out.line(`${file}: ${labels.items.length} labels, ${result.matched} joined to predictions of ${flags.deployment}, ${result.unmatched} unmatched`);
    });
  monitor
    .command('prune')
    .description('delete logged predictions older than monitoring.prediction_log.retention_days now (the server also does it hourly)')
    .option('--days <n>', 'keep this many days instead of the configured retention')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { days?: string }, cmd: Command) => {
      const project = commandProject(cmd);
      const days = flags.days === undefined ? project.config.monitoring.prediction_log.retention_days : Number(flags.days);
      if (!(days > 0)) fail('INVALID_ARGUMENT', `--days must be a positive number of days, got '${flags.days}'`, { field: 'days' });
      const deleted = await withStore(project, (store) => store.prune(Date.now() - days * DAY_MS));
      commandOutput(cmd).result({ deleted });
      commandOutput(cmd).line(`Deleted ${deleted} predictions older than ${days} days`);
    });
  registerMonitorReport(monitor);
  return monitor;
}

/** Reads the file's rows as label items (request id, row, key, label, at); each checked, errors naming the file row. */
async function readLabelsFile(file: string, flags: LabelsFlags): Promise<{ items: LabelItem[] }> {
  const source = await openSource(file);
  try {
    const columns = new Set((await source.query(`DESCRIBE SELECT * FROM ${VIEW}`)).map((r) => String(r.column_name)));
    if (!columns.has(flags.labelColumn)) fail('INVALID_ARGUMENT', `${file}: no label column '${flags.labelColumn}' (columns: ${[...columns].join(', ')}); name it with --label-column`, { file, column: flags.labelColumn });
    const hasId = columns.has(flags.requestIdColumn);
    const hasKey = flags.keyColumn !== undefined && columns.has(flags.keyColumn);
    if (flags.keyColumn !== undefined && !hasKey) fail('INVALID_ARGUMENT', `${file}: no key column '${flags.keyColumn}' (columns: ${[...columns].join(', ')})`, { file, column: flags.keyColumn });
    if (!hasId && !hasKey) fail('INVALID_ARGUMENT', `${file}: no request id column '${flags.requestIdColumn}' and no --key-column: name one of them`, { file });
    const pick = (name: string, as: string, present: boolean) => (present ? [`${ident(name)} AS ${as}`] : []);
    const select = [
      `${ident(flags.labelColumn)} AS label`, ...pick(flags.requestIdColumn, 'request_id', hasId), ...pick(flags.keyColumn ?? '', 'key', hasKey),
      ...pick(flags.rowColumn, 'row', columns.has(flags.rowColumn)), ...pick(flags.atColumn, 'at', columns.has(flags.atColumn)),
    ];
    const rows = await source.query(`SELECT ${select.join(', ')} FROM ${VIEW}`);
    const items = rows.map((r) => ({ ...r, ...(r.request_id !== undefined && r.request_id !== null ? { request_id: String(r.request_id) } : {}) }) as LabelItem);
    // Checked here so a bad row is named by its line in the file, before anything is joined.
    try {
      parseLabelItems(items, 'row');
    } catch (err) {
      throw Object.assign(err as Error, { message: `${file}: ${(err as Error).message}` });
    }
    return { items };
  } finally {
    source.close();
  }
}

async function postLabels(baseUrl: string, deployment: string, items: readonly LabelItem[], keyColumn: string | undefined): Promise<{ matched: number; unmatched: number }> {
  const http = new JsonHttp({ baseUrl, ...(process.env.PADDOCK_TRACKING_TOKEN ? { token: process.env.PADDOCK_TRACKING_TOKEN } : {}) });
  let matched = 0;
  let unmatched = 0;
  for (let i = 0; i < items.length; i += CHUNK) {
    const r = await http.post<{ matched: number; unmatched: number }>(`/api/v1/deployments/${encodeURIComponent(deployment)}/labels`, {
      labels: items.slice(i, i + CHUNK), ...(keyColumn ? { key_column: keyColumn } : {}),
    });
    matched += r.matched;
    unmatched += r.unmatched;
  }
  return { matched, unmatched };
}

async function attachLocally(project: Project, deployment: string, items: readonly LabelItem[], keyColumn: string | undefined): Promise<{ matched: number; unmatched: number }> {
  const settings = labelJoinSettings(project);
  const column = keyColumn ?? settings.keyColumnOf(deployment);
  const labels: LabelRecord[] = parseLabelItems(items, 'row');
  return withStore(project, async (store) => {
    let matched = 0;
    for (let i = 0; i < labels.length; i += CHUNK) {
      const r = await store.attachLabels(deployment, labels.slice(i, i + CHUNK), { joinWindowMs: settings.joinWindowMs, ...(column !== undefined ? { keyColumn: column } : {}) });
      matched += r.matched;
    }
    return { matched, unmatched: labels.length - matched };
  });
}

/** Opens the configured prediction log store (and the metadata database when it lives there), runs `fn`, closes both. */
async function withStore<T>(project: Project, fn: (store: ReturnType<typeof openPredictionLogStore>) => Promise<T>): Promise<T> {
  const meta = project.config.monitoring.prediction_log.store === 'metadata' ? await openMetadata(project) : undefined;
  try {
    const store = openPredictionLogStore(project, meta);
    try {
      return await fn(store);
    } finally {
      await store.close?.();
    }
  } finally {
    await meta?.close();
  }
}
