/**
 * A window's performance: realized metrics over the rows whose labels have arrived (the same
 * metric code as `paddock evaluate`, which is checked against scikit-learn), and for binary
 * classifiers the CBPE estimate over every row. Reads each row's outputs as serving writes
 * them: the probabilities as an array in class order (or an object keyed by class), the label,
 * or the regression prediction (a number or a one-element array).
 */
import { classificationMetrics, regressionMetrics } from '../../models/index.js';
import type { LoggedPrediction } from '../prediction-log/prediction-log.js';
import { estimatePerformance, type EstimatedPerformance } from './cbpe.js';
import type { MonitorReference } from './reference.js';

/** Realized metrics of a window (accuracy, f1, roc_auc, log_loss… or rmse, mae, r2), with the rows they cover. */
export interface RealizedPerformance {
  readonly rows: number;
  readonly metrics: Readonly<Record<string, number>>;
  /** Labeled rows left out: a label the model's classes do not have, or outputs without a prediction. */
  readonly skipped: number;
}

/** What the window's rows add up to. */
export interface WindowPerformance {
  readonly realized?: RealizedPerformance;
  readonly estimated?: EstimatedPerformance;
}

/** Outputs of one row as numbers: the class probabilities, or the regression prediction. */
export function outputProbabilities(outputs: Readonly<Record<string, unknown>>, name: string | undefined, classes: readonly (string | number)[]): number[] | undefined {
  const raw = name === undefined ? undefined : outputs[name];
  if (Array.isArray(raw) && raw.length === classes.length && raw.every((x) => typeof x === 'number')) return raw as number[];
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const byClass = raw as Record<string, unknown>;
    const p = classes.map((c) => byClass[String(c)]);
    if (p.every((x) => typeof x === 'number')) return p as number[];
  }
  return undefined;
}

/** The regression prediction of one row. */
export function outputPrediction(outputs: Readonly<Record<string, unknown>>, name: string | undefined): number | undefined {
  const raw = name === undefined ? undefined : outputs[name];
  const v = Array.isArray(raw) ? raw[0] : raw;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Collects a window's rows; `result()` computes the metrics. */
export class PerformanceAccumulator {
  private readonly classes: readonly (string | number)[];
  private readonly classIndex: Map<string, number>;
  private readonly yTrue: number[] = [];
  private readonly probabilities: number[] = [];
  private readonly yPred: number[] = [];
  private readonly positive: number[] = [];
  private skipped = 0;

  constructor(private readonly reference: MonitorReference) {
    this.classes = reference.task?.classes ?? [];
    this.classIndex = new Map(this.classes.map((c, i) => [String(c), i]));
  }

  add(row: LoggedPrediction): void {
    const task = this.reference.task;
    if (!task) return;
    const names = this.reference.outputNames;
    if (task.kind === 'classification') {
      const p = outputProbabilities(row.outputs, names.probabilities, this.classes) ?? this.oneHot(row.outputs[names.label ?? '']);
      if (p && this.classes.length === 2) this.positive.push(p[1]!);
      if (row.label === undefined || row.label === null) return;
      const truth = this.classIndex.get(String(row.label));
      if (truth === undefined || !p) return void this.skipped++;
      this.yTrue.push(truth);
      for (const x of p) this.probabilities.push(x);
    } else {
      if (row.label === undefined || row.label === null) return;
      const pred = outputPrediction(row.outputs, names.prediction);
      const truth = typeof row.label === 'number' ? row.label : Number(row.label);
      if (pred === undefined || !Number.isFinite(truth)) return void this.skipped++;
      this.yTrue.push(truth);
      this.yPred.push(pred);
    }
  }

  result(): WindowPerformance {
    const estimated = this.positive.length ? estimatePerformance(this.positive) : undefined;
    const realized = this.realized();
    return { ...(realized ? { realized } : {}), ...(estimated ? { estimated } : {}) };
  }

  private realized(): RealizedPerformance | undefined {
    const rows = this.yTrue.length;
    if (rows === 0) return this.skipped ? { rows: 0, metrics: {}, skipped: this.skipped } : undefined;
    const metrics = this.reference.task!.kind === 'classification'
      ? classificationMetrics({ yTrue: Int32Array.from(this.yTrue), probabilities: Float64Array.from(this.probabilities), classes: this.classes }).metrics
      : regressionMetrics({ yTrue: Float64Array.from(this.yTrue), yPred: Float64Array.from(this.yPred) }).metrics;
    return { rows, metrics: Object.fromEntries(Object.entries(metrics).filter(([k]) => k !== 'n')), skipped: this.skipped };
  }

  /** A served label without probabilities counts as certainty in that class. */
  private oneHot(label: unknown): number[] | undefined {
    const i = label === undefined || label === null ? undefined : this.classIndex.get(String(label));
    return i === undefined ? undefined : this.classes.map((_, j) => (j === i ? 1 : 0));
  }
}
