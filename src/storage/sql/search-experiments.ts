import { sql, type RawBuilder } from 'kysely';
import { fail } from '../../core/errors.js';
import { parseExperimentFilter, parseExperimentOrderBy, type Experiment, type Page, type SearchExperimentsQuery } from '../../tracking/index.js';
import { toExperiments } from './experiments.js';
import { filterToSql, type FilterTarget } from './filter-sql.js';
import { decodePageToken, encodePageToken, queryFingerprint } from './page-token.js';
import { orderColumn, stagesOf } from './search-runs.js';
import type { StoreContext } from './store-context.js';
import { checkMaxResults } from './tracking-validation.js';

const DEFAULT_MAX_RESULTS = 1000;
const MAX_RESULTS = 50_000;

const EXPERIMENT_COLUMNS = {
  name: { column: 'experiments.name', type: 'string' },
  experiment_id: { column: 'experiments.experiment_id', type: 'number' },
  creation_time: { column: 'experiments.creation_time', type: 'number' },
  last_update_time: { column: 'experiments.last_update_time', type: 'number' },
} as const;

/**
 * MLflow's search-experiments: filter on name, times and tags (plus `or` and parentheses),
 * ordered by the given keys, then (MLflow's default) creation_time DESC, and experiment_id.
 */
export async function searchExperiments(ctx: StoreContext, query: SearchExperimentsQuery): Promise<Page<Experiment>> {
  const stages = stagesOf(query.viewType);
  const filter = parseExperimentFilter(query.filter ?? '');
  const order = parseExperimentOrderBy(query.orderBy ?? []);
  const limit = checkMaxResults(query.maxResults, DEFAULT_MAX_RESULTS, MAX_RESULTS);
  const fingerprint = queryFingerprint(['experiments', stages, query.filter ?? '', query.orderBy ?? []]);
  const offset = decodePageToken(query.pageToken, fingerprint);
  const target: FilterTarget = {
    dialect: ctx.dialect, idColumn: 'experiments.experiment_id', attributes: EXPERIMENT_COLUMNS,
    keyValueTables: { tag: { table: 'experiment_tags', id: 'experiment_id' } },
  };
  let q = ctx.db.selectFrom('experiments').selectAll().where('lifecycle_stage', 'in', stages);
  if (filter) q = q.where(filterToSql(filter, target));
  const terms: RawBuilder<unknown>[] = order.map((c) => {
    const col = EXPERIMENT_COLUMNS[c.key as keyof typeof EXPERIMENT_COLUMNS];
    if (c.entity !== 'attribute' || !col) fail('INVALID_ARGUMENT', `cannot order experiments by ${c.entity} '${c.key}'`, { field: 'order_by' });
    return sql`${orderColumn(col.column, col.type, ctx.dialect)} ${sql.raw(c.ascending ? 'asc' : 'desc')}`;
  });
  if (order.length === 0) terms.push(sql`experiments.creation_time desc`);
  if (!order.some((c) => c.key === 'experiment_id')) terms.push(sql`experiments.experiment_id asc`);
  const rows = await q.orderBy(sql.join(terms) as never).limit(limit + 1).offset(offset).execute();
  const items = await toExperiments(ctx.db, rows.slice(0, limit).map((r) => ({ ...r, experiment_id: Number(r.experiment_id) })));
  return rows.length > limit ? { items, nextPageToken: encodePageToken(offset + limit, fingerprint) } : { items };
}
