import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { buildMonitoringProfile } from '../../app-model-packages.js';
import { fail, fromSystemError } from '../../core/errors.js';
import { parseTrainerParams, trainPackage, type TrainerParams } from '../../models/index.js';
import { createClient } from '../../sdk/client.js';
import { commandOutput, commandProject } from '../context.js';
import { buildLineage } from './train-lineage.js';

interface TrainFlags {
  readonly task?: string;
  readonly target?: string;
  readonly data?: string;
  readonly features?: string[];
  readonly params?: string;
  readonly algorithm?: string;
  readonly seed?: string;
  readonly output: string;
  readonly name?: string;
  readonly experiment: string;
  readonly track: boolean;
  readonly force?: boolean;
  readonly json?: boolean;
}

const collect = (v: string, p: string[]) => [...p, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

/** `paddock train`: a built-in trainer on a data file → a model package, logged to tracking. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a tabular model (regularised linear/logistic regression or gradient-boosted trees) into an ONNX model package, logged to tracking')
    .option('--task <task>', 'classification or regression')
    .option('--target <column>', 'the column to predict')
    .option('--data <file>', 'the training data (.csv, .parquet, .jsonl)')
    .option('--features <columns>', 'feature columns, comma-separated or repeated (default: every other column)', collect, [])
    .option('--params <file[:section]>', "trainer params from a YAML file (e.g. params.yaml:train); keys: algorithm, l2, max_iter, n_estimators, learning_rate, max_depth, min_samples_leaf, max_bins, subsample, colsample, seed, …")
    .option('--algorithm <name>', 'linear or gbdt (overrides the params file)')
    .option('--seed <n>', 'random seed (overrides the params file)')
    .option('-o, --output <dir>', 'where to write the model package', 'model')
    .option('--name <name>', 'the package name (default: the output directory name)')
    .option('--experiment <name>', 'the tracking experiment', 'train')
    .option('--no-track', 'do not log a run to tracking')
    .option('--force', 'replace an existing package at --output')
    .option('--json', 'print the result as JSON')
    .action(async (flags: TrainFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const project = commandProject(cmd);
      const task = checkTask(flags.task);
      if (!flags.target) fail('INVALID_ARGUMENT', 'train needs --target <column>: the column to predict', { flag: 'target' });
      if (!flags.data) fail('INVALID_ARGUMENT', 'train needs --data <file>: the training data', { flag: 'data' });
      const params = trainerParams(project.root, flags);
      const outDir = path.resolve(project.root, flags.output);
      // Before the run starts: a refused overwrite is a usage error, not a failed training run.
      if (!flags.force && existsSync(outDir)) fail('ALREADY_EXISTS', `${flags.output}: already exists; a model package is never overwritten (pass --force to replace it)`, { path: outDir });
      const client = flags.track ? createClient({ cwd: project.root, handleExit: true }) : undefined;
      const run = await client?.startRun({ experiment: flags.experiment, runName: `train ${path.basename(outDir)}` });
      try {
        const recorded = definedOnly({ task, target: flags.target, features: (flags.features ?? []).join(','), ...params });
        await run?.logParams(recorded);
        const lineage = await buildLineage({ root: project.root, data: flags.data, params: recorded, ...(run ? { runId: run.runId } : {}) });
        // The summary metrics go at the last iteration's step: step 0 would put the final loss at
        // the start of the per-iteration curve, and MLflow's latest value is the one at the highest step.
        let lastStep = 0;
        const result = await trainPackage({
          data: path.resolve(project.root, flags.data), task, target: flags.target, features: flags.features ?? [], params,
          name: flags.name ?? path.basename(outDir), outDir, replace: flags.force ?? false, lineage,
          producerVersion: lineage.paddock_version ?? '0.0.0', buildMonitoringProfile,
          onIteration: (it) => {
            lastStep = Math.max(lastStep, it.step);
            run?.logMetrics(it.metrics, it.step);
          },
        });
        run?.logMetrics({ ...result.metrics, train_seconds: result.seconds, train_rows: result.rows }, lastStep);
        await run?.logArtifacts(result.pkg.dir, 'model');
        await run?.end();
        out.result({ package: result.pkg.dir, runId: run?.runId ?? null, rows: result.rows, seconds: result.seconds, metrics: result.metrics });
        out.line(`Trained ${params.algorithm} ${task} of '${flags.target}' on ${result.rows} rows in ${result.seconds.toFixed(1)} s`);
        for (const [k, v] of Object.entries(result.metrics)) out.line(`  ${k}: ${v.toFixed(4)}`);
        out.line(`Wrote the model package ${path.relative(process.cwd(), result.pkg.dir) || '.'}${run ? ` (run ${run.runId})` : ''}`);
      } catch (err) {
        await run?.end('FAILED');
        throw err;
      } finally {
        await client?.close();
      }
    });
}

function checkTask(task: string | undefined): 'classification' | 'regression' {
  if (task === 'classification' || task === 'regression') return task;
  return fail('INVALID_ARGUMENT', `train needs --task classification or --task regression${task ? ` (got '${task}')` : ''}`, { flag: 'task' });
}

/** Params: the file (or one section of it), then --algorithm and --seed on top. */
function trainerParams(root: string, flags: TrainFlags): TrainerParams {
  let values: Record<string, unknown> = {};
  let where = '--params';
  if (flags.params) {
    const [file, section] = splitSection(flags.params);
    const full = path.resolve(root, file);
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch (err) {
      throw fromSystemError(err, full);
    }
    const doc = (parse(text) ?? {}) as Record<string, unknown>;
    const picked = section ? doc[section] : doc;
    if (picked === undefined || picked === null || typeof picked !== 'object') fail('INVALID_ARGUMENT', `${file}: no section '${section}' with trainer params`, { file, section });
    values = { ...(picked as Record<string, unknown>) };
    where = section ? `${file} (section ${section})` : file;
  }
  if (flags.algorithm) values.algorithm = flags.algorithm;
  if (flags.seed !== undefined) values.seed = Number(flags.seed);
  return parseTrainerParams(values, where);
}

function splitSection(spec: string): [string, string | undefined] {
  const i = spec.lastIndexOf(':');
  return i > 1 ? [spec.slice(0, i), spec.slice(i + 1) || undefined] : [spec, undefined];
}

function definedOnly<T extends Record<string, unknown>>(o: T): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, string | number | boolean>;
}
