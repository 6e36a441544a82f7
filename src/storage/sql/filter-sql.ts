import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { fail } from '../../core/errors.js';
import type { FilterCompare, FilterExpr, FilterValue } from '../../tracking/index.js';
import type { SqlDialectName } from './open-database.js';

/** Where each attribute a filter may name lives, as a column of the searched table. */
export type AttributeColumns = Readonly<Record<string, { readonly column: string; readonly type: 'string' | 'number' }>>;

/** How a search maps filter entities to SQL for one searched table. */
export interface FilterTarget {
  readonly dialect: SqlDialectName;
  /** The searched table's id column, e.g. `runs.run_uuid`. */
  readonly idColumn: string;
  readonly attributes: AttributeColumns;
  /** Key/value tables per entity: id column name and, for metrics, how NaN is flagged. */
  readonly keyValueTables: Partial<Record<'metric' | 'param' | 'tag', { readonly table: string; readonly id: string }>>;
  /**
   * Correlated EXISTS probes instead of `id IN (subquery)`: right when the outer query walks an
   * index in ORDER BY order and stops after a page (each row probed by primary key), wrong when
   * the outer query must visit every row (then one pass over the (key, value) index is cheaper).
   */
  readonly correlated?: boolean;
}

/**
 * Translates a parsed filter to one SQL boolean with the evaluator's semantics
 * (tracking/search/evaluate.ts, itself MLflow's): a comparison on a key the row lacks is false,
 * except IS NULL; NaN metrics (stored as NULL with is_nan = 1) fail every comparison but `!=`.
 * Keyed entities become `id IN (SELECT id FROM <table> WHERE key = ? AND <cond>)`: the inner
 * query walks the (key, value) index once, whatever the size of the outer table (or, with
 * `correlated`, EXISTS probes).
 */
export function filterToSql(expr: FilterExpr, target: FilterTarget): RawBuilder<SqlBool> {
  switch (expr.kind) {
    case 'and':
    case 'or': {
      const parts = expr.items.map((item) => sql`(${filterToSql(item, target)})`);
      return sql<SqlBool>`${sql.join(parts, sql.raw(expr.kind === 'and' ? ' and ' : ' or '))}`;
    }
    case 'compare':
      return compareToSql(expr, target);
  }
}

function compareToSql(c: FilterCompare, target: FilterTarget): RawBuilder<SqlBool> {
  const id = sql.ref(target.idColumn);
  switch (c.entity) {
    case 'attribute': {
      const attr = target.attributes[c.key];
      if (!attr) return unsupported(c);
      return condition(sql.ref(attr.column), c, target.dialect, attr.type);
    }
    case 'metric':
    case 'param':
    case 'tag': {
      const kv = target.keyValueTables[c.entity];
      if (!kv) return unsupported(c);
      const kvId = sql.ref(`kv.${kv.id}`);
      let cond = condition(sql.ref('kv.value'), c, target.dialect, c.entity === 'metric' ? 'number' : 'string');
      if (c.entity === 'metric' && c.op === '!=') cond = sql<SqlBool>`(${cond} or kv.is_nan = 1)`;
      const presence = c.op === 'IS NULL' || c.op === 'IS NOT NULL';
      const where = presence ? sql`kv.key = ${c.key}` : sql`kv.key = ${c.key} and ${cond}`;
      const negate = c.op === 'IS NULL';
      if (target.correlated) {
        const sub = sql`select 1 from ${sql.table(kv.table)} as kv where ${kvId} = ${id} and ${where}`;
        return negate ? sql<SqlBool>`not exists (${sub})` : sql<SqlBool>`exists (${sub})`;
      }
      const sub = sql`select ${kvId} from ${sql.table(kv.table)} as kv where ${where}`;
      return negate ? sql<SqlBool>`${id} not in (${sub})` : sql<SqlBool>`${id} in (${sub})`;
    }
    case 'dataset':
      return datasetToSql(c, target);
  }
}

