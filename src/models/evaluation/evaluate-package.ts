/**
 * `paddock evaluate` as a use-case: run a package on labelled data through the one inference
 * path (ONNX), score it, slice it, and time single-row predictions for latency gates.
 */
import { fail } from '../../core/errors.js';
import { describe, ident, openSource, VIEW, type Row } from '../../validation/index.js';
import type { ModelTask } from '../package/manifest.js';
import type { ModelPackage } from '../package/package-io.js';
import { openPredictor, type PredictionRow, type Predictor } from '../package/predict.js';
import { classificationMetrics, type ClassificationEvaluation } from './classification-metrics.js';
import { evaluateGate, type Gate } from './gates.js';
import { regressionMetrics, type RegressionEvaluation } from './regression-metrics.js';
import { sliceMetrics } from './slices.js';

/** What to evaluate. */
export interface EvaluateInput {
  readonly pkg: ModelPackage;
  readonly data: string;
  /** The label column (default: the package's task.target). */
  readonly target?: string;
  /** Columns to report per-slice metrics for. */
  readonly sliceBy?: readonly string[];
  /** Single-row predictions timed for latency_p50_ms / latency_p99_ms (default 200). */
  readonly latencySamples?: number;
  /**
   * Gates the caller will decide on the result: their metric names are checked before any data
   * is read, so a typo fails in a second with a suggestion instead of after minutes of scoring.
   */
  readonly gates?: readonly Gate[];
}

/** One slice's metrics. */
export interface ColumnSlices {
  readonly column: string;
  readonly slices: readonly { readonly value: string; readonly n: number; readonly metrics: Record<string, number> }[];
}

/** The outcome: flat metrics (incl. latency) plus the curves and tables for the report. */
export interface EvaluationResult {
  readonly task: ModelTask;
  readonly rows: number;
  readonly metrics: Record<string, number>;
  readonly evaluation: ClassificationEvaluation | RegressionEvaluation;
  readonly slices: readonly ColumnSlices[];
}

/** Evaluates the package on `data`; a missing label column or task description names what to add. */
export async function evaluatePackage(input: EvaluateInput): Promise<EvaluationResult> {
  const task = taskOf(input.pkg, input.target);
  const latencySamples = input.latencySamples ?? 200;
  checkGateMetrics(input.gates ?? [], metricNames(task, latencySamples > 0));
  const inputs = input.pkg.manifest.signature.inputs;
  const numeric = new Set(inputs.filter((c) => c.type !== 'string').map((c) => c.name));
  const rows = await readRows(input.data, [...new Set([...inputs.map((c) => c.name), task.target, ...(input.sliceBy ?? [])])], numeric);
  const predictor = await openPredictor(input.pkg);
  try {
    const predictions = await predictor.predict(rows);
    const score = scorer(task, rows, predictions, input.data);
    const whole = score(Int32Array.from(rows.keys()));
    const latency = await timeSingleRows(predictor, rows, latencySamples);
    const slices = (input.sliceBy ?? []).map((column) => ({ column, slices: sliceMetrics(rows.map((r) => r[column]), (idx) => score(idx).metrics) }));
    return { task, rows: rows.length, metrics: { ...whole.metrics, ...latency }, evaluation: whole, slices };
  } finally {
    await predictor.close();
  }
}

function taskOf(pkg: ModelPackage, target: string | undefined): ModelTask {
  const task = pkg.manifest.task;
  if (!task) {
    return fail('INVALID_ARGUMENT', `${pkg.dir}: the package does not say what it predicts; add a 'task' section to paddock-model.yaml (kind, target, classes and probabilities, or prediction)`, { field: 'task' });
  }
  return target ? { ...task, target } : task;
}

/**
 * Reads `columns`; a BOOLEAN column feeding a numeric input is read as 0/1, as training read it
 * (`paddock train` declares boolean features int64), so a model evaluates on its own training data.
 */
/** The metric names an evaluation of `task` produces, from the metric functions themselves on dummy rows. */
function metricNames(task: ModelTask, latency: boolean): string[] {
  const classes = task.classes ?? [0, 1];
  const k = classes.length;
  const names = task.kind === 'regression'
    ? Object.keys(regressionMetrics({ yTrue: Float64Array.of(0, 1), yPred: Float64Array.of(0, 1) }).metrics)
    : Object.keys(classificationMetrics({ yTrue: Int32Array.from(classes.keys()), probabilities: new Float64Array(k * k).fill(1 / k), classes }).metrics);
  return latency ? [...names, 'latency_p50_ms', 'latency_p99_ms'] : names;
}

