/**
 * The three boosting losses: squared error (regression), binary log-loss (one logit) and
 * multinomial log-loss (K logits). Raw scores are stored row-major, rows × targets.
 */

/** Which loss a booster minimises. */
export type LossKind = 'squared_error' | 'binary' | 'multiclass';

/** The constant model the boosting starts from: mean, log-odds, or log class priors. */
export function baseline(kind: LossKind, y: Float64Array, rows: Uint32Array, targets: number): Float64Array {
  if (kind === 'squared_error') {
    let s = 0;
    for (let i = 0; i < rows.length; i++) s += y[rows[i]!]!;
    return Float64Array.of(s / rows.length);
  }
  const k = kind === 'binary' ? 2 : targets;
  const counts = new Float64Array(k);
  for (let i = 0; i < rows.length; i++) counts[y[rows[i]!]!]!++;
  // A class absent from the training rows gets a tiny prior instead of log(0) = −∞.
  const prior = (c: number): number => Math.max(counts[c]! / rows.length, 1e-15);
  if (kind === 'binary') return Float64Array.of(Math.log(prior(1) / prior(0)));
  return Float64Array.from({ length: k }, (_, c) => Math.log(prior(c)));
}

/**
 * Writes gradients and hessians of the loss at `raw` for the given rows (grad[t][row],
 * hess[t][row] per target t). With `withLoss`, also returns meanLoss at `raw` (computed from
 * the same exponentials), else NaN.
 */
export function gradients(kind: LossKind, raw: Float64Array, y: Float64Array, rows: Uint32Array, targets: number, grad: Float64Array[], hess: Float64Array[], withLoss: boolean): number {
  let total = 0;
  if (kind === 'squared_error') {
    const g = grad[0]!;
    const h = hess[0]!;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const e = raw[r]! - y[r]!;
      g[r] = e;
      h[r] = 1;
      total += e * e;
    }
    return withLoss ? Math.sqrt(total / rows.length) : Number.NaN;
  }
  if (kind === 'binary') {
    const g = grad[0]!;
    const h = hess[0]!;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const s = raw[r]!;
      const label = y[r]!;
      const e = Math.exp(-Math.abs(s));
      const p = s >= 0 ? 1 / (1 + e) : e / (1 + e);
      g[r] = p - label;
      h[r] = Math.max(p * (1 - p), 1e-16);
      // softplus(s) − y·s = log1p(e^−|s|) + max(s, 0) − y·s
      if (withLoss) total += Math.log1p(e) + (s > 0 ? s : 0) - label * s;
    }
    return withLoss ? total / rows.length : Number.NaN;
  }
  const p = new Float64Array(targets);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const lse = softmax(raw, r * targets, targets, p);
    const label = y[r]!;
    if (withLoss) total += lse - raw[r * targets + label]!;
    for (let t = 0; t < targets; t++) {
      const pt = p[t]!;
      grad[t]![r] = pt - (t === label ? 1 : 0);
      hess[t]![r] = Math.max(pt * (1 - pt), 1e-16);
    }
  }
  return withLoss ? total / rows.length : Number.NaN;
}

/** Mean loss over `rows`: RMSE for regression, mean log-loss for classification. */
export function meanLoss(kind: LossKind, raw: Float64Array, y: Float64Array, rows: Uint32Array, targets: number): number {
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (kind === 'squared_error') total += (raw[r]! - y[r]!) ** 2;
    else if (kind === 'binary') {
      const s = raw[r]!;
      total += softplus(s) - y[r]! * s;
    } else {
      const off = r * targets;
      let max = -Infinity;
      for (let t = 0; t < targets; t++) max = Math.max(max, raw[off + t]!);
      let sum = 0;
      for (let t = 0; t < targets; t++) sum += Math.exp(raw[off + t]! - max);
      total += max + Math.log(sum) - raw[off + y[r]!]!;
    }
  }
  const mean = total / rows.length;
  return kind === 'squared_error' ? Math.sqrt(mean) : mean;
}

/** The metric name of `meanLoss` for this loss. */
export function lossName(kind: LossKind): string {
  return kind === 'squared_error' ? 'rmse' : 'log_loss';
}

/** Numerically stable logistic function. */
export function sigmoid(s: number): number {
  if (s >= 0) return 1 / (1 + Math.exp(-s));
  const e = Math.exp(s);
  return e / (1 + e);
}

function softplus(s: number): number {
  return s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
}

/** out ← softmax(raw[off..off+k)); returns log Σ exp (the log-partition). */
export function softmax(raw: Float64Array, off: number, k: number, out: Float64Array): number {
  let max = -Infinity;
  for (let t = 0; t < k; t++) max = Math.max(max, raw[off + t]!);
  let sum = 0;
  for (let t = 0; t < k; t++) {
    const e = Math.exp(raw[off + t]! - max);
    out[t] = e;
    sum += e;
  }
  for (let t = 0; t < k; t++) out[t] = out[t]! / sum;
  return max + Math.log(sum);
}
