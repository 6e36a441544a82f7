/**
 * Linear models: ridge regression solved exactly, and L2-regularised logistic regression
 * (binary sigmoid or multinomial softmax) minimised with L-BFGS. Objectives (n rows):
 *
 *   ridge:    (1/2n)·Σ(yᵢ − w·xᵢ − b)² + (l2/2)·‖w‖²          = sklearn Ridge(alpha = l2·n)
 *   logistic: (1/n)·Σ log_loss(yᵢ, softmax(Wxᵢ + b)) + (l2/2)·‖W‖² = sklearn LogisticRegression(C = 1/(n·l2))
 *
 * Intercepts are never penalised. Logistic regression optimises over standardised features
 * (a change of variables with the same optimum, the penalty carried over exactly) so that
 * features on different scales do not slow L-BFGS down; the returned coefficients are on the
 * raw features.
 */
import type { ClassLabels, LinearModel, Task } from './fitted-model.js';
import { minimizeLbfgs } from './lbfgs.js';
import type { TrainerParams } from './params.js';
import type { IterationCallback, TrainingData } from './training-data.js';

/** Column means and standard deviations (a constant column gets std 1). */
interface ColumnStats {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

function columnStats(data: TrainingData): ColumnStats {
  const { X, rows, features: d } = data;
  const mean = new Float64Array(d);
  for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) mean[j] = mean[j]! + X[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / rows;
  const std = new Float64Array(d);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < d; j++) {
      const c = X[i * d + j]! - mean[j]!;
      std[j] = std[j]! + c * c;
    }
  }
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]! / rows) || 1;
  return { mean, std };
}

/** Ridge regression by the normal equations on centred data (Cholesky). */
export function fitRidge(data: TrainingData, params: TrainerParams, onIteration?: IterationCallback): LinearModel {
  const { X, rows: n, features: d, y } = data;
  const { mean } = columnStats(data);
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i]!;
  yMean /= n;
  // A = Xcᵀ·Xc/n + l2·I, r = Xcᵀ·yc/n (upper triangle accumulated, then mirrored).
  const a = new Float64Array(d * d);
  const r = new Float64Array(d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = X[i * d + j]! - mean[j]!;
    const yc = y[i]! - yMean;
    for (let j = 0; j < d; j++) {
      const v = row[j]!;
      if (v === 0) continue;
      r[j] = r[j]! + v * yc;
      const base = j * d;
      for (let k = j; k < d; k++) a[base + k] = a[base + k]! + v * row[k]!;
    }
  }
  for (let j = 0; j < d; j++) {
    r[j] = r[j]! / n;
    for (let k = j; k < d; k++) {
      const v = a[j * d + k]! / n;
      a[j * d + k] = v;
      a[k * d + j] = v;
    }
    a[j * d + j] = a[j * d + j]! + params.l2;
  }
  const w = solveSpd(a, r, d);
  let b = yMean;
  for (let j = 0; j < d; j++) b -= w[j]! * mean[j]!;
  if (onIteration) {
    let sse = 0;
    for (let i = 0; i < n; i++) {
      let p = b;
      for (let j = 0; j < d; j++) p += w[j]! * X[i * d + j]!;
      sse += (y[i]! - p) ** 2;
    }
    onIteration({ step: 1, metrics: { train_rmse: Math.sqrt(sse / n) } });
  }
  return { kind: 'linear', task: 'regression', features: d, coefficients: w, intercepts: Float64Array.of(b) };
}

/**
 * Solves A·x = b for symmetric positive (semi)definite A by Cholesky. A singular A (l2 = 0 with
 * collinear or constant features) gets a tiny ridge so the solve still returns the
 * minimum-norm-ish solution instead of NaN.
 */
function solveSpd(a: Float64Array, b: Float64Array, d: number): Float64Array {
  let trace = 0;
  for (let j = 0; j < d; j++) trace += a[j * d + j]!;
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-12 * (trace / d || 1) : jitter * 100) {
    const l = cholesky(a, d, jitter);
    if (l) return cholSolve(l, b, d);
  }
}

function cholesky(a: Float64Array, d: number, jitter: number): Float64Array | undefined {
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j]! + jitter;
    for (let k = 0; k < j; k++) diag -= l[j * d + k]! ** 2;
    if (!(diag > 1e-300)) return undefined;
    const ljj = Math.sqrt(diag);
    l[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      l[i * d + j] = s / ljj;
    }
  }
  return l;
}

function cholSolve(l: Float64Array, b: Float64Array, d: number): Float64Array {
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * d + k]! * z[k]!;
    z[i] = s / l[i * d + i]!;
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * x[k]!;
    x[i] = s / l[i * d + i]!;
  }
  return x;
}

