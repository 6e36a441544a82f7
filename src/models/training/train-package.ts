/**
 * `paddock train` as a use-case: data file → fitted preprocessing → a built-in trainer → ONNX →
 * a model package with signature, input example, reference profile, training metrics and
 * lineage. The trainer and exporter are deterministic and nothing volatile (time, run id) goes
 * into the ONNX file, so the same data, params and seed give a byte-identical model.onnx.
 */
import { existsSync } from 'node:fs';
import { fail } from '../../core/errors.js';
import { formatSchema, inferSchema } from '../../validation/index.js';
import { classificationMetrics, regressionMetrics } from '../evaluation/index.js';
import { exportOnnx } from '../onnx-export/export-model.js';
import type { ModelLineage, ModelManifestInput } from '../package/manifest.js';
import { writeModelPackage, type ModelPackage } from '../package/package-io.js';
import { preprocessTable } from '../package/preprocess.js';
import { ONNX_NAMES, type FittedModel, type Task } from '../trainers/fitted-model.js';
import type { TrainerParams } from '../trainers/params.js';
import { scoreModel, type ModelScores } from '../trainers/score.js';
import { trainModel } from '../trainers/train-model.js';
import { encodeTarget } from './encode-target.js';
import { fitPreprocess } from './fit-preprocess.js';
import { readTrainingTable, type TrainingTable } from './read-training-table.js';

/** File names inside a package the trainer writes. */
export const MODEL_FILE = 'model.onnx';
export const PROFILE_FILE = 'reference-profile.yaml';
export const MONITORING_PROFILE_FILE = 'monitoring-profile.json';

/** One column of the monitoring profile: its values, one per row (null/undefined are nulls). */
export interface MonitoredColumn {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly values: ArrayLike<unknown>;
}

/**
 * Builds the text of `monitoring-profile.json` from the model's inputs and outputs on its
 * training data. Passed in by the entry points (src/app-model-packages.ts composes monitoring's)
 * because monitoring imports models: models choosing the columns and monitoring profiling them
 * keeps the dependency one-way.
 */
export type BuildMonitoringProfile = (columns: MonitoredColumns) => string;

/** The model's inputs (the features) and outputs (as serving names them) on its training data. */
export interface MonitoredColumns {
  readonly inputs: readonly MonitoredColumn[];
  readonly outputs: readonly MonitoredColumn[];
}

/** What to train. */
export interface TrainPackageInput {
  readonly data: string;
  readonly task: Task;
  readonly target: string;
  readonly features?: readonly string[];
  readonly params: TrainerParams;
  /** Package name (the manifest's `name`). */
  readonly name: string;
  readonly outDir: string;
  /** Replace an existing package at outDir. */
  readonly replace?: boolean;
  readonly lineage: ModelLineage;
  readonly producerVersion: string;
  readonly onIteration?: (it: { step: number; metrics: Record<string, number> }) => void;
  /** Builds monitoring-profile.json; the entry point passes src/app-model-packages.ts's. */
  readonly buildMonitoringProfile: BuildMonitoringProfile;
}

/** What came out. */
export interface TrainPackageResult {
  readonly pkg: ModelPackage;
  readonly model: FittedModel;
  /** Metrics on the training data (prefixed `train_`). */
  readonly metrics: Record<string, number>;
  readonly rows: number;
  readonly seconds: number;
}

