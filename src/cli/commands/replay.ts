import path from 'node:path';
import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import { replayTraffic, type ReplaySummary } from '../../serving/index.js';
import { commandCwd, commandOutput } from '../context.js';
import type { Output } from '../output.js';

interface ReplayFlags {
  readonly url: string;
  readonly limit?: string;
  readonly concurrency: string;
  readonly rate?: string;
  readonly header: string[];
  readonly idColumn?: string;
  readonly json?: boolean;
}

/** `paddock replay`: the rows of a data file as single-row inference requests to a served model. */
export function registerReplay(program: Command): void {
  program
    .command('replay <data>')
    .description("send each row of a data file (CSV, Parquet, JSON lines) to a served model as one Open Inference request (the model's input columns only), and count the answers by status and model version")
    .requiredOption('--url <infer-url>', 'the infer URL, e.g. http://127.0.0.1:8080/v2/models/<model or deployment>/infer')
    .option('--limit <n>', 'at most this many rows (default: all)')
    .option('--concurrency <n>', 'requests in flight at once', '4')
    .option('--rate <per-second>', 'at most this many requests a second (default: no cap)')
    .option('--header <name=value>', 'send this header with every request, e.g. x-user=42 for sticky routing (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('--id-column <column>', "send each row's value of this column as its request's x-request-id (labels sent later name it as request_id)")
    .option('--json', 'print the summary as JSON')
    .action(async (data: string, flags: ReplayFlags, cmd: Command) => {
      const summary = await replayTraffic({
        file: path.resolve(commandCwd(cmd), data),
        url: flags.url,
        concurrency: numberFlag(flags.concurrency, '--concurrency'),
        ...(flags.limit !== undefined ? { limit: numberFlag(flags.limit, '--limit') } : {}),
        ...(flags.rate !== undefined ? { rate: numberFlag(flags.rate, '--rate') } : {}),
        headers: Object.fromEntries(flags.header.map(parseHeader)),
        ...(flags.idColumn !== undefined ? { idColumn: flags.idColumn } : {}),
      });
      const out = commandOutput(cmd);
      out.result({ ...summary, file: data });
      render(out, data, summary);
      if (summary.transportFailures > 0) {
        fail('REMOTE_UNREACHABLE', `${summary.transportFailures} of ${summary.requests} requests got no answer from ${flags.url} (first: ${summary.firstTransportFailure}); the replay stopped there`, { url: flags.url, failures: summary.transportFailures });
      }
    });
}

function numberFlag(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) fail('INVALID_ARGUMENT', `${flag} must be a number, got '${text}'`, { field: flag.slice(2) });
  return n;
}

/** `name=value` (the value may contain '='). */
function parseHeader(spec: string): [string, string] {
  const at = spec.indexOf('=');
  const name = spec.slice(0, at).trim();
  if (at <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) fail('INVALID_ARGUMENT', `--header '${spec}': give <name>=<value>, e.g. --header x-user=42`, { field: 'header' });
  return [name, spec.slice(at + 1)];
}

/** `1: 1500 (75%), 2: 500 (25%)`. */
function counts(byKey: Readonly<Record<string, number>>, total: number): string {
  const entries = Object.entries(byKey).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${k}: ${n} (${Math.round((n / Math.max(total, 1)) * 100)}%)`).join(', ');
}

function render(out: Output, data: string, s: ReplaySummary): void {
  const answered = Object.values(s.byStatus).reduce((a, n) => a + n, 0);
  const ok = Object.values(s.byVersion).reduce((a, n) => a + n, 0);
  const perSecond = s.seconds > 0 ? ` (${Math.round(s.requests / s.seconds)} requests/s)` : '';
  out.line(`Replayed ${s.requests} rows of ${data} to ${s.url} in ${s.seconds} s${perSecond}`);
  out.line(`  by status:   ${counts(s.byStatus, answered)}${s.transportFailures > 0 ? `, no answer: ${s.transportFailures}` : ''}`);
  out.line(`  by version:  ${counts(s.byVersion, ok)}`);
  out.line(`  latency:     p50 ${s.latencyMs.p50} ms, p99 ${s.latencyMs.p99} ms`);
  if (s.firstError) out.line(`  first error: HTTP ${s.firstError.status} ${s.firstError.body}`);
}
