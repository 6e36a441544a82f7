import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { fail } from '../../core/errors.js';
import { parseOrderBy, parseRunFilter, type FilterCompare, type FilterExpr, type OrderClause, type Page, type Run, type SearchRunsQuery, type ViewType } from '../../tracking/index.js';
import { compareColumn, filterToSql, type FilterTarget } from './filter-sql.js';
import type { SqlDialectName } from './open-database.js';
import { decodePageToken, encodePageToken, queryFingerprint } from './page-token.js';
import { loadRunData } from './run-data.js';
import type { StoreContext } from './store-context.js';
import { checkMaxResults } from './tracking-validation.js';

/** MLflow's search-runs page size default and cap. */
const DEFAULT_MAX_RESULTS = 1000;
const MAX_RESULTS = 50_000;

/** Filterable and orderable run attributes → columns of `runs`. */
const RUN_ATTRIBUTES = {
  run_id: { column: 'runs.run_uuid', type: 'string' },
  run_name: { column: 'runs.name', type: 'string' },
  user_id: { column: 'runs.user_id', type: 'string' },
  status: { column: 'runs.status', type: 'string' },
  artifact_uri: { column: 'runs.artifact_uri', type: 'string' },
  start_time: { column: 'runs.start_time', type: 'number' },
  end_time: { column: 'runs.end_time', type: 'number' },
} as const;

/** Tables backing each keyed entity of a run filter. */
const ENTITY_TABLES = {
  metric: { table: 'latest_metrics', id: 'run_uuid' },
  param: { table: 'params', id: 'run_uuid' },
  tag: { table: 'tags', id: 'run_uuid' },
} as const;

/** Lifecycle stages a view type selects. */
export function stagesOf(viewType: ViewType | undefined): string[] {
  if (viewType === undefined || viewType === 'ACTIVE_ONLY') return ['active'];
  if (viewType === 'DELETED_ONLY') return ['deleted'];
  if (viewType === 'ALL') return ['active', 'deleted'];
  return fail('INVALID_ARGUMENT', `run_view_type must be ACTIVE_ONLY, DELETED_ONLY or ALL (got '${String(viewType)}')`, { field: 'run_view_type' });
}

/**
 * MLflow's search-runs over the SQL schema: filter (plus `or` and parentheses) → WHERE, order_by
 * → LEFT JOINs on the ordered keys with absent values last, then start_time DESC and run_uuid
 * (unique) so offsets page stably.
 */
export async function searchRuns(ctx: StoreContext, query: SearchRunsQuery): Promise<Page<Run>> {
  const expIds = experimentIds(query.experimentIds);
  const stages = stagesOf(query.viewType);
  const filter = parseRunFilter(query.filter ?? '');
  const order = parseOrderBy(query.orderBy ?? []);
  const limit = checkMaxResults(query.maxResults, DEFAULT_MAX_RESULTS, MAX_RESULTS);
  const fingerprint = queryFingerprint([expIds, stages, query.filter ?? '', query.orderBy ?? []]);
  const offset = decodePageToken(query.pageToken, fingerprint);
  if (expIds.length === 0) return { items: [] };
  const target: FilterTarget = { dialect: ctx.dialect, idColumn: 'runs.run_uuid', attributes: RUN_ATTRIBUTES, keyValueTables: ENTITY_TABLES };

  let q = ctx.db.selectFrom('runs').selectAll('runs')
    .where('runs.experiment_id', 'in', expIds).where('runs.lifecycle_stage', 'in', stages);
  const first = order[0]?.entity === 'metric' ? requiredMetric(filter, order[0].key) : undefined;
  const rest = first ? first.rest : filter;
  if (rest) q = q.where(filterToSql(rest, first ? { ...target, correlated: true } : target));
  const orderTerms: RawBuilder<unknown>[] = [];
  order.forEach((clause, i) => {
    const joined = orderJoin(clause, i);
    if (joined && i === 0 && first) {
      // The filter already demands a number for this metric: an inner join whose condition is
      // that comparison, ordered by the value alone, lets the engine walk the (key, value)
      // index in order and stop after one page instead of sorting every match.
      const on = sql<SqlBool>`o0.run_uuid = runs.run_uuid and o0.key = ${clause.key} and ${compareColumn('o0.value', first.compare, ctx.dialect, 'number')}`;
      q = q.innerJoin(sql`latest_metrics`.as('o0'), (j) => j.on(on)) as unknown as typeof q;
      orderTerms.push(sql`${sql.ref('o0.value')} ${sql.raw(clause.ascending ? 'asc' : 'desc')}`);
      return;
    }
    if (joined) {
      const on = sql<SqlBool>`${sql.ref(`${joined.alias}.run_uuid`)} = runs.run_uuid and ${sql.ref(`${joined.alias}.key`)} = ${clause.key}`;
      q = q.leftJoin(sql`${sql.table(joined.table)}`.as(joined.alias), (j) => j.on(on)) as unknown as typeof q;
    }
    orderTerms.push(...orderBy(clause, i, ctx.dialect));
  });
  if (!order.some((c) => c.entity === 'attribute' && c.key === 'start_time')) orderTerms.push(sql`runs.start_time desc`);
  orderTerms.push(sql`runs.run_uuid asc`);
  const rows = await q.orderBy(sql.join(orderTerms) as never).limit(limit + 1).offset(offset).execute();
  const page = rows.slice(0, limit);
  const items = await loadRunData(ctx.db, page);
  return rows.length > limit ? { items, nextPageToken: encodePageToken(offset + limit, fingerprint) } : { items };
}

