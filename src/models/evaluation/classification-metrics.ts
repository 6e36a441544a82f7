/**
 * Classification metrics computed the way scikit-learn computes them (the tests compare with
 * sklearn 1.2 on fixed data), in O(n log n): each one-vs-rest ranking sorts the positive and the
 * negative scores once with the native typed-array sort and walks both from the top.
 */
import { fail } from '../../core/errors.js';

/** What `classificationMetrics` takes: labels as class indices, probabilities row-major n×K. */
export interface ClassificationInput {
  /** True class index per row, 0..K-1 (an index into `classes`). */
  readonly yTrue: Int32Array;
  /** Predicted probabilities, row-major n×K. */
  readonly probabilities: Float64Array;
  /** Class labels in column order; K = classes.length ≥ 2. */
  readonly classes: readonly (string | number)[];
}

/** One point of a ROC curve. */
export interface RocPoint {
  readonly fpr: number;
  readonly tpr: number;
}

/** One point of a precision-recall curve. */
export interface PrPoint {
  readonly recall: number;
  readonly precision: number;
}

/** One non-empty calibration bin (sklearn's calibration_curve, strategy='uniform', 10 bins). */
export interface CalibrationBin {
  /** The bin's range: (lower, upper], the first bin also holds 0. */
  readonly lower: number;
  readonly upper: number;
  readonly meanPredicted: number;
  readonly fractionPositive: number;
  readonly count: number;
}

/** Precision, recall and F1 of one class, with its support (rows whose true class it is). */
export interface ClassMetrics {
  readonly label: string | number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

/** Everything `paddock evaluate` reports for a classifier. */
export interface ClassificationEvaluation {
  readonly task: 'classification';
  /**
   * accuracy, precision, recall, f1 (binary: of classes[1]; multiclass: macro), roc_auc and
   * pr_auc (binary; multiclass: macro one-vs-rest), log_loss, n. NaN where undefined, e.g. an
   * AUC when only one class occurs.
   */
  readonly metrics: Readonly<Record<string, number>>;
  readonly classes: readonly (string | number)[];
  /** K×K counts; rows are the true class, columns the predicted class. */
  readonly confusion: readonly (readonly number[])[];
  readonly perClass: readonly ClassMetrics[];
  /** The class the curves and the calibration plot are drawn for (classes[1], one-vs-rest). */
  readonly positiveClass: string | number;
  /** From the highest threshold down, starting at (0, 0); thinned to at most `MAX_CURVE_POINTS`. */
  readonly roc: readonly RocPoint[];
  /** From the highest threshold down, starting at (recall 0, precision 1); thinned likewise. */
  readonly pr: readonly PrPoint[];
  readonly calibration: readonly CalibrationBin[];
}

/** Curves are drawn, not analysed, so they keep at most this many points (metrics use all). */
export const MAX_CURVE_POINTS = 1000;

/** Computes the classification evaluation; see `ClassificationEvaluation` for what is in it. */
export function classificationMetrics(input: ClassificationInput): ClassificationEvaluation {
  const { yTrue, probabilities, classes } = input;
  const k = classes.length;
  const n = checkInput(input);
  const predicted = argmaxRows(probabilities, n, k);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i]!;
    const p = predicted[i]!;
    confusion[t]![p]! += 1;
    if (t === p) correct++;
  }
  const perClass = classes.map((label, c) => classMetrics(label, c, confusion));
  const rankings = Array.from({ length: k === 2 ? 1 : k }, (_, j) => ranking(columnOf(probabilities, n, k, k === 2 ? 1 : j), yTrue, k === 2 ? 1 : j));
  const prf = k === 2 ? perClass[1]! : macro(perClass, confusion);
  const positive = k === 2 ? rankings[0]! : rankings[1]!;
  return {
    task: 'classification',
    metrics: {
      accuracy: correct / n,
      precision: prf.precision,
      recall: prf.recall,
      f1: prf.f1,
      roc_auc: mean(rankings.map(rocAuc)),
      pr_auc: mean(rankings.map(averagePrecision)),
      log_loss: logLoss(yTrue, probabilities, n, k),
      n,
    },
    classes,
    confusion,
    perClass,
    positiveClass: classes[1]!,
    roc: thin(rocPoints(positive)),
    pr: thin(prPoints(positive)),
    calibration: calibrationBins(columnOf(probabilities, n, k, 1), yTrue),
  };
}

