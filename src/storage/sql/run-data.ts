import type { Kysely } from 'kysely';
import type { DatasetInput, Metric, Param, Run } from '../../tracking/index.js';
import type { RunRow } from './runs.js';
import { toRunInfo } from './runs.js';
import type { TrackingTables } from './tracking-schema.js';

type Db = Kysely<TrackingTables>;

/** Ids per IN list: well under SQLite's and Postgres's bound-parameter limits. */
const ID_CHUNK = 500;

/** Loads latest metrics, params, tags and inputs of many runs with a few queries per 500 runs. */
export async function loadRunData(db: Db, rows: readonly RunRow[]): Promise<Run[]> {
  const metrics = new Map<string, Metric[]>();
  const params = new Map<string, Param[]>();
  const tags = new Map<string, Record<string, string>>();
  const inputs = new Map<string, DatasetInput[]>();
  for (let i = 0; i < rows.length; i += ID_CHUNK) {
    const ids = rows.slice(i, i + ID_CHUNK).map((r) => r.run_uuid);
    for (const m of await db.selectFrom('latest_metrics').selectAll().where('run_uuid', 'in', ids).orderBy('key').execute()) {
      push(metrics, m.run_uuid, { key: m.key, value: m.is_nan ? Number.NaN : Number(m.value), timestamp: Number(m.timestamp), step: Number(m.step) });
    }
    for (const p of await db.selectFrom('params').selectAll().where('run_uuid', 'in', ids).orderBy('key').execute()) push(params, p.run_uuid, { key: p.key, value: p.value });
    for (const t of await db.selectFrom('tags').selectAll().where('run_uuid', 'in', ids).execute()) tags.set(t.run_uuid, { ...tags.get(t.run_uuid), [t.key]: t.value });
    await loadInputs(db, ids, inputs);
  }
  return rows.map((r) => ({
    info: toRunInfo(r),
    data: { metrics: metrics.get(r.run_uuid) ?? [], params: params.get(r.run_uuid) ?? [], tags: tags.get(r.run_uuid) ?? {} },
    inputs: inputs.get(r.run_uuid) ?? [],
  }));
}

async function loadInputs(db: Db, ids: readonly string[], out: Map<string, DatasetInput[]>): Promise<void> {
  const rows = await db.selectFrom('inputs').innerJoin('datasets', 'datasets.dataset_uuid', 'inputs.dataset_uuid')
    .select(['inputs.run_uuid', 'datasets.dataset_uuid', 'datasets.name', 'datasets.digest', 'datasets.source_type', 'datasets.source', 'datasets.schema', 'datasets.profile'])
    .where('inputs.run_uuid', 'in', ids).orderBy('datasets.name').orderBy('datasets.digest').execute();
  if (rows.length === 0) return;
  const tagRows = await db.selectFrom('input_tags').selectAll().where('run_uuid', 'in', ids).execute();
  const tagsOf = new Map<string, Record<string, string>>();
  for (const t of tagRows) {
    const k = `${t.run_uuid}/${t.dataset_uuid}`;
    tagsOf.set(k, { ...tagsOf.get(k), [t.key]: t.value });
  }
  for (const d of rows) {
    push(out, d.run_uuid, {
      name: d.name, digest: d.digest, sourceType: d.source_type, source: d.source,
      ...(d.schema === null ? {} : { schema: d.schema }), ...(d.profile === null ? {} : { profile: d.profile }),
      tags: tagsOf.get(`${d.run_uuid}/${d.dataset_uuid}`) ?? {},
    });
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
