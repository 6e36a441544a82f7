import path from 'node:path';
import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import { driftBetweenFiles, formatScore, renderDriftHtml, statTestNamed, type FileDriftReport, type StatTestName } from '../../monitoring/drift/index.js';
import { commandCwd, commandOutput } from '../context.js';
import { formatTable, paint, type Output } from '../output.js';

interface DriftFlags {
  readonly columns?: string;
  readonly stattest: string[];
  readonly threshold: string[];
  readonly driftShare?: string;
  readonly bins?: string;
  readonly json?: boolean;
  readonly html?: string;
  readonly failOnDrift?: boolean;
}

const collect = (v: string, p: string[]) => [...p, v];

/** Splits `column=value` pairs from repeatable flags. */
function pairs(values: readonly string[], flag: string): [string, string][] {
  return values.map((v) => {
    const at = v.lastIndexOf('=');
    if (at <= 0 || at === v.length - 1) fail('INVALID_ARGUMENT', `--${flag} takes column=value, got '${v}'`, { flag, value: v });
    return [v.slice(0, at), v.slice(at + 1)];
  });
}

function positiveNumber(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) fail('INVALID_ARGUMENT', `${what} must be a non-negative number, got '${text}'`, { value: text });
  return n;
}

export function registerDrift(program: Command): void {
  program
    .command('drift')
    .description("compare two data files (CSV, Parquet, JSON lines) column by column with Evidently's default drift tests; prints each column's score and the dataset verdict")
    .argument('<reference>', 'the reference data (for example the training data)')
    .argument('<current>', 'the data to check against it')
    .option('--columns <names>', 'comma-separated columns to compare (default: every column both files have)')
    .option('--stattest <column=test>', 'the test for a column: ks, wasserstein, chisquare, z, jensenshannon, psi, kl_div, hellinger (repeatable)', collect, [])
    .option('--threshold <column=value>', "a column's drift threshold instead of its test's default (repeatable)", collect, [])
    .option('--drift-share <share>', 'dataset drift when this share of columns drifted', '0.5')
    .option('--bins <n>', "PSI's number of reference quantile bins", '10')
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'also write a self-contained HTML report with per-column histograms')
    .option('--fail-on-drift', 'exit non-zero (DRIFT_DETECTED) when the dataset drifted')
    .action(async (reference: string, current: string, flags: DriftFlags, cmd: Command) => {
      const cwd = commandCwd(cmd);
      const out = commandOutput(cmd);
      const tests: Record<string, StatTestName> = Object.fromEntries(pairs(flags.stattest, 'stattest').map(([c, t]) => [c, statTestNamed(t, c)]));
      const thresholds = Object.fromEntries(pairs(flags.threshold, 'threshold').map(([c, t]) => [c, positiveNumber(t, `--threshold for '${c}'`)]));
      const bins = positiveNumber(flags.bins ?? '10', '--bins');
      if (!Number.isInteger(bins) || bins < 2) fail('INVALID_ARGUMENT', `--bins must be an integer of at least 2, got '${flags.bins}'`, { flag: 'bins' });
      const columns = flags.columns
        ?.split(',')
        .map((c) => c.trim())
        .filter(Boolean);
      const report = await driftBetweenFiles(path.resolve(cwd, reference), path.resolve(cwd, current), {
        columns,
        tests,
        thresholds,
        bins,
        driftShare: positiveNumber(flags.driftShare ?? '0.5', '--drift-share'),
      });
      const shown: FileDriftReport = { ...report, reference: { ...report.reference, file: reference }, current: { ...report.current, file: current } };
      if (flags.html) await writeFileAtomic(path.resolve(cwd, flags.html), renderDriftHtml(shown));
      out.result(shown);
      render(out, shown);
      if (flags.failOnDrift && report.datasetDrift) {
        fail('DRIFT_DETECTED', `${current}: ${report.driftedColumns} of ${report.columns.length} columns drifted from ${reference} (share ${formatScore(report.share)} ≥ ${report.driftShare})`, {
          drifted: report.columns.filter((c) => c.drifted).map((c) => c.column),
          share: report.share,
        });
      }
    });
}

function render(out: Output, report: FileDriftReport): void {
  const c = paint(out);
  out.line(`${report.reference.file} (${report.reference.rows} rows) → ${report.current.file} (${report.current.rows} rows)`);
  const rows = report.columns.map((col) => [col.column, col.kind, col.test, formatScore(col.score), String(col.threshold), col.drifted ? c.red('drift') : c.green('no drift')]);
  out.line(formatTable(['column', 'type', 'test', 'score', 'threshold', 'drifted'], rows));
  for (const s of report.skipped) out.line(`skipped ${s.column}: ${s.reason}`);
  const verdict = report.datasetDrift ? c.red('dataset drift') : c.green('no dataset drift');
  out.line(`${verdict}: ${report.driftedColumns} of ${report.columns.length} columns drifted (share ${formatScore(report.share)}, threshold ${report.driftShare})`);
}