function checkInput({ yTrue, probabilities, classes }: ClassificationInput): number {
  const k = classes.length;
  const n = yTrue.length;
  if (k < 2) fail('INVALID_ARGUMENT', `classification needs at least 2 classes, got ${k}: pass every class of the model's output in \`classes\``, { classes });
  if (n === 0) fail('INVALID_ARGUMENT', 'cannot evaluate on 0 rows: the evaluation data is empty', {});
  if (probabilities.length !== n * k) {
    fail('INVALID_ARGUMENT', `probabilities hold ${probabilities.length} values but ${n} rows × ${k} classes need ${n * k}: the model's output does not match the classes`, { rows: n, classes: k });
  }
  for (let i = 0; i < n; i++) {
    const t = yTrue[i]!;
    if (!(t >= 0 && t < k)) fail('INVALID_ARGUMENT', `row ${i}: true class index ${t} is outside 0..${k - 1}: the label is not one of the model's classes`, { row: i, index: t });
  }
  for (let j = 0; j < probabilities.length; j++) {
    if (!Number.isFinite(probabilities[j]!)) {
      fail('INVALID_ARGUMENT', `row ${Math.floor(j / k)}: probability of class ${String(classes[j % k])} is ${probabilities[j]}: the model produced a non-finite score`, { row: Math.floor(j / k) });
    }
  }
  return n;
}

/** Predicted class per row: the highest probability, ties going to the lowest index. */
function argmaxRows(probabilities: Float64Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0, o = 0; i < n; i++, o += k) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[o + c]! > probabilities[o + best]!) best = c;
    out[i] = best;
  }
  return out;
}

function columnOf(probabilities: Float64Array, n: number, k: number, c: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = probabilities[i * k + c]!;
  return out;
}

// sklearn's zero_division=0: an undefined ratio counts as 0 (it warns; a report cannot).
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
const fScore = (p: number, r: number): number => ratio(2 * p * r, p + r);

function classMetrics(label: string | number, c: number, confusion: readonly (readonly number[])[]): ClassMetrics {
  const tp = confusion[c]![c]!;
  const support = confusion[c]!.reduce((a, b) => a + b, 0);
  const predicted = confusion.reduce((a, row) => a + row[c]!, 0);
  const precision = ratio(tp, predicted);
  const recall = ratio(tp, support);
  return { label, precision, recall, f1: fScore(precision, recall), support };
}

/** Macro average over the classes that occur as truth or prediction, as sklearn's labels=None. */
function macro(perClass: readonly ClassMetrics[], confusion: readonly (readonly number[])[]): { precision: number; recall: number; f1: number } {
  const seen = perClass.filter((m, c) => m.support > 0 || confusion.some((row) => row[c]! > 0));
  return { precision: mean(seen.map((m) => m.precision)), recall: mean(seen.map((m) => m.recall)), f1: mean(seen.map((m) => m.f1)) };
}

/** Mean of the defined (non-NaN) values; NaN when none is defined. */
function mean(values: readonly number[]): number {
  const ok = values.filter((v) => !Number.isNaN(v));
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
}

/** Cumulative true/false positives at each distinct score, from the highest score down. */
interface Ranking {
  readonly tps: Float64Array;
  readonly fps: Float64Array;
  readonly positives: number;
  readonly negatives: number;
}

function ranking(scores: Float64Array, yTrue: Int32Array, positiveIndex: number): Ranking {
  let positives = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === positiveIndex) positives++;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(yTrue.length - positives);
  for (let i = 0, a = 0, b = 0; i < yTrue.length; i++) {
    if (yTrue[i] === positiveIndex) pos[a++] = scores[i]!;
    else neg[b++] = scores[i]!;
  }
  pos.sort();
  neg.sort();
  const tps = new Float64Array(yTrue.length);
  const fps = new Float64Array(yTrue.length);
  let i = pos.length - 1;
  let j = neg.length - 1;
  let m = 0;
  while (i >= 0 || j >= 0) {
    const t = Math.max(i >= 0 ? pos[i]! : -Infinity, j >= 0 ? neg[j]! : -Infinity);
    while (i >= 0 && pos[i] === t) i--;
    while (j >= 0 && neg[j] === t) j--;
    // Rows consumed so far: all positives above index i, all negatives above index j.
    tps[m] = pos.length - 1 - i;
    fps[m] = neg.length - 1 - j;
    m++;
  }
  return { tps: tps.subarray(0, m), fps: fps.subarray(0, m), positives, negatives: neg.length };
}