/** Every metric a gate names (its own or the champion's) must be one the evaluation produces. */
function checkGateMetrics(gates: readonly Gate[], names: readonly string[]): void {
  const known = Object.fromEntries(names.map((n) => [n, 0]));
  for (const gate of gates) evaluateGate(gate, { current: known, champion: known });
}

async function readRows(file: string, columns: readonly string[], numericInputs: ReadonlySet<string>): Promise<Row[]> {
  const source = await openSource(file);
  try {
    const types = new Map((await describe(source)).map((c) => [c.name, c.type]));
    const missing = columns.find((c) => !types.has(c));
    if (missing) fail('INVALID_ARGUMENT', `${file}: no column '${missing}' (needed as model input, label or slice); columns: ${[...types.keys()].join(', ')}`, { file, column: missing });
    const select = columns.map((c) => (numericInputs.has(c) && /^BOOLEAN/i.test(types.get(c)!) ? `CAST(${ident(c)} AS INTEGER) AS ${ident(c)}` : ident(c)));
    return [...(await source.query(`SELECT ${select.join(', ')} FROM ${VIEW}`))];
  } finally {
    source.close();
  }
}

type Scored = ClassificationEvaluation | RegressionEvaluation;

/** A function scoring any subset of rows (the whole set, or one slice). */
function scorer(task: ModelTask, rows: readonly Row[], predictions: readonly PredictionRow[], file: string): (idx: Int32Array) => Scored {
  if (task.kind === 'regression') {
    const out = task.prediction ?? 'prediction';
    const yTrue = Float64Array.from(rows, (r, i) => numericLabel(r[task.target], task.target, i, file));
    const yPred = Float64Array.from(predictions, (p) => Number(Array.isArray(p[out]) ? p[out][0] : p[out]));
    return (idx) => regressionMetrics({ yTrue: pick(yTrue, idx), yPred: pick(yPred, idx) });
  }
  const classes = task.classes;
  const out = task.probabilities;
  if (!classes || !out) fail('INVALID_ARGUMENT', "the package's task section needs 'classes' and 'probabilities' to evaluate a classifier", { field: 'task' });
  const k = classes.length;
  const index = new Map(classes.map((c, i) => [String(c), i]));
  const yTrue = Int32Array.from(rows, (r, i) => {
    const raw = r[task.target];
    const hit = index.get(String(typeof raw === 'boolean' ? Number(raw) : raw));
    if (hit === undefined) fail('INVALID_ARGUMENT', `${file}: row ${i + 1}: label ${JSON.stringify(raw)} in '${task.target}' is not one of the model's classes (${classes.join(', ')})`, { file, column: task.target, row: i + 1 });
    return hit;
  });
  const probs = new Float64Array(rows.length * k);
  predictions.forEach((p, i) => {
    const v = p[out] as readonly number[];
    for (let j = 0; j < k; j++) probs[i * k + j] = Number(v[j]);
  });
  return (idx) => classificationMetrics({ yTrue: pick(yTrue, idx), probabilities: pickRows(probs, k, idx), classes });
}

function numericLabel(v: unknown, column: string, row: number, file: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return fail('INVALID_ARGUMENT', `${file}: row ${row + 1}: '${column}' must be a number, got ${JSON.stringify(v)}`, { file, column, row: row + 1 });
}

function pick<T extends Float64Array | Int32Array>(a: T, idx: Int32Array): T {
  if (idx.length === a.length) return a;
  const out = new (a.constructor as new (n: number) => T)(idx.length);
  idx.forEach((j, i) => (out[i] = a[j]!));
  return out;
}

function pickRows(a: Float64Array, k: number, idx: Int32Array): Float64Array {
  if (idx.length * k === a.length) return a;
  const out = new Float64Array(idx.length * k);
  idx.forEach((j, i) => out.set(a.subarray(j * k, j * k + k), i * k));
  return out;
}

/** Times one-row predictions (after a warm-up), as a serving request would run the model. */
async function timeSingleRows(predictor: Predictor, rows: readonly Row[], samples: number): Promise<Record<string, number>> {
  const n = Math.min(samples, rows.length);
  if (n === 0) return {};
  await predictor.predict([rows[0]!]);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = rows[Math.floor((i * rows.length) / n)]!;
    const t = performance.now();
    await predictor.predict([row]);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
  return { latency_p50_ms: q(0.5), latency_p99_ms: q(0.99) };
}
