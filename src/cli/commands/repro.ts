import type { Command } from 'commander';
import { fail, isPaddockError } from '../../core/errors.js';
import { stageExecutor } from '../../app-stage-executor.js';
import { repro, type ReproEvent, type ReproResult, type StageOutcome } from '../../pipeline/index.js';
import { commandOutput, commandProject } from '../context.js';
import { paint, type Output } from '../output.js';

interface ReproFlags {
  readonly force?: boolean;
  readonly dry?: boolean;
  readonly downstream?: boolean;
  readonly keepGoing?: boolean;
  readonly jobs?: string;
  readonly singleItem?: boolean;
  readonly runCache?: boolean;
  readonly json?: boolean;
}

export function registerRepro(program: Command): void {
  program
    .command('repro')
    .description('run the pipeline stages whose command, dependencies, params or outputs changed since dvc.lock, in dependency order; outputs are cached and dvc.lock is updated after each stage')
    .argument('[targets...]', 'stages to reproduce (name, path/dvc.yaml:name, or a foreach/matrix group); all stages when omitted')
    .option('-f, --force', 'run the stages even if nothing changed (frozen stages are still not run)')
    .option('--dry', 'only print which stages would run and why; change nothing')
    .option('--downstream', 'reproduce the targets and every stage downstream of them (not their upstream)')
    .option('-k, --keep-going', 'after a stage fails, keep running the stages that do not depend on it')
    .option('-j, --jobs <n>', 'run up to n independent stages at once (default: pipeline.jobs, 1)')
    .option('-s, --single-item', 'reproduce only the targets, not the stages they depend on')
    .option('--no-run-cache', 'always run commands, even when the run cache holds outputs for these exact inputs')
    .option('--json', 'print a JSON summary of the stages run, restored, skipped and failed (stage output goes to stderr)')
    .action(async (targets: string[], flags: ReproFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const jobs = flags.jobs === undefined ? undefined : Number(flags.jobs);
      if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) fail('INVALID_ARGUMENT', `--jobs must be a positive integer, got '${flags.jobs}'`, { jobs: flags.jobs });
      const project = commandProject(cmd);
      const started = Date.now();
      let result: ReproResult;
      try {
        result = await repro(project, {
          targets,
          force: flags.force,
          dry: flags.dry,
          downstream: flags.downstream,
          keepGoing: flags.keepGoing,
          jobs,
          single: flags.singleItem,
          runCache: flags.runCache !== false,
          onEvent: renderEvent(out),
          executor: stageExecutor(project.stateDir),
        });
      } catch (err) {
        const partial = isPaddockError(err) ? (err.details.result as ReproResult | undefined) : undefined;
        if (partial) {
          out.result(summaryJson(partial));
          out.line(summaryLine(out, partial, Date.now() - started));
        }
        throw err;
      }
      out.result(summaryJson(result));
      if (result.dry) renderDry(out, result);
      out.line(summaryLine(out, result, Date.now() - started));
    });
}

/** Stage output as `[stage] line` (to stderr under --json, so stdout stays JSON), and progress. */
function renderEvent(out: Output): (event: ReproEvent) => void {
  const c = paint(out);
  const verbs = { run: 'Running', restore: 'Restoring', verify: 'Verifying outputs of frozen' } as const;
  return (event) => {
    if (event.type === 'output') {
      if (out.quiet) return;
      const text = `${c.dim(`[${event.name}]`)} ${event.line}\n`;
      if (out.json || event.stream === 'stderr') process.stderr.write(text);
      else process.stdout.write(text);
      return;
    }
    if (out.json) return;
    if (event.type === 'start') out.line(`${c.cyan(`[${event.index}/${event.total}]`)} ${verbs[event.action]} stage '${event.name}'`);
    else renderEnd(out, event.outcome);
  };
}

function renderEnd(out: Output, o: StageOutcome): void {
  const c = paint(out);
  const secs = `${(o.durationMs / 1000).toFixed(1)}s`;
  if (o.result === 'ran') out.line(`${c.green('✓')} ${o.name} ran in ${secs}`);
  else if (o.result === 'restored') out.line(`${c.green('✓')} ${o.name} restored from run cache (command not run)`);
  else if (o.result === 'verified') out.line(`${c.green('✓')} ${o.name} is frozen: outputs verified and recorded`);
  // The details come once, in the final error; this marks the moment it happened.
  else if (o.result === 'failed') process.stderr.write(`${c.red('✗')} ${o.name} failed${o.exitCode ? ` (exit code ${o.exitCode})` : ''}\n`);
}

function renderDry(out: Output, result: ReproResult): void {
  const would = result.stages.filter((s) => s.result === 'would-run');
  if (would.length === 0) return;
  out.line('Would run:');
  for (const s of would) out.line(`  ${s.addressing}${s.reasons.length ? `: ${s.reasons.join('; ')}` : ''}`);
}

const pick = (r: ReproResult, ...kinds: StageOutcome['result'][]) => r.stages.filter((s) => kinds.includes(s.result)).map((s) => s.addressing);

function summaryJson(r: ReproResult): unknown {
  return {
    dry: r.dry,
    ran: pick(r, 'ran'),
    restored: pick(r, 'restored'),
    verified: pick(r, 'verified'),
    skipped: pick(r, 'skipped'),
    would_run: pick(r, 'would-run'),
    failed: pick(r, 'failed'),
    not_run: pick(r, 'blocked', 'cancelled'),
    stages: r.stages,
  };
}

function summaryLine(out: Output, r: ReproResult, ms: number): string {
  const c = paint(out);
  const n = (kinds: StageOutcome['result'][]) => pick(r, ...kinds).length;
  if (r.stages.length === 0) return 'No pipeline stages found: define them in dvc.yaml.';
  if (r.dry) return n(['would-run']) === 0 ? 'Pipeline is up to date: nothing would run.' : `${n(['would-run'])} of ${r.stages.length} stage(s) would run (dry run: nothing changed).`;
  if (n(['ran', 'restored', 'verified', 'failed']) === 0) return 'Pipeline is up to date: nothing to reproduce.';
  const parts = [`${n(['ran'])} ran`];
  if (n(['restored'])) parts.push(`${n(['restored'])} restored from run cache`);
  if (n(['verified'])) parts.push(`${n(['verified'])} frozen verified`);
  parts.push(`${n(['skipped'])} unchanged`);
  if (n(['failed'])) parts.push(c.red(`${n(['failed'])} failed`));
  if (n(['blocked', 'cancelled'])) parts.push(`${n(['blocked', 'cancelled'])} not run`);
  const tail = n(['failed']) ? '' : ' dvc.lock updated.';
  return `${parts.join(', ')} (${(ms / 1000).toFixed(1)}s).${tail}`;
}
