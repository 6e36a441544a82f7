import path from 'node:path';
import type { Command } from 'commander';
import { fail, isPaddockError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import { EVALUATION_TAGS } from '../../automation/promotion/index.js';
import { evaluatePackage, packageContentHash, packageFiles, type EvaluationResult, type MaterializedPackage } from '../../models/index.js';
import { createClient } from '../../sdk/client.js';
import { commandCwd, commandOutput } from '../context.js';
import { decideGates, parseGates, type GateOutcome } from './evaluate-gates.js';
import { renderEvaluation, writeEvaluationReport } from './evaluate-render.js';
import { packageForCommand } from './models-package-source.js';

interface EvaluateFlags {
  readonly target?: string;
  readonly slice: string[];
  readonly compare?: string;
  readonly gate: string[];
  readonly report?: string;
  readonly metricsFile?: string;
  readonly experiment: string;
  readonly track: boolean;
  readonly trackingUri?: string;
  readonly json?: boolean;
}

const collect = (v: string, p: string[]) => [...p, v];

/** `paddock evaluate`: metrics, slices and an HTML report; champion/challenger gates for CI. */
export function registerEvaluate(program: Command): void {
  program
    .command('evaluate <model> <data>')
    .description('evaluate a model (package directory or models:/ URI) on labelled data; with --gate, exit non-zero when the candidate is not good enough')
    .option('--target <column>', "the label column (default: the package's task.target)")
    .option('--slice <column>', 'also report metrics per value of this column (repeatable)', collect, [])
    .option('--compare <model-uri>', 'evaluate this model too (e.g. models:/flights@champion) so gates can use champion.<metric>')
    .option('--gate <expr>', 'a condition the candidate must meet, e.g. "auc >= champion.auc - 0.005" or "latency_p99_ms <= 20" (repeatable)', collect, [])
    .option('--report <file>', 'write a self-contained HTML report')
    .option('--metrics-file <file>', 'write the metrics as JSON (for dvc.yaml metrics)')
    .option('--experiment <name>', 'the tracking experiment', 'evaluate')
    .option('--no-track', 'do not log a run to tracking')
    .option('--tracking-uri <uri>', 'where models:/ URIs are resolved (default: the project store)')
    .option('--json', 'print the result as JSON')
    .action(async (modelRef: string, data: string, flags: EvaluateFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const cwd = commandCwd(cmd);
      const dataPath = path.resolve(cwd, data);
      const parsedGates = parseGates(flags.gate);
      const candidate = await packageForCommand(cmd, modelRef);
      const result = await evaluatePackage({ pkg: candidate.pkg, data: dataPath, ...(flags.target ? { target: flags.target } : {}), sliceBy: flags.slice, gates: parsedGates });
      const champion = flags.compare ? await evaluateChampion(cmd, flags.compare, dataPath, flags.target) : undefined;
      const gates = decideGates(parsedGates, result.metrics, champion?.result.metrics, flags.compare);
      const report = { model: modelRef, data, result, gates, ...(champion ? { champion: { model: flags.compare!, result: champion.result } } : {}) };
      if (flags.report) await writeEvaluationReport(path.resolve(cwd, flags.report), report);
      if (flags.metricsFile) await writeFileAtomic(path.resolve(cwd, flags.metricsFile), `${JSON.stringify(roundAll(result.metrics), null, 2)}\n`);
      const runId = flags.track ? await logRun(cwd, flags, modelRef, data, result, gates, champion?.result, await evaluatedTags(candidate)) : undefined;
      out.result({ model: modelRef, data, rows: result.rows, task: result.task.kind, metrics: result.metrics, slices: result.slices, champion: champion ? { model: flags.compare, metrics: champion.result.metrics, missing: false } : flags.compare ? { model: flags.compare, missing: true } : null, gates, runId: runId ?? null });
      renderEvaluation(out, report, flags.compare);
      const failed = gates.filter((g) => g.status === 'failed');
      if (failed.length > 0) fail('GATE_FAILED', `${failed.length} of ${gates.length} gates failed: ${failed.map((g) => g.expression).join('; ')}`, { failed: failed.map((g) => g.expression) });
    });
}

/** The champion on the same data; when there is none yet (first model), gates on it are skipped. */
async function evaluateChampion(cmd: Command, ref: string, data: string, target: string | undefined): Promise<{ result: EvaluationResult } | undefined> {
  let champion;
  try {
    champion = await packageForCommand(cmd, ref);
  } catch (err) {
    if (isPaddockError(err, 'NOT_FOUND')) return undefined;
    throw err;
  }
  return { result: await evaluatePackage({ pkg: champion.pkg, data, ...(target ? { target } : {}) }) };
}

async function logRun(cwd: string, flags: EvaluateFlags, model: string, data: string, result: EvaluationResult, gates: readonly GateOutcome[], champion: EvaluationResult | undefined, evaluated: Record<string, string>): Promise<string> {
  const client = createClient({ cwd, ...(flags.trackingUri ? { trackingUri: flags.trackingUri } : {}) });
  try {
    const run = await client.startRun({ experiment: flags.experiment, runName: `evaluate ${model}` });
    await run.logParams({ model, data, ...(flags.compare ? { compare: flags.compare } : {}) });
    await run.setTags(evaluated);
    run.logMetrics(result.metrics);
    if (champion) run.logMetrics(Object.fromEntries(Object.entries(champion.metrics).map(([k, v]) => [`champion_${k}`, v])));
    for (const s of result.slices) for (const slice of s.slices) for (const [k, v] of Object.entries(slice.metrics)) run.logMetric(`slice.${s.column}.${slice.value}.${k}`.replace(/[^\w./ -]/g, '_').slice(0, 250), v);
    if (gates.length > 0) await run.setTag(EVALUATION_TAGS.gates, gates.map((g) => `${g.status}: ${g.expression}`).join('\n'));
    if (flags.report) await run.logArtifact(path.resolve(cwd, flags.report), 'evaluation');
    await run.end();
    return run.runId;
  } finally {
    await client.close();
  }
}

/**
 * What the run evaluated, so promotion policies and `paddock audit` find it: the registered model
 * and version (through a models:/ URI), and the package's content hash, which is also where the
 * registry stores a registered package (an evaluation before registering still counts).
 */
async function evaluatedTags(candidate: MaterializedPackage): Promise<Record<string, string>> {
  const hash = await packageContentHash(candidate.pkg.dir, await packageFiles(candidate.pkg.dir));
  return {
    [EVALUATION_TAGS.packageHash]: hash,
    ...(candidate.version ? { [EVALUATION_TAGS.model]: candidate.version.name, [EVALUATION_TAGS.version]: String(candidate.version.version) } : {}),
  };
}

function roundAll(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number.isFinite(v) ? Number(v.toPrecision(10)) : v]));
}
