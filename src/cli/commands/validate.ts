import path from 'node:path';
import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import { formatSchema, inferSchema, readSchemaFile, renderReportHtml, validateData, type ValidationReport } from '../../validation/index.js';
import { commandCwd, commandOutput } from '../context.js';
import { recordValidation } from './validate-record.js';
import { formatTable, paint, type Output } from '../output.js';

interface ValidateFlags {
  readonly schema?: string;
  readonly json?: boolean;
  readonly html?: string;
  readonly track: boolean;
}

export function registerValidate(program: Command): void {
  const validate = program
    .command('validate')
    .description('check a data file (CSV, Parquet, JSON lines) against a schema file; exits non-zero when a check marked error fails')
    .argument('<data>', 'the data file')
    .option('-s, --schema <file>', 'the schema file (write one with `paddock validate infer`)')
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'also write a self-contained HTML report')
    .option('--no-track', "inside a project, do not record the outcome (a run in the 'validate' experiment, keyed by the file's md5, which promotion policies read)")
    .action(async (data: string, flags: ValidateFlags, cmd: Command) => {
      if (!flags.schema) fail('INVALID_ARGUMENT', 'validate needs --schema <file> (write one with `paddock validate infer <data> -o schema.yaml`)', { flag: 'schema' });
      const cwd = commandCwd(cmd);
      const out = commandOutput(cmd);
      const report = await validateData(path.resolve(cwd, data), readSchemaFile(path.resolve(cwd, flags.schema)));
      if (flags.html) await writeFileAtomic(path.resolve(cwd, flags.html), renderReportHtml(report));
      const runId = flags.track ? await recordValidation(cwd, data, flags.schema, report) : undefined;
      out.result(runId ? { ...report, runId } : report);
      render(out, report);
      if (!report.passed) fail('VALIDATION_FAILED', `${data}: ${report.errors} checks marked error failed (${report.warnings} warnings)`, { errors: report.errors, warnings: report.warnings });
    });
  validate
    .command('infer')
    .description('infer a schema (types, nullability, ranges, categories, uniqueness, drift statistics) from a data file')
    .argument('<data>', 'the data file')
    .option('-o, --output <file>', 'write the schema here (default: stdout)')
    .action(async (data: string, flags: { output?: string }, cmd: Command) => {
      const cwd = commandCwd(cmd);
      const schema = await inferSchema(path.resolve(cwd, data));
      const text = formatSchema({ ...schema, source: data });
      if (!flags.output) {
        process.stdout.write(text);
        return;
      }
      await writeFileAtomic(path.resolve(cwd, flags.output), text);
      commandOutput(cmd).line(`Wrote the schema of ${data} (${Object.keys(schema.columns).length} columns) to ${flags.output}`);
    });
}

function render(out: Output, report: ValidationReport): void {
  const c = paint(out);
  const head = `${report.file}: ${report.rows} rows, ${report.checks} checks`;
  if (report.anomalies.length === 0) {
    out.line(`${head}: ${c.green('passed')}`);
    return;
  }
  out.line(`${head}: ${report.passed ? c.yellow('passed with warnings') : c.red('failed')} (${report.errors} errors, ${report.warnings} warnings)`);
  const rows = report.anomalies.map((a) => [a.severity, a.kind, a.column ?? '', String(a.count), a.message]);
  out.line(formatTable(['severity', 'kind', 'column', 'count', 'message'], rows));
  for (const a of report.anomalies.filter((x) => x.examples.length)) {
    out.line(`\n${a.kind}${a.column ? ` ${a.column}` : ''}${a.check ? ` (${a.check})` : ''}: first ${a.examples.length} rows`);
    for (const e of a.examples) out.line(`  ${JSON.stringify(e)}`);
  }
}