/** `column op value` for one comparison on an arbitrary column (search planners use it). */
export function compareColumn(column: string, c: FilterCompare, dialect: SqlDialectName, type: 'string' | 'number'): RawBuilder<SqlBool> {
  return condition(sql.ref(column), c, dialect, type);
}

/** Datasets: true when any dataset the run logged satisfies the comparison. */
function datasetToSql(c: FilterCompare, target: FilterTarget): RawBuilder<SqlBool> {
  if (target.idColumn !== 'runs.run_uuid') return unsupported(c);
  const id = sql.ref(target.idColumn);
  if (c.key === 'context') {
    const cond = condition(sql.ref('input_tags.value'), c, target.dialect, 'string');
    return sql<SqlBool>`${id} in (select input_tags.run_uuid from input_tags where input_tags.key = ${'mlflow.data.context'} and ${cond})`;
  }
  if (c.key !== 'name' && c.key !== 'digest') return unsupported(c);
  const cond = condition(sql.ref(`datasets.${c.key}`), c, target.dialect, 'string');
  return sql<SqlBool>`${id} in (select inputs.run_uuid from inputs join datasets on datasets.dataset_uuid = inputs.dataset_uuid where ${cond})`;
}

/** `column op value` for one column; NULL columns make it false (SQL's unknown), as absent keys. */
function condition(column: RawBuilder<unknown> | ReturnType<typeof sql.ref>, c: FilterCompare, dialect: SqlDialectName, type: 'string' | 'number'): RawBuilder<SqlBool> {
  const v = (x: FilterValue) => literal(x, type, c);
  switch (c.op) {
    case '=': case '!=': case '>': case '>=': case '<': case '<=':
      return sql<SqlBool>`${column} ${sql.raw(c.op)} ${v(c.value)}`;
    case 'LIKE':
      // SQLite's LIKE ignores ASCII case; GLOB is its case-sensitive matcher. Postgres LIKE
      // treats backslash as an escape unless told otherwise; the language has no escapes.
      return dialect === 'sqlite'
        ? sql<SqlBool>`${column} glob ${likeToGlob(String(c.value))}`
        : sql<SqlBool>`${column} like ${String(c.value)} escape ''`;
    case 'ILIKE':
      return dialect === 'sqlite'
        ? sql<SqlBool>`lower(${column}) like lower(${String(c.value)})`
        : sql<SqlBool>`${column} ilike ${String(c.value)} escape ''`;
    case 'IN':
    case 'NOT IN': {
      const list = Array.isArray(c.value) ? c.value : [c.value];
      if (list.length === 0) return c.op === 'IN' ? sql<SqlBool>`1 = 0` : sql<SqlBool>`${column} is not null`;
      return sql<SqlBool>`${column} ${sql.raw(c.op === 'IN' ? 'in' : 'not in')} (${sql.join(list.map((x) => v(x)))})`;
    }
    case 'IS NULL':
      return sql<SqlBool>`${column} is null`;
    case 'IS NOT NULL':
      return sql<SqlBool>`${column} is not null`;
  }
}

/**
 * A bound literal. Numbers are cast to double precision so Postgres does not infer a bigint
 * parameter from an integer column and then reject `1.5`; strings stay text.
 */
function literal(value: FilterValue, type: 'string' | 'number', c: FilterCompare): RawBuilder<unknown> {
  if (type === 'number') {
    if (typeof value !== 'number') return fail('INVALID_ARGUMENT', `${c.entity} '${c.key}' compares with a number, got '${String(value)}'`, { field: 'filter', position: c.position });
    return sql`cast(${value} as double precision)`;
  }
  return sql`${String(value)}`;
}

/** A LIKE pattern as a GLOB pattern: % → *, _ → ?, GLOB's own specials made literal. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '%') out += '*';
    else if (ch === '_') out += '?';
    else if (ch === '*' || ch === '?' || ch === '[') out += `[${ch}]`;
    else out += ch;
  }
  return out;
}

function unsupported(c: FilterCompare): never {
  return fail('INVALID_ARGUMENT', `cannot filter on ${c.entity} '${c.key}' here`, { field: 'filter', position: c.position });
}
