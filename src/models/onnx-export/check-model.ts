/**
 * Checks a fitted model before export, so a malformed model fails here with INVALID_ARGUMENT
 * naming the field, instead of producing a file onnxruntime rejects (or, worse, accepts and
 * computes something else with).
 */
import { fail } from '../../core/errors.js';
import type { ClassLabels, LinearModel, Task, Tree, TreeEnsemble } from '../trainers/fitted-model.js';
import type { CheckedClasses } from './graph-parts.js';

/** What export needs once a model is known to be well-formed. */
export interface CheckedModel {
  /** Rows of scores the model computes: 1 for regression and binary, K for K > 2 classes. */
  readonly targets: number;
  /** Classification only. */
  readonly classes?: CheckedClasses;
}

function bad(kind: string, field: string, message: string, details: Record<string, unknown> = {}): never {
  return fail('INVALID_ARGUMENT', `cannot export ${kind} model to ONNX: ${field} ${message}`, { field, ...details });
}

/** Every value must survive the float32 rounding ONNX's float attributes apply. */
function checkFinite(kind: string, field: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(Math.fround(values[i]!))) bad(kind, field, `[${i}] is ${values[i]}; every value must be a finite float32`, { index: i });
  }
}

function checkClasses(kind: string, task: Task, classes: ClassLabels | undefined): CheckedClasses | undefined {
  if (task === 'regression') {
    if (classes !== undefined) bad(kind, 'classes', 'is set on a regression model; only classification models have classes');
    return undefined;
  }
  if (task !== 'classification') bad(kind, 'task', `is '${String(task)}'; expected 'classification' or 'regression'`);
  if (classes === undefined || classes.length < 2) bad(kind, 'classes', `has ${classes?.length ?? 0} labels; a classifier needs at least 2`);
  const values: readonly (number | string)[] = classes;
  if (new Set(values).size !== values.length) bad(kind, 'classes', `has duplicate labels (${values.join(', ')})`);
  if (values.every((c) => typeof c === 'string')) return { kind: 'strings', values: values as readonly string[] };
  values.forEach((c, i) => {
    if (typeof c !== 'number' || !Number.isSafeInteger(c)) {
      bad(kind, 'classes', `[${i}] is ${JSON.stringify(c)}; numeric labels must be integers (ONNX writes them as int64), or make every label a string`, { index: i });
    }
  });
  return { kind: 'ints', values: values as readonly number[] };
}

/** The number of score rows the task and classes call for. */
function expectedTargets(classes: CheckedClasses | undefined): number {
  const k = classes?.values.length ?? 1;
  return k <= 2 ? 1 : k;
}

function checkFeatures(kind: string, features: number): void {
  if (!Number.isSafeInteger(features) || features < 1) bad(kind, 'features', `is ${features}; expected a positive integer`);
}

/** Checks a linear model: coefficients are targets × features, one intercept per target. */
export function checkLinear(model: LinearModel): CheckedModel {
  const kind = 'linear';
  checkFeatures(kind, model.features);
  const classes = checkClasses(kind, model.task, model.classes);
  const targets = expectedTargets(classes);
  if (model.intercepts.length !== targets) {
    bad(kind, 'intercepts', `has ${model.intercepts.length} values; expected ${targets} (one per target row)`, { expected: targets, given: model.intercepts.length });
  }
  const expected = targets * model.features;
  if (model.coefficients.length !== expected) {
    bad(kind, 'coefficients', `has ${model.coefficients.length} values; expected targets × features = ${targets} × ${model.features} = ${expected}`, { expected, given: model.coefficients.length });
  }
  checkFinite(kind, 'coefficients', model.coefficients);
  checkFinite(kind, 'intercepts', model.intercepts);
  return classes === undefined ? { targets } : { targets, classes };
}

/**
 * One tree: equal-length arrays, features in range, float32 thresholds, and every node reached
 * exactly once from the root (no cycles, shared or orphaned nodes), so ONNX's node ids are
 * the array indices and the graph walk matches the trainer's.
 */
function checkTree(tree: Tree, t: number, features: number): void {
  const kind = 'tree';
  const n = tree.feature.length;
  const where = `trees[${t}]`;
  if (n === 0) bad(kind, `${where}.feature`, 'is empty; a tree needs at least a root leaf', { tree: t });
  for (const field of ['threshold', 'left', 'right', 'value'] as const) {
    if (tree[field].length !== n) bad(kind, `${where}.${field}`, `has ${tree[field].length} entries; expected ${n} (one per node, like feature)`, { tree: t });
  }
  const seen = new Uint8Array(n);
  const stack = [0];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (seen[i] === 1) bad(kind, `${where}.left/right`, `reach node ${i} twice; the nodes must form a tree`, { tree: t, node: i });
    seen[i] = 1;
    const f = tree.feature[i]!;
    if (f === -1) {
      if (!Number.isFinite(Math.fround(tree.value[i]!))) bad(kind, `${where}.value`, `[${i}] is ${tree.value[i]}; leaf values must be finite float32`, { tree: t, node: i });
      continue;
    }
    if (f < 0 || f >= features) bad(kind, `${where}.feature`, `[${i}] is ${f}; expected -1 (leaf) or a feature index below ${features}`, { tree: t, node: i });
    const th = tree.threshold[i]!;
    if (!Number.isFinite(th) || Math.fround(th) !== th) {
      bad(kind, `${where}.threshold`, `[${i}] is ${th}; thresholds must be finite and float32-representable (Math.fround) so ONNX splits exactly as trained`, { tree: t, node: i });
    }
    for (const side of ['left', 'right'] as const) {
      const c = tree[side][i]!;
      if (c < 0 || c >= n) bad(kind, `${where}.${side}`, `[${i}] is ${c}; expected a node index below ${n}`, { tree: t, node: i });
      stack.push(c);
    }
  }
  const orphan = seen.indexOf(0);
  if (orphan !== -1) bad(kind, `${where}`, `has node ${orphan} that the root never reaches`, { tree: t, node: orphan });
}

/** Checks a tree ensemble: one base score per target, each tree well-formed and aimed at a target. */
export function checkTrees(model: TreeEnsemble): CheckedModel {
  const kind = 'tree';
  checkFeatures(kind, model.features);
  const classes = checkClasses(kind, model.task, model.classes);
  const targets = expectedTargets(classes);
  if (model.baseScore.length !== targets) {
    bad(kind, 'baseScore', `has ${model.baseScore.length} values; expected ${targets} (one per target)`, { expected: targets, given: model.baseScore.length });
  }
  checkFinite(kind, 'baseScore', model.baseScore);
  if (model.treeTargets.length !== model.trees.length) {
    bad(kind, 'treeTargets', `has ${model.treeTargets.length} entries; expected ${model.trees.length} (one per tree)`, { expected: model.trees.length, given: model.treeTargets.length });
  }
  model.treeTargets.forEach((target, t) => {
    if (target < 0 || target >= targets) bad(kind, 'treeTargets', `[${t}] is ${target}; expected a target index below ${targets}`, { tree: t });
  });
  model.trees.forEach((tree, t) => checkTree(tree, t, model.features));
  return classes === undefined ? { targets } : { targets, classes };
}