function experimentIds(ids: readonly string[] | undefined): number[] {
  if (!Array.isArray(ids)) fail('INVALID_ARGUMENT', 'experiment_ids must be a list of experiment ids', { field: 'experiment_ids' });
  // Unknown ids match nothing, as in MLflow; ids that cannot be ids are a caller error.
  return ids.map((id) => {
    if (typeof id !== 'string' || !/^\d{1,15}$/.test(id)) fail('INVALID_ARGUMENT', `experiment_ids: '${String(id)}' is not an experiment id`, { field: 'experiment_ids' });
    return Number(id);
  });
}

function orderJoin(clause: OrderClause, i: number): { table: string; alias: string } | undefined {
  if (clause.entity === 'attribute' || clause.entity === 'dataset') return undefined;
  return { table: ENTITY_TABLES[clause.entity].table, alias: `o${i}` };
}

/**
 * SQL order terms for one clause. Absent values sort last in both directions and NaN metrics
 * just before them (MLflow); both engines get the same CASE rank, not NULLS LAST, which
 * SQLite only learnt in 3.30 and which could not place NaN.
 */
function orderBy(clause: OrderClause, i: number, dialect: SqlDialectName): RawBuilder<unknown>[] {
  const dir = sql.raw(clause.ascending ? 'asc' : 'desc');
  if (clause.entity === 'attribute') {
    const attr = RUN_ATTRIBUTES[clause.key as keyof typeof RUN_ATTRIBUTES];
    if (!attr) fail('INVALID_ARGUMENT', `cannot order runs by attribute '${clause.key}'`, { field: 'order_by' });
    const col = sql.ref(attr.column);
    return [sql`case when ${col} is null then 1 else 0 end`, sql`${orderColumn(attr.column, attr.type, dialect)} ${dir}`];
  }
  if (clause.entity === 'dataset') fail('INVALID_ARGUMENT', 'runs cannot be ordered by a dataset field', { field: 'order_by' });
  const alias = `o${i}`;
  const value = orderColumn(`${alias}.value`, clause.entity === 'metric' ? 'number' : 'string', dialect);
  const rank = clause.entity === 'metric'
    ? sql`case when ${sql.ref(`${alias}.run_uuid`)} is null then 2 when ${sql.ref(`${alias}.is_nan`)} = 1 then 1 else 0 end`
    : sql`case when ${sql.ref(`${alias}.run_uuid`)} is null then 1 else 0 end`;
  return [rank, sql`${value} ${dir}`];
}

/**
 * A column to order by. Strings sort by code point on both engines: SQLite compares bytes, and
 * Postgres would otherwise use the database's locale collation ('alpha' before 'Alpine').
 */
export function orderColumn(column: string, type: 'string' | 'number', dialect: SqlDialectName): RawBuilder<unknown> {
  return type === 'string' && dialect === 'postgres' ? sql`${sql.ref(column)} collate "C"` : sql`${sql.ref(column)}`;
}

/** Comparisons that hold only for a present, non-NaN value (`!=` also holds for NaN). */
const VALUE_OPS = new Set(['=', '>', '>=', '<', '<=']);

/**
 * When the filter's top level requires metric `key` to be a number (a comparison ANDed with
 * the rest), that comparison and the rest of the filter; otherwise undefined.
 */
export function requiredMetric(filter: FilterExpr | undefined, key: string): { compare: FilterCompare; rest: FilterExpr | undefined } | undefined {
  if (!filter) return undefined;
  const items = filter.kind === 'and' ? filter.items : [filter];
  const index = items.findIndex((e) => e.kind === 'compare' && e.entity === 'metric' && e.key === key && VALUE_OPS.has(e.op) && typeof e.value === 'number');
  if (index < 0) return undefined;
  const others = items.filter((_, i) => i !== index);
  const rest = others.length === 0 ? undefined : others.length === 1 ? others[0] : { kind: 'and' as const, items: others };
  return { compare: items[index] as FilterCompare, rest };
}
