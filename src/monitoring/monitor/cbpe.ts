/**
 * Performance estimated before labels arrive, for binary classifiers: NannyML's
 * confidence-based performance estimation (CBPE). If the model is calibrated — among rows given
 * probability p of the positive class, a share p is positive — then each row is a true positive
 * with probability p when predicted positive (a false positive with 1 − p), and a false
 * negative with probability p when predicted negative (a true negative with 1 − p). Summing
 * these gives the expected confusion matrix, and from it expected accuracy, precision, recall
 * and F1. The expected ROC AUC is the area under the curve of expected true- and
 * false-positive rates over the thresholds at each distinct score (NannyML's estimate).
 *
 * The estimate is only as good as the calibration assumption: under concept drift (the
 * relation between inputs and labels changes) the probabilities stop being calibrated and the
 * estimate does not see it — that is what realized performance, once labels arrive, is for.
 */

/** The expected metrics of a window, and the rows they cover. */
export interface EstimatedPerformance {
  readonly rows: number;
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly roc_auc: number;
}

/** CBPE over the positive-class probabilities (NaN entries skipped); undefined without rows. */
export function estimatePerformance(probabilities: ArrayLike<number>, threshold = 0.5): EstimatedPerformance | undefined {
  const p = Float64Array.from({ length: probabilities.length }, (_, i) => probabilities[i]!).filter((x) => x >= 0 && x <= 1);
  const n = p.length;
  if (n === 0) return undefined;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const x of p) {
    // Predicted positive when p > threshold: at exactly 0.5 argmax picks the first class (negative).
    if (x > threshold) {
      tp += x;
      fp += 1 - x;
    } else {
      fn += x;
      tn += 1 - x;
    }
  }
  return {
    rows: n,
    accuracy: (tp + tn) / n,
    precision: tp + fp > 0 ? tp / (tp + fp) : NaN,
    recall: tp + fn > 0 ? tp / (tp + fn) : NaN,
    f1: 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : NaN,
    roc_auc: expectedAuc(p),
  };
}

/** Trapezoidal area under the expected ROC curve, thresholds at each distinct score from the top. */
export function expectedAuc(p: Float64Array): number {
  const sorted = Float64Array.from(p).sort().reverse();
  let positives = 0;
  for (const x of sorted) positives += x;
  const negatives = sorted.length - positives;
  if (positives <= 0 || negatives <= 0) return NaN;
  let tp = 0;
  let area = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    let dtp = 0;
    let dfp = 0;
    // Equal scores move together: one step of the curve (a diagonal segment when mixed).
    while (j < sorted.length && sorted[j] === sorted[i]) {
      dtp += sorted[j]!;
      dfp += 1 - sorted[j]!;
      j++;
    }
    area += (dfp / negatives) * ((tp + tp + dtp) / 2 / positives);
    tp += dtp;
    i = j;
  }
  return area;
}
