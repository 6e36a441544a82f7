/** The target column as trainers take it: class indices (classification) or numbers (regression). */
import { fail } from '../../core/errors.js';
import type { ClassLabels, Task } from '../trainers/fitted-model.js';

/** The encoded target. */
export interface EncodedTarget {
  readonly y: Float64Array;
  /** Classification: the labels, sorted; y holds indices into them. */
  readonly classes?: ClassLabels;
}

/** More classes than this is almost surely a regression target or an id column. */
export const MAX_CLASSES = 100;

const label = (v: unknown): number | string => (typeof v === 'boolean' ? (v ? 1 : 0) : (v as number | string));

/** Encodes `values` of the column `name` for `task`; a missing or unusable value names its row. */
export function encodeTarget(values: readonly unknown[], task: Task, name: string): EncodedTarget {
  const missingAt = values.findIndex((v) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)));
  if (missingAt >= 0) fail('INVALID_ARGUMENT', `target column '${name}' has no value in row ${missingAt + 1}; filter such rows out before training`, { column: name, row: missingAt + 1 });
  return task === 'regression' ? encodeRegression(values, name) : encodeClasses(values, name);
}

function encodeRegression(values: readonly unknown[], name: string): EncodedTarget {
  const y = new Float64Array(values.length);
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail('INVALID_ARGUMENT', `target column '${name}' must be numeric for regression; row ${i + 1} has ${JSON.stringify(v)}`, { column: name, row: i + 1 });
    y[i] = v;
  });
  return { y };
}

function encodeClasses(values: readonly unknown[], name: string): EncodedTarget {
  const seen = new Set<number | string>();
  for (const v of values) {
    seen.add(label(v));
    if (seen.size > MAX_CLASSES) fail('INVALID_ARGUMENT', `target column '${name}' has more than ${MAX_CLASSES} distinct values; is it a regression target (--task regression)?`, { column: name });
  }
  const all = [...seen];
  let classes: ClassLabels;
  if (all.every((v) => typeof v === 'number')) {
    const bad = all.find((v) => !Number.isInteger(v));
    if (bad !== undefined) fail('INVALID_ARGUMENT', `target column '${name}' has the non-integer label ${bad}; class labels are integers or strings (or use --task regression)`, { column: name });
    classes = (all as number[]).sort((a, b) => a - b);
  } else {
    classes = all.map(String).sort();
  }
  if (classes.length < 2) fail('INVALID_ARGUMENT', `target column '${name}' has only one class (${String(classes[0])}); a classifier needs at least two`, { column: name });
  const index = new Map<string, number>((classes as readonly (number | string)[]).map((c, i) => [String(c), i]));
  const y = new Float64Array(values.length);
  values.forEach((v, i) => (y[i] = index.get(String(label(v)))!));
  return { y, classes };
}
