/**
 * The parsed form of MLflow's search-filter language (plus Paddock's `or` and parentheses).
 * One AST serves every consumer: the SQL stores translate it to SQL, the in-memory evaluator
 * (`matchesFilter`) runs it directly. Parsers normalise everything a consumer should not have
 * to re-check: entity prefixes (`metric.`/`metrics.` → 'metric'), attribute aliases
 * (`created` → 'start_time', `run_uuid` → 'run_id'), keyword case (`like` → 'LIKE'), and
 * value types (numbers for metrics and numeric attributes, strings for everything else).
 */

/** What a key names: a metric, param, tag, a built-in attribute, or a logged dataset's field. */
export type FilterEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

/** Comparison operators, upper-case; `IS NULL`/`IS NOT NULL` carry `value: null`. */
export type FilterOp =
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | 'LIKE'
  | 'ILIKE'
  | 'IN'
  | 'NOT IN'
  | 'IS NULL'
  | 'IS NOT NULL';

/** A literal on the right of a comparison: a scalar, a list (IN / NOT IN), or null (IS [NOT] NULL). */
export type FilterValue = string | number | readonly (string | number)[] | null;

/** One `entity.key op value` comparison. */
export interface FilterCompare {
  readonly kind: 'compare';
  readonly entity: FilterEntity;
  /** Unquoted key; for attributes and datasets, the canonical name (`start_time`, `name`, `digest`, `context`). */
  readonly key: string;
  readonly op: FilterOp;
  readonly value: FilterValue;
  /** 0-based offset of the comparison's first character in the filter text (for error messages). */
  readonly position: number;
}

/** A conjunction or disjunction; parsers never emit one with fewer than two items. */
export interface FilterJunction {
  readonly kind: 'and' | 'or';
  readonly items: readonly FilterExpr[];
}

/** A parsed filter. */
export type FilterExpr = FilterJunction | FilterCompare;

/** One `order_by` item, e.g. `metrics.auc DESC` → { entity: 'metric', key: 'auc', ascending: false }. */
export interface OrderClause {
  readonly entity: FilterEntity;
  readonly key: string;
  readonly ascending: boolean;
}
