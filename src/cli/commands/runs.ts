import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import type { Run, TrackingStore } from '../../tracking/index.js';
import { commandOutput } from '../context.js';
import { formatTable, type Output } from '../output.js';
import { compareRuns, renderComparison } from './runs-compare.js';
import {
  addTrackingUriOption, allExperiments, formatDuration, formatNumber, formatTime, listOption, resolveExperiment, viewTypeOf, withTrackingStore,
} from './tracking-options.js';

interface ListFlags {
  readonly experiment: string[];
  readonly filter?: string;
  readonly orderBy: string[];
  readonly max: number;
  readonly view?: string;
  readonly param: string[];
  readonly metric: string[];
  readonly pageToken?: string;
}

export function registerRuns(program: Command): void {
  const runs = program
    .command('runs')
    .description('list, inspect, compare and delete tracked runs (in the project\'s store, or a server with --tracking-uri)');

  addTrackingUriOption(runs.command('list'))
    .description('list runs, newest first; filter with MLflow\'s syntax plus `or` and parentheses')
    .option('-e, --experiment <id-or-name>', 'experiments to search (repeatable; default: all active ones)', listOption, [])
    .option('-f, --filter <expr>', "e.g. \"metrics.auc > 0.9 and params.model = 'gbdt'\"")
    .option('-o, --order-by <clause>', 'e.g. "metrics.auc DESC" (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('-n, --max <n>', 'at most this many runs', parseMax, 100)
    .option('--view <view>', 'active, deleted or all', 'active')
    .option('-p, --param <keys>', 'param columns to show (comma-separated or repeated; default: a few of the runs\' own)', listOption, [])
    .option('-m, --metric <keys>', 'metric columns to show (comma-separated or repeated)', listOption, [])
    .option('--page-token <token>', 'continue a previous listing')
    .option('--json', 'print the result as JSON')
    .action(async (flags: ListFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const page = await withTrackingStore(cmd, (store) => listRuns(store, flags));
      out.result({ runs: page.runs, ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) });
      renderList(out, page.runs, flags);
      if (page.nextPageToken) out.line(`\nMore runs: add --page-token ${page.nextPageToken}`);
    });

  addTrackingUriOption(runs.command('show <run-id>'))
    .description('show a run: info, params, latest metrics, tags and inputs')
    .option('--json', 'print the result as JSON')
    .action(async (runId: string, _opts, cmd: Command) => {
      const out = commandOutput(cmd);
      const run = await withTrackingStore(cmd, (store) => store.getRun(runId));
      out.result(run);
      renderRun(out, run);
    });

  addTrackingUriOption(runs.command('compare <run-ids...>'))
    .description('params and metrics of two or more runs side by side, differences marked')
    .option('--only-diff', 'show only the rows that differ')
    .option('--json', 'print the result as JSON')
    .action(async (runIds: string[], opts: { onlyDiff?: boolean }, cmd: Command) => {
      if (runIds.length < 2) fail('INVALID_ARGUMENT', 'compare needs at least two run ids', { field: 'run-ids' });
      const out = commandOutput(cmd);
      const list = await withTrackingStore(cmd, (store) => Promise.all(runIds.map((id) => store.getRun(id))));
      const cmp = compareRuns(list);
      out.result(cmp);
      renderComparison(out, cmp, Boolean(opts.onlyDiff));
    });

  addTrackingUriOption(runs.command('delete <run-ids...>'))
    .description('delete runs (restorable with `paddock runs restore`)')
    .action(async (runIds: string[], _opts, cmd: Command) => {
      await withTrackingStore(cmd, async (store) => {
        for (const id of runIds) await store.deleteRun(id);
      });
      for (const id of runIds) commandOutput(cmd).line(`Deleted run ${id}`);
    });

  addTrackingUriOption(runs.command('restore <run-ids...>'))
    .description('restore deleted runs')
    .action(async (runIds: string[], _opts, cmd: Command) => {
      await withTrackingStore(cmd, async (store) => {
        for (const id of runIds) await store.restoreRun(id);
      });
      for (const id of runIds) commandOutput(cmd).line(`Restored run ${id}`);
    });
}