/** Trapezoidal area under the ROC curve, summed in integer counts so it is exact until the division. */
function rocAuc(r: Ranking): number {
  if (r.positives === 0 || r.negatives === 0) return NaN;
  let area = 0;
  for (let m = 0, tp0 = 0, fp0 = 0; m < r.tps.length; m++) {
    area += (r.fps[m]! - fp0) * (r.tps[m]! + tp0);
    tp0 = r.tps[m]!;
    fp0 = r.fps[m]!;
  }
  return area / (2 * r.positives * r.negatives);
}

/** Average precision as sklearn: Σ (R_n − R_{n−1}) P_n over the thresholds, no interpolation. */
function averagePrecision(r: Ranking): number {
  if (r.positives === 0) return NaN;
  let ap = 0;
  for (let m = 0, tp0 = 0; m < r.tps.length; m++) {
    const tp = r.tps[m]!;
    if (tp !== tp0) ap += ((tp - tp0) / r.positives) * (tp / (tp + r.fps[m]!));
    tp0 = tp;
  }
  return ap;
}

function rocPoints(r: Ranking): RocPoint[] {
  const out: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  for (let m = 0; m < r.tps.length; m++) out.push({ fpr: r.fps[m]! / r.negatives, tpr: r.tps[m]! / r.positives });
  return out;
}

function prPoints(r: Ranking): PrPoint[] {
  const out: PrPoint[] = [{ recall: 0, precision: 1 }];
  for (let m = 0; m < r.tps.length; m++) out.push({ recall: r.tps[m]! / r.positives, precision: r.tps[m]! / (r.tps[m]! + r.fps[m]!) });
  return out;
}

/** Keeps the first and last point and evenly spaced ones between, at most MAX_CURVE_POINTS. */
function thin<T>(points: readonly T[]): readonly T[] {
  if (points.length <= MAX_CURVE_POINTS) return points;
  const step = (points.length - 1) / (MAX_CURVE_POINTS - 1);
  return Array.from({ length: MAX_CURVE_POINTS }, (_, i) => points[Math.round(i * step)]!);
}

/** sklearn's log_loss: clip to [eps, 1 − eps], renormalise each row, mean of −log p(true). */
function logLoss(yTrue: Int32Array, probabilities: Float64Array, n: number, k: number): number {
  const eps = Number.EPSILON;
  const clip = (p: number): number => Math.min(Math.max(p, eps), 1 - eps);
  let [sum, carry] = [0, 0];
  for (let i = 0, o = 0; i < n; i++, o += k) {
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += clip(probabilities[o + c]!);
    const term = -Math.log(clip(probabilities[o + yTrue[i]!]!) / rowSum);
    // Neumaier summation: the mean of a million terms keeps its digits.
    const t = sum + term;
    carry += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
  }
  return (sum + carry) / n;
}

const BINS = 10;

/**
 * sklearn's calibration_curve(strategy='uniform', n_bins=10) for class index 1: edges i/10, a
 * score on an inner edge goes to the lower bin (numpy searchsorted, side='left'); empty bins are
 * left out as sklearn does.
 */
function calibrationBins(scores: Float64Array, yTrue: Int32Array): CalibrationBin[] {
  const sums = new Float64Array(BINS);
  const hits = new Float64Array(BINS);
  const counts = new Float64Array(BINS);
  const edge = (b: number): number => b * 0.1; // numpy's linspace(0, 1, 11) computes i * 0.1 too
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i]!;
    let b = Math.min(BINS - 1, Math.max(0, Math.ceil(p * BINS) - 1));
    while (b > 0 && edge(b) >= p) b--;
    while (b < BINS - 1 && edge(b + 1) < p) b++;
    sums[b]! += p;
    if (yTrue[i] === 1) hits[b]! += 1;
    counts[b]! += 1;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < BINS; b++) {
    const count = counts[b]!;
    if (count > 0) out.push({ lower: edge(b), upper: b === BINS - 1 ? 1 : edge(b + 1), meanPredicted: sums[b]! / count, fractionPositive: hits[b]! / count, count });
  }
  return out;
}
