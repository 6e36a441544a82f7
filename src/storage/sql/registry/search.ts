import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { fail } from '../../../core/errors.js';
import type { ModelVersion, RegisteredModel } from '../../../registry/index.js';
import { parseModelFilter, parseModelOrderBy, parseModelVersionFilter, parseModelVersionOrderBy, type OrderClause, type Page } from '../../../tracking/index.js';
import { decodePageToken, encodePageToken, queryFingerprint } from '../page-token.js';
import { filterToSql, type FilterTarget } from './filter-sql.js';
import { loadModels, loadVersions } from './read-registry.js';
import type { RegistryContext } from './registry-context.js';

/** A registry search request (RegistryStore.searchModels / searchVersions). */
export interface RegistrySearch {
  readonly filter?: string;
  readonly maxResults?: number;
  readonly orderBy?: readonly string[];
  readonly pageToken?: string;
}

// MLflow's defaults and ceilings (mlflow/store/model_registry/__init__.py).
const MODELS_LIMITS = { default: 100, max: 1000 };
const VERSIONS_LIMITS = { default: 10_000, max: 200_000 };

const MODEL_COLUMNS: Readonly<Record<string, string>> = { name: 'm.name', creation_timestamp: 'm.creation_time', last_updated_timestamp: 'm.last_updated_time' };
const VERSION_COLUMNS: Readonly<Record<string, string>> = {
  ...MODEL_COLUMNS,
  name: 'm.name',
  version_number: 'v.version',
  run_id: 'v.run_id',
  source_path: 'v.source',
  creation_timestamp: 'v.creation_time',
  last_updated_timestamp: 'v.last_updated_time',
};

const MODEL_TARGET: FilterTarget = {
  attributes: MODEL_COLUMNS,
  tagExists: (key, cond) => sql<SqlBool>`exists (select 1 from registered_model_tags t where t.model_id = m.model_id and t.key = ${key}${cond ? sql` and ${cond}` : sql``})`,
};
const VERSION_TARGET: FilterTarget = {
  attributes: VERSION_COLUMNS,
  tagExists: (key, cond) => sql<SqlBool>`exists (select 1 from model_version_tags t where t.model_id = v.model_id and t.version = v.version and t.key = ${key}${cond ? sql` and ${cond}` : sql``})`,
};

/** search-registered-models: MLflow's filter (plus or/parentheses), order by name ASC by default. */
export async function searchModels(ctx: RegistryContext, q: RegistrySearch = {}): Promise<Page<RegisteredModel>> {
  const limit = maxResults(q.maxResults, MODELS_LIMITS);
  const filter = parseModelFilter(q.filter ?? '');
  const order = [...parseModelOrderBy(q.orderBy ?? []), ...(q.orderBy?.length ? [] : [{ entity: 'attribute', key: 'name', ascending: true } as const])];
  const fingerprint = queryFingerprint(['models', q.filter ?? '', q.orderBy ?? []]);
  const offset = decodePageToken(q.pageToken, fingerprint);
  let query = ctx.db.selectFrom('registered_models as m').selectAll('m');
  if (filter) query = query.where(filterToSql(filter, MODEL_TARGET, ctx.dialect));
  for (const o of order) query = query.orderBy(orderColumn(o, MODEL_COLUMNS), o.ascending ? 'asc' : 'desc');
  const rows = await query.orderBy('m.name').limit(limit + 1).offset(offset).execute();
  const items = await loadModels(ctx.db, rows.slice(0, limit));
  return page(items, rows.length > limit, offset + limit, fingerprint);
}

/**
 * search-model-versions: filter on name, run_id, source_path, version_number and tags; order by
 * last_updated_timestamp DESC, name ASC, version_number DESC by default (as MLflow).
 */
export async function searchVersions(ctx: RegistryContext, q: RegistrySearch = {}): Promise<Page<ModelVersion>> {
  const limit = maxResults(q.maxResults, VERSIONS_LIMITS);
  const filter = parseModelVersionFilter(q.filter ?? '');
  const order: readonly OrderClause[] = q.orderBy?.length
    ? parseModelVersionOrderBy(q.orderBy)
    : [{ entity: 'attribute', key: 'last_updated_timestamp', ascending: false }];
  const fingerprint = queryFingerprint(['versions', q.filter ?? '', q.orderBy ?? []]);
  const offset = decodePageToken(q.pageToken, fingerprint);
  let query = ctx.db.selectFrom('model_versions as v').innerJoin('registered_models as m', 'm.model_id', 'v.model_id').selectAll('v').select('m.name as model_name');
  if (filter) query = query.where(filterToSql(filter, VERSION_TARGET, ctx.dialect));
  for (const o of order) query = query.orderBy(orderColumn(o, VERSION_COLUMNS), o.ascending ? 'asc' : 'desc');
  // A unique tail makes offsets stable between pages.
  const rows = await query.orderBy('m.name').orderBy('v.version', 'desc').limit(limit + 1).offset(offset).execute();
  const shown = rows.slice(0, limit);
  const names = new Map(shown.map((r) => [r.model_id, r.model_name]));
  const items = await loadVersions(ctx.db, shown.map(({ model_name: _n, ...row }) => row), names);
  return page(items, rows.length > limit, offset + limit, fingerprint);
}

function orderColumn(o: OrderClause, columns: Readonly<Record<string, string>>): RawBuilder<unknown> {
  const column = o.entity === 'attribute' ? columns[o.key] : undefined;
  if (!column) fail('INVALID_ARGUMENT', `order_by: cannot order by '${o.key}'`, { field: 'order_by' });
  return sql.ref(column) as unknown as RawBuilder<unknown>;
}

function maxResults(value: number | undefined, limits: { default: number; max: number }): number {
  if (value === undefined || value === null) return limits.default;
  if (!Number.isSafeInteger(value) || value < 1) fail('INVALID_ARGUMENT', `max_results: ${String(value)} is not a positive integer`, { field: 'max_results' });
  if (value > limits.max) fail('INVALID_ARGUMENT', `max_results: ${value} is above the limit of ${limits.max}; page with page_token instead`, { field: 'max_results', limit: limits.max });
  return value;
}

function page<T>(items: readonly T[], more: boolean, nextOffset: number, fingerprint: string): Page<T> {
  return more ? { items, nextPageToken: encodePageToken(nextOffset, fingerprint) } : { items };
}
