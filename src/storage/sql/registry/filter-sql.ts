import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { fail } from '../../../core/errors.js';
import type { FilterCompare, FilterExpr, FilterValue } from '../../../tracking/index.js';
import { likeToGlob } from '../filter-sql.js';
import type { SqlDialectName } from '../open-database.js';

/** How one search maps filter keys onto SQL. */
export interface FilterTarget {
  /** Attribute key (canonical, as the parser emits it) → qualified column. */
  readonly attributes: Readonly<Record<string, string>>;
  /** `tags.<key>` → a correlated subquery over the tag table, given a value condition on `t.value`. */
  tagExists(key: string, valueCondition: RawBuilder<SqlBool> | undefined): RawBuilder<SqlBool>;
}

/** Translates a parsed filter into one SQL boolean expression. */
export function filterToSql(expr: FilterExpr, target: FilterTarget, dialect: SqlDialectName): RawBuilder<SqlBool> {
  if (expr.kind !== 'compare') {
    const parts = expr.items.map((item) => sql`(${filterToSql(item, target, dialect)})`);
    return sql<SqlBool>`${sql.join(parts, sql.raw(expr.kind === 'and' ? ' and ' : ' or '))}`;
  }
  return compareToSql(expr, target, dialect);
}

function compareToSql(c: FilterCompare, target: FilterTarget, dialect: SqlDialectName): RawBuilder<SqlBool> {
  if (c.entity === 'tag') {
    // MLflow joins tags: `tags.k != 'v'` matches models that have tag k with another value.
    if (c.op === 'IS NULL') return sql<SqlBool>`not ${target.tagExists(c.key, undefined)}`;
    if (c.op === 'IS NOT NULL') return target.tagExists(c.key, undefined);
    return target.tagExists(c.key, condition(sql.ref('t.value'), c, dialect));
  }
  const column = c.entity === 'attribute' ? target.attributes[c.key] : undefined;
  if (!column) fail('INVALID_ARGUMENT', `filter: '${c.key}' cannot be searched here`, { field: 'filter', position: c.position });
  return condition(sql.ref(column), c, dialect);
}

function condition(column: RawBuilder<unknown> | ReturnType<typeof sql.ref>, c: FilterCompare, dialect: SqlDialectName): RawBuilder<SqlBool> {
  const v = c.value;
  switch (c.op) {
    case 'IS NULL':
      return sql<SqlBool>`${column} is null`;
    case 'IS NOT NULL':
      return sql<SqlBool>`${column} is not null`;
    case 'IN':
      return sql<SqlBool>`${column} in (${sql.join(list(v))})`;
    case 'NOT IN':
      return sql<SqlBool>`${column} not in (${sql.join(list(v))})`;
    case 'LIKE':
      // MLflow's LIKE is case-sensitive; SQLite's is not, so SQLite gets the equivalent GLOB.
      return dialect === 'sqlite' ? sql<SqlBool>`${column} glob ${likeToGlob(String(v))}` : sql<SqlBool>`${column} like ${String(v)}`;
    case 'ILIKE':
      return dialect === 'sqlite' ? sql<SqlBool>`lower(${column}) like lower(${String(v)})` : sql<SqlBool>`${column} ilike ${String(v)}`;
    default:
      return sql<SqlBool>`${column} ${sql.raw(c.op)} ${scalar(v)}`;
  }
}

function list(v: FilterValue): readonly (string | number)[] {
  return Array.isArray(v) ? v : [v as string | number];
}

function scalar(v: FilterValue): string | number {
  return Array.isArray(v) ? (v[0] as string | number) : (v as string | number);
}

