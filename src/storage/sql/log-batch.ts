import type { Kysely } from 'kysely';
import { fail } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { DatasetInput, Metric, Param, Tags } from '../../tracking/index.js';
import { appendMetrics } from './append-metrics.js';
import { appendSmallBatch, isSmallMetricBatch } from './append-small-batch.js';
import { requireRun, upsertTags } from './runs.js';
import type { StoreContext } from './store-context.js';
import type { TrackingTables } from './tracking-schema.js';
import { checkKey, checkMetrics, checkParams, checkTags, LIMITS } from './tracking-validation.js';
import { writeTransaction } from './write-transaction.js';

type Db = Kysely<TrackingTables>;

/**
 * Logs metrics, params and tags in one transaction: everything is validated first, then
 * written; any error (bad value, param overwrite, deleted run) rolls the whole batch back.
 */
export async function logBatch(ctx: StoreContext, runId: string, batch: { metrics?: readonly Metric[]; params?: readonly Param[]; tags?: Tags }): Promise<void> {
  const metrics = batch.metrics ?? [];
  if (metrics.length > LIMITS.batchMetrics) fail('RESOURCE_LIMIT', `a batch may hold at most ${LIMITS.batchMetrics} metric points (got ${metrics.length})`, { field: 'metrics', limit: LIMITS.batchMetrics });
  checkMetrics(metrics);
  const params = checkParams(batch.params ?? []);
  const tags = checkTags(batch.tags ?? {});
  // log-metric and small metric batches: fixed statements, no chunk decode (append-small-batch.ts).
  if (isSmallMetricBatch(metrics, params.size, tags.length)) return appendSmallBatch(ctx, runId, metrics);
  await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
    await requireRun(trx, runId, true);
    if (params.size) await insertParams(trx, runId, params);
    await upsertTags(trx, runId, tags);
    if (metrics.length) await appendMetrics(trx, ctx.dialect, runId, metrics);
  });
}

/** Rows per multi-row INSERT: well under SQLite's and Postgres's bound-parameter limits. */
const ROWS_PER_INSERT = 1000;

/**
 * Params are write-once: an existing key with another value is INVALID_ARGUMENT naming both.
 * Insert-if-absent first, then compare what is stored: with concurrent writers (Postgres) a
 * check-then-insert could race into a unique violation, this cannot.
 */
async function insertParams(trx: Db, runId: string, params: ReadonlyMap<string, string>): Promise<void> {
  const rows = [...params].map(([key, value]) => ({ run_uuid: runId, key, value }));
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const part = rows.slice(i, i + ROWS_PER_INSERT);
    await trx.insertInto('params').values(part).onConflict((oc) => oc.columns(['run_uuid', 'key']).doNothing()).execute();
    const stored = await trx.selectFrom('params').select(['key', 'value']).where('run_uuid', '=', runId).where('key', 'in', part.map((r) => r.key)).execute();
    for (const e of stored) {
      const wanted = params.get(e.key)!;
      if (e.value !== wanted) {
        fail('INVALID_ARGUMENT', `param '${e.key}' of run '${runId}' is already '${e.value}' and cannot be changed to '${wanted}': params are write-once`, { field: 'params', key: e.key, oldValue: e.value, newValue: wanted });
      }
    }
  }
}

/** Records the datasets a run read; a dataset is stored once per experiment by (name, digest). */
export async function logInputs(ctx: StoreContext, runId: string, datasets: readonly DatasetInput[]): Promise<void> {
  for (const d of datasets) checkDataset(d);
  await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
    const run = await requireRun(trx, runId, true);
    for (const d of datasets) {
      await trx.insertInto('datasets').values({
        dataset_uuid: newId(), experiment_id: run.experiment_id, name: d.name, digest: d.digest, source_type: d.sourceType,
        source: d.source, schema: d.schema ?? null, profile: d.profile ?? null,
      }).onConflict((oc) => oc.columns(['experiment_id', 'name', 'digest']).doNothing()).execute();
      const { dataset_uuid: datasetId } = await trx.selectFrom('datasets').select('dataset_uuid')
        .where('experiment_id', '=', run.experiment_id).where('name', '=', d.name).where('digest', '=', d.digest).executeTakeFirstOrThrow();
      await trx.insertInto('inputs').values({ run_uuid: runId, dataset_uuid: datasetId }).onConflict((oc) => oc.doNothing()).execute();
      const tags = Object.entries(d.tags ?? {});
      if (tags.length) {
        await trx.insertInto('input_tags').values(tags.map(([key, value]) => ({ run_uuid: runId, dataset_uuid: datasetId, key, value })))
          .onConflict((oc) => oc.columns(['run_uuid', 'dataset_uuid', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') }))).execute();
      }
    }
  });
}

function checkDataset(d: DatasetInput): void {
  for (const field of ['name', 'digest', 'sourceType', 'source'] as const) {
    if (typeof d?.[field] !== 'string' || d[field] === '') fail('INVALID_ARGUMENT', `dataset ${field} must be a non-empty string`, { field: `dataset.${field}` });
  }
  if (d.digest.length > 64) fail('INVALID_ARGUMENT', 'dataset digest is longer than 64 characters', { field: 'dataset.digest' });
  for (const [key, value] of Object.entries(d.tags ?? {})) {
    checkKey('tag', key);
    if (typeof value !== 'string') fail('INVALID_ARGUMENT', `dataset tag '${key}' value must be a string`, { field: 'dataset.tags' });
  }
}