/** Trains and writes the package; nothing appears at outDir unless the whole package is valid. */
export async function trainPackage(input: TrainPackageInput): Promise<TrainPackageResult> {
  const started = performance.now();
  // Refused now rather than by writeModelPackage after the whole training run.
  if (!input.replace && existsSync(input.outDir)) fail('ALREADY_EXISTS', `${input.outDir}: already exists; a model package is never overwritten (pass --force to replace it)`, { path: input.outDir });
  const table = await readTrainingTable(input.data, input.target, input.features);
  const target = encodeTarget(table.target, input.task, input.target);
  const spec = fitPreprocess(table, table.features, { scale: input.params.algorithm === 'linear' });
  const matrix = preprocessTable(table, spec, table.features.map((f) => f.name));
  const model = trainModel({
    task: input.task, X: matrix.data, rows: matrix.rows, features: matrix.width, y: target.y,
    ...(target.classes ? { classes: target.classes } : {}), params: input.params,
    ...(input.onIteration ? { onIteration: input.onIteration } : {}),
  });
  const scored = scoreModel(model, matrix.data, matrix.rows);
  const metrics = trainingMetrics(model, scored, target.y);
  const monitoring = input.buildMonitoringProfile(monitoredColumns(table, model, scored));
  const onnx = exportOnnx(model, { producerVersion: input.producerVersion, docString: `${input.params.algorithm} ${input.task} of '${input.target}'` });
  const profile = formatSchema(await inferSchema(input.data));
  const manifest: ModelManifestInput = {
    name: input.name,
    flavor: 'onnx',
    model: MODEL_FILE,
    signature: {
      inputs: table.features.map((f) => ({ name: f.name, type: f.type })),
      feed: { tensor: ONNX_NAMES.input, layout: 'matrix' },
      outputs: input.task === 'regression'
        ? [{ name: ONNX_NAMES.prediction, type: 'float' }]
        : [{ name: ONNX_NAMES.label, type: typeof target.classes![0] === 'string' ? 'string' : 'int64' }, { name: ONNX_NAMES.probabilities, type: 'float' }],
    },
    task: input.task === 'regression'
      ? { kind: 'regression', target: input.target, prediction: ONNX_NAMES.prediction }
      : { kind: 'classification', target: input.target, classes: [...target.classes!], probabilities: ONNX_NAMES.probabilities },
    input_example: table.example.map((r) => ({ ...r })),
    reference_profile: PROFILE_FILE,
    monitoring_profile: MONITORING_PROFILE_FILE,
    preprocess: spec,
    metrics,
    lineage: input.lineage,
  };
  const pkg = await writeModelPackage(input.outDir, manifest, { [MODEL_FILE]: onnx, [PROFILE_FILE]: profile, [MONITORING_PROFILE_FILE]: monitoring }, { replace: input.replace ?? false });
  return { pkg, model, metrics, rows: table.rows, seconds: (performance.now() - started) / 1000 };
}

/** Fit quality on the training rows, scored by the JS scorer (the ONNX path is checked in tests). */
function trainingMetrics(model: FittedModel, scored: ModelScores, y: Float64Array): Record<string, number> {
  const picked: Record<string, number> = {};
  if (model.task === 'regression') {
    const m = regressionMetrics({ yTrue: y, yPred: scored.prediction! }).metrics;
    for (const k of ['rmse', 'mae', 'r2'] as const) picked[`train_${k}`] = m[k]!;
  } else {
    const m = classificationMetrics({ yTrue: Int32Array.from(y), probabilities: scored.probabilities!, classes: model.classes! }).metrics;
    for (const k of ['accuracy', 'roc_auc', 'log_loss'] as const) if (m[k] !== undefined) picked[`train_${k}`] = m[k]!;
  }
  return picked;
}

/**
 * The reference of drift monitoring: the features as the training data has them, and the
 * model's outputs on those rows as serving names them (the predicted label, and for binary
 * classifiers the probabilities output as the positive class's probability).
 */
function monitoredColumns(table: TrainingTable, model: FittedModel, scored: ModelScores): MonitoredColumns {
  const inputs = table.features.map((f): MonitoredColumn => ({ name: f.name, kind: f.type === 'string' ? 'categorical' : 'numeric', values: table.column(f.name) }));
  const outputs: MonitoredColumn[] = [];
  if (model.task === 'regression') outputs.push({ name: ONNX_NAMES.prediction, kind: 'numeric', values: scored.prediction! });
  else {
    const classes = model.classes!;
    const p = scored.probabilities!;
    const k = classes.length;
    const labels = Array.from({ length: p.length / k }, (_, i) => {
      let best = 0;
      for (let j = 1; j < k; j++) if (p[i * k + j]! > p[i * k + best]!) best = j;
      return String(classes[best]);
    });
    outputs.push({ name: ONNX_NAMES.label, kind: 'categorical', values: labels });
    if (k === 2) outputs.push({ name: ONNX_NAMES.probabilities, kind: 'numeric', values: Float64Array.from({ length: labels.length }, (_, i) => p[i * 2 + 1]!) });
  }
  return { inputs, outputs };
}
