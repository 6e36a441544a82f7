/**
 * The in-memory evaluator, with MLflow's semantics (SearchUtils._does_run_match_clause):
 * a comparison on a key the subject lacks is false, whatever the operator (so `tags.x != 'a'`
 * does not match runs without tag x), except IS NULL; numbers compare numerically, so a NaN
 * metric fails every comparison but `!=`; a dataset comparison holds when any logged dataset
 * satisfies it.
 */
import type { FilterCompare, FilterExpr, FilterValue } from './ast.js';
import { sqlLike } from './like.js';

/** A searchable object flattened to what filters look at. Missing maps count as empty. */
export interface FilterSubject {
  /** Latest value per metric key. */
  readonly metrics?: Readonly<Record<string, number>>;
  readonly params?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
  /** Attributes by canonical filter key (`start_time`, `run_name`, `source_path`, …); null/undefined = absent. */
  readonly attributes?: Readonly<Record<string, string | number | null | undefined>>;
  /** Logged datasets (runs only); `context` is the input's `mlflow.data.context` tag. */
  readonly datasets?: readonly { readonly name: string; readonly digest: string; readonly context?: string }[];
}

type Scalar = string | number;

function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function compareScalar(lhs: Scalar, op: FilterCompare['op'], rhs: FilterValue): boolean {
  switch (op) {
    case '=':
      return lhs === rhs;
    case '!=':
      // NaN !== NaN, so a NaN metric satisfies `!=` as in Python.
      return lhs !== rhs;
    case '>':
      return lhs > (rhs as Scalar);
    case '>=':
      return lhs >= (rhs as Scalar);
    case '<':
      return lhs < (rhs as Scalar);
    case '<=':
      return lhs <= (rhs as Scalar);
    case 'LIKE':
      return sqlLike(String(lhs), String(rhs));
    case 'ILIKE':
      return sqlLike(String(lhs), String(rhs), true);
    case 'IN':
      return (rhs as readonly Scalar[]).includes(lhs);
    case 'NOT IN':
      return !(rhs as readonly Scalar[]).includes(lhs);
    default:
      return false;
  }
}

/** Applies one comparison to a value that may be absent. */
function test(lhs: Scalar | null | undefined, cmp: FilterCompare): boolean {
  if (cmp.op === 'IS NULL') return lhs === undefined || lhs === null;
  if (cmp.op === 'IS NOT NULL') return lhs !== undefined && lhs !== null;
  if (lhs === undefined || lhs === null) return false;
  return compareScalar(lhs, cmp.op, cmp.value);
}

function matchesCompare(cmp: FilterCompare, subject: FilterSubject): boolean {
  switch (cmp.entity) {
    case 'metric':
      return test(own(subject.metrics, cmp.key), cmp);
    case 'param':
      return test(own(subject.params, cmp.key), cmp);
    case 'tag':
      return test(own(subject.tags, cmp.key), cmp);
    case 'attribute':
      return test(own(subject.attributes, cmp.key), cmp);
    case 'dataset':
      return (subject.datasets ?? []).some((d) => {
        const value = cmp.key === 'name' ? d.name : cmp.key === 'digest' ? d.digest : d.context;
        return value !== undefined && test(value, cmp);
      });
  }
}

/** Whether `subject` satisfies `expr`; an absent filter (undefined) matches everything. */
export function matchesFilter(expr: FilterExpr | undefined, subject: FilterSubject): boolean {
  if (expr === undefined) return true;
  switch (expr.kind) {
    case 'and':
      return expr.items.every((item) => matchesFilter(item, subject));
    case 'or':
      return expr.items.some((item) => matchesFilter(item, subject));
    case 'compare':
      return matchesCompare(expr, subject);
  }
}