/**
 * Logistic regression: K = 2 → one sigmoid row scoring classes[1]; K > 2 → K softmax rows
 * (intercepts centred to sum 0, which leaves the probabilities unchanged).
 */
export function fitLogistic(data: TrainingData, classes: ClassLabels, params: TrainerParams, onIteration?: IterationCallback): LinearModel {
  const d = data.features;
  const targets = classes.length === 2 ? 1 : classes.length;
  const stats = columnStats(data);
  const objective = logisticObjective(data, targets, stats, params.l2);
  let lastLoss = Number.NaN;
  const result = minimizeLbfgs(
    (theta, grad) => {
      const r = objective(theta, grad);
      lastLoss = r.loss;
      return r.f;
    },
    new Float64Array(targets * (d + 1)),
    {
      maxIter: params.max_iter,
      tol: params.tol,
      onIteration: onIteration && ((iteration) => onIteration({ step: iteration, metrics: { train_log_loss: lastLoss } })),
    },
  );
  const { coefficients, intercepts } = toRaw(result.x, targets, d, stats);
  if (targets > 1) {
    let mean = 0;
    for (let t = 0; t < targets; t++) mean += intercepts[t]!;
    mean /= targets;
    for (let t = 0; t < targets; t++) intercepts[t] = intercepts[t]! - mean;
  }
  return { kind: 'linear', task: 'classification' satisfies Task, features: d, coefficients, intercepts, classes };
}

/** θ (standardised, rows of [v₀…v_{d−1}, b]) → raw coefficients w = v/s and intercepts b − w·m. */
function toRaw(theta: Float64Array, targets: number, d: number, stats: ColumnStats): { coefficients: Float64Array; intercepts: Float64Array } {
  const coefficients = new Float64Array(targets * d);
  const intercepts = new Float64Array(targets);
  for (let t = 0; t < targets; t++) {
    let c = theta[t * (d + 1) + d]!;
    for (let j = 0; j < d; j++) {
      const w = theta[t * (d + 1) + j]! / stats.std[j]!;
      coefficients[t * d + j] = w;
      c -= w * stats.mean[j]!;
    }
    intercepts[t] = c;
  }
  return { coefficients, intercepts };
}

/**
 * The penalised mean log-loss and its gradient in standardised coordinates. Scores are computed
 * on the raw X with the raw-equivalent weights, so no standardised copy of X is ever made.
 */
function logisticObjective(data: TrainingData, targets: number, stats: ColumnStats, l2: number): (theta: Float64Array, grad: Float64Array) => { f: number; loss: number } {
  const { X, rows: n, features: d, y } = data;
  const z = new Float64Array(Math.max(targets, 2));
  const gw = new Float64Array(targets * d);
  const gc = new Float64Array(targets);
  return (theta, grad) => {
    const { coefficients: w, intercepts: c } = toRaw(theta, targets, d, stats);
    gw.fill(0);
    gc.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      for (let t = 0; t < targets; t++) {
        let s = c[t]!;
        const wo = t * d;
        for (let j = 0; j < d; j++) s += w[wo + j]! * X[off + j]!;
        z[t] = s;
      }
      const label = y[i]!;
      if (targets === 1) {
        const s = z[0]!;
        // softplus(s) − y·s, stable for large |s|
        loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - label * s;
        const p = s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
        accumulate(gw, gc, 0, p - label, X, off, d);
      } else {
        let max = -Infinity;
        for (let t = 0; t < targets; t++) max = Math.max(max, z[t]!);
        let sum = 0;
        for (let t = 0; t < targets; t++) sum += Math.exp(z[t]! - max);
        const lse = max + Math.log(sum);
        loss += lse - z[label]!;
        for (let t = 0; t < targets; t++) accumulate(gw, gc, t, Math.exp(z[t]! - lse) - (t === label ? 1 : 0), X, off, d);
      }
    }
    let penalty = 0;
    for (let t = 0; t < targets; t++) {
      for (let j = 0; j < d; j++) {
        const wt = w[t * d + j]!;
        penalty += wt * wt;
        const s = stats.std[j]!;
        grad[t * (d + 1) + j] = (gw[t * d + j]! / n - (stats.mean[j]! * gc[t]!) / n) / s + (l2 * wt) / s;
      }
      grad[t * (d + 1) + d] = gc[t]! / n;
    }
    return { f: loss / n + 0.5 * l2 * penalty, loss: loss / n };
  };
}

function accumulate(gw: Float64Array, gc: Float64Array, t: number, r: number, X: Float64Array, off: number, d: number): void {
  if (r === 0) return;
  gc[t] = gc[t]! + r;
  const wo = t * d;
  for (let j = 0; j < d; j++) gw[wo + j] = gw[wo + j]! + r * X[off + j]!;
}