function parseMax(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail('INVALID_ARGUMENT', `--max must be a positive integer (got '${value}')`, { field: 'max' });
  return n;
}

async function listRuns(store: TrackingStore, flags: ListFlags): Promise<{ runs: readonly Run[]; nextPageToken?: string }> {
  const experimentIds = flags.experiment.length
    ? await Promise.all(flags.experiment.map(async (ref) => (await resolveExperiment(store, ref)).experimentId))
    : (await allExperiments(store)).map((e) => e.experimentId);
  if (experimentIds.length === 0) return { runs: [] };
  const page = await store.searchRuns({
    experimentIds,
    viewType: viewTypeOf(flags.view),
    maxResults: flags.max,
    ...(flags.filter ? { filter: flags.filter } : {}),
    ...(flags.orderBy.length ? { orderBy: flags.orderBy } : {}),
    ...(flags.pageToken ? { pageToken: flags.pageToken } : {}),
  });
  return { runs: page.items, ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
}

/** Columns: the chosen keys, else the most common ones among the listed runs (3 params, 4 metrics). */
function renderList(out: Output, runs: readonly Run[], flags: ListFlags): void {
  if (runs.length === 0) {
    out.line('No runs match.');
    return;
  }
  const params = flags.param.length ? flags.param : commonKeys(runs.map((r) => r.data.params.map((p) => p.key)), 3);
  const metrics = flags.metric.length ? flags.metric : commonKeys(runs.map((r) => r.data.metrics.map((m) => m.key)), 4);
  const header = ['RUN ID', 'NAME', 'EXPERIMENT', 'STATUS', 'STARTED', 'DURATION', ...params.map((k) => `params.${k}`), ...metrics.map((k) => `metrics.${k}`)];
  const rows = runs.map((r) => [
    r.info.runId, r.info.runName, r.info.experimentId, r.info.status, formatTime(r.info.startTime), formatDuration(r.info.startTime, r.info.endTime),
    ...params.map((k) => r.data.params.find((p) => p.key === k)?.value ?? ''),
    ...metrics.map((k) => formatNumber(r.data.metrics.find((m) => m.key === k)?.value)),
  ]);
  out.line(formatTable(header, rows));
}

function commonKeys(perRun: readonly (readonly string[])[], n: number): string[] {
  const counts = new Map<string, number>();
  for (const keys of perRun) for (const k of new Set(keys)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n).map(([k]) => k).sort();
}

function renderRun(out: Output, run: Run): void {
  const i = run.info;
  out.line(`Run ${i.runId}${i.runName ? ` (${i.runName})` : ''}`);
  out.line(formatTable(['', ''], [
    ['experiment', i.experimentId],
    ['status', i.status + (i.lifecycleStage === 'deleted' ? ' (deleted)' : '')],
    ['started', formatTime(i.startTime)],
    ['ended', formatTime(i.endTime)],
    ['duration', formatDuration(i.startTime, i.endTime)],
    ['user', i.userId],
    ['artifacts', i.artifactUri],
  ]).split('\n').slice(1).join('\n'));
  section(out, 'Params', ['KEY', 'VALUE'], [...run.data.params].sort((a, b) => a.key.localeCompare(b.key)).map((p) => [p.key, p.value]));
  section(out, 'Metrics (latest)', ['KEY', 'VALUE', 'STEP', 'TIME'], [...run.data.metrics].sort((a, b) => a.key.localeCompare(b.key)).map((m) => [m.key, formatNumber(m.value), String(m.step), formatTime(m.timestamp)]));
  section(out, 'Tags', ['KEY', 'VALUE'], Object.entries(run.data.tags).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v]));
  section(out, 'Inputs', ['NAME', 'DIGEST', 'SOURCE TYPE', 'SOURCE'], run.inputs.map((d) => [d.name, d.digest, d.sourceType, d.source]));
}

function section(out: Output, title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  if (rows.length === 0) return;
  out.line();
  out.line(`${title}:`);
  out.line(formatTable(header, rows).split('\n').map((l) => `  ${l}`).join('\n'));
}
