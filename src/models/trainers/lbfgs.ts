/**
 * A deterministic limited-memory BFGS minimiser for smooth convex objectives (the logistic
 * regression trainer). Plain loops over Float64Arrays and a backtracking Armijo line search: no
 * randomness and no data-dependent iteration order, so the same inputs give the same bits.
 */

/** Objective: returns f(x) and writes ∇f(x) into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Stopping rules and the per-iteration callback. */
export interface LbfgsOptions {
  readonly maxIter: number;
  /** Converged when max |∇f| ≤ tol. */
  readonly tol: number;
  /** Correction pairs kept (default 10). */
  readonly memory?: number;
  /** Called after each accepted step with the iteration number (1-based) and f. */
  readonly onIteration?: (iteration: number, f: number) => void;
}

/** Where the minimiser stopped. */
export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Minimises `objective` from `x0` (not modified). */
export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const m = options.memory ?? 10;
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  let fx = objective(x, g);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  const d = new Float64Array(n);
  let iterations = 0;
  let converged = maxAbs(g) <= options.tol;
  while (!converged && iterations < options.maxIter) {
    direction(g, sList, yList, rhoList, d);
    let dg = dot(d, g);
    if (!(dg < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sList.length = yList.length = rhoList.length = 0;
      direction(g, sList, yList, rhoList, d);
      dg = dot(d, g);
    }
    const step = lineSearch(objective, x, fx, d, dg);
    if (!step) break; // no decrease possible at machine precision: as close as f can tell
    iterations++;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = step.x[i]! - x[i]!;
      y[i] = step.g[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (sList.length === m) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
      sList.push(s);
      yList.push(y);
      rhoList.push(1 / sy);
    }
    x = step.x;
    g = step.g;
    fx = step.f;
    options.onIteration?.(iterations, fx);
    converged = maxAbs(g) <= options.tol;
  }
  return { x, f: fx, iterations, converged };
}

/** d = −H·g by the two-loop recursion; with no pairs, a steepest-descent step of length ≤ 1. */
function direction(g: Float64Array, sList: Float64Array[], yList: Float64Array[], rhoList: number[], d: Float64Array): void {
  const n = g.length;
  for (let i = 0; i < n; i++) d[i] = -g[i]!;
  const k = sList.length;
  if (k === 0) {
    const norm = Math.sqrt(dot(g, g));
    if (norm > 1) for (let i = 0; i < n; i++) d[i] = d[i]! / norm;
    return;
  }
  const alpha = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    const a = rhoList[j]! * dot(sList[j]!, d);
    alpha[j] = a;
    axpy(-a, yList[j]!, d);
  }
  const sLast = sList[k - 1]!;
  const yLast = yList[k - 1]!;
  const gamma = dot(sLast, yLast) / dot(yLast, yLast);
  for (let i = 0; i < n; i++) d[i] = d[i]! * gamma;
  for (let j = 0; j < k; j++) {
    const b = rhoList[j]! * dot(yList[j]!, d);
    axpy(alpha[j]! - b, sList[j]!, d);
  }
}

/** Backtracking Armijo search along d from step 1; undefined when no step decreases f. */
function lineSearch(objective: Objective, x: Float64Array, fx: number, d: Float64Array, dg: number): { x: Float64Array; g: Float64Array; f: number } | undefined {
  const n = x.length;
  const xn = new Float64Array(n);
  const gn = new Float64Array(n);
  let alpha = 1;
  for (let tries = 0; tries < 60; tries++) {
    for (let i = 0; i < n; i++) xn[i] = x[i]! + alpha * d[i]!;
    const fn = objective(xn, gn);
    if (Number.isFinite(fn) && fn < fx && fn <= fx + 1e-4 * alpha * dg) return { x: xn, g: gn, f: fn };
    // f cannot tell this point from x: any progress left is below its rounding error.
    if (Math.abs(fn - fx) <= 4e-16 * Math.abs(fx)) return undefined;
    // Quadratic interpolation of f along d, kept within [0.1, 0.5] of the current step.
    const denom = 2 * (fn - fx - alpha * dg);
    const next = Number.isFinite(fn) && denom > 0 ? (-dg * alpha * alpha) / denom : alpha / 2;
    alpha = Math.min(0.5 * alpha, Math.max(0.1 * alpha, next));
  }
  return undefined;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = y[i]! + a * x[i]!;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
