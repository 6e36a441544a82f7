import type { Metric } from '../../tracking/index.js';
import { groupByKey } from './append-metrics.js';
import { translateDbError } from './db-errors.js';
import { concatSeries, decodeChunk, encodeChunk, SMALL_CHUNK_POINTS, type SeriesColumns } from './metric-chunks.js';
import { kyselyStatements, type RawStatements } from './raw-statements.js';
import { checkRunRow } from './runs.js';
import type { SeriesTail } from './series-tail-cache.js';
import type { StoreContext } from './store-context.js';
import { checkRunId } from './tracking-validation.js';

// The hot path of MLflow's log-metric and of small log-batch calls (metrics only, fewer than
// SMALL_CHUNK_POINTS points): the same rows as appendMetrics writes (a small append merged into
// the key's last chunk while that stays small, latest_metrics folded by MLflow's rule), in one
// transaction, but with fixed precompiled statements (prepared once on SQLite) and the decoded
// last chunk taken from the store's tail cache when the database still has it. Measured on
// SQLite: 0.26 → 0.04 ms per single-point call; Postgres: 1.8 → 0.85 ms (one fsync'd commit).

/** Whether a batch takes the small-batch path: metrics only, fewer than SMALL_CHUNK_POINTS. */
export function isSmallMetricBatch(metrics: readonly Metric[], params: number, tags: number): boolean {
  return params === 0 && tags === 0 && metrics.length > 0 && metrics.length < SMALL_CHUNK_POINTS;
}

const RUN_STATE = 'select lifecycle_stage from runs where run_uuid = ?';
const LAST_CHUNK = 'select chunk_id, n from metric_chunks where run_uuid = ? and "key" = ? order by chunk_id desc limit 1';
const CHUNK_DATA = 'select data from metric_chunks where chunk_id = ?';
const UPDATE_CHUNK = 'update metric_chunks set n = ?, data = ? where chunk_id = ?';
const INSERT_CHUNK = 'insert into metric_chunks (run_uuid, "key", n, data) values (?, ?, ?, ?) returning chunk_id';
// As upsertLatest in append-metrics.ts: the comparison runs in SQL so concurrent writers cannot
// lose the latest point; NaN is value NULL, so `excluded.value > value` is never true for it.
const LATEST_CONFLICT = `on conflict (run_uuid, "key") do update set "value" = excluded."value", is_nan = excluded.is_nan, step = excluded.step, "timestamp" = excluded."timestamp"
where excluded.step > latest_metrics.step or (excluded.step = latest_metrics.step and (excluded."timestamp" > latest_metrics."timestamp"
or (excluded."timestamp" = latest_metrics."timestamp" and excluded."value" > latest_metrics."value")))`;
const UPSERT_LATEST = `insert into latest_metrics (run_uuid, "key", "value", is_nan, step, "timestamp") values (?, ?, ?, ?, ?, ?) ${LATEST_CONFLICT}`;

/**
 * Postgres, one key whose tail is cached: the whole append as one statement, atomic by itself
 * and one round trip instead of six or seven (BEGIN, run check, lock, [read], update, upsert, COMMIT). The
 * chunk is rewritten only if it still is the tail we hold (`n = ?` is rechecked on the newest
 * row version when a concurrent writer updated it, so no merge is lost) and the run is active;
 * latest_metrics is folded only if the chunk was. The caller reads `stage` and `merged` to
 * tell a missing or deleted run from a stale tail (then it takes the transaction path).
 */
const PG_MERGE_CACHED = `with upd as (
  update metric_chunks set n = ?, data = ? where chunk_id = ? and n = ?
    and not exists (select 1 from metric_chunks newer where newer.run_uuid = ? and newer."key" = ? and newer.chunk_id > ?)
    and exists (select 1 from runs where run_uuid = ? and lifecycle_stage = 'active')
  returning chunk_id
), lat as (
  insert into latest_metrics (run_uuid, "key", "value", is_nan, step, "timestamp")
  select ?::varchar, ?::varchar, ?::double precision, ?::integer, ?::bigint, ?::bigint from upd ${LATEST_CONFLICT}
)
select (select lifecycle_stage from runs where run_uuid = ?) as stage, (select count(*) from upd)::integer as merged`;

/** Appends a small metrics-only batch (see {@link isSmallMetricBatch}); validated by the caller. */
export async function appendSmallBatch(ctx: StoreContext, runId: string, metrics: readonly Metric[]): Promise<void> {
  checkRunId(runId);
  if (ctx.dialect === 'postgres' && await mergeCachedPostgres(ctx, runId, metrics)) return;
  const written = await rawWriteTransaction(ctx, async (q) => {
    checkRunRow(runId, await q.get<{ lifecycle_stage: string }>(RUN_STATE, [runId]), true);
    const tails: [string, SeriesTail][] = [];
    for (const [key, k] of groupByKey(metrics)) {
      const cols: SeriesColumns = { steps: k.steps, timestamps: k.timestamps, values: k.values };
      tails.push([key, await appendToSeries(ctx, q, runId, key, cols)]);
      await q.run(UPSERT_LATEST, [runId, key, ...latestParams(k)]);
    }
    return tails;
  });
  // Only now, committed: a tail of a rolled-back write must never be taken for the database's.
  for (const [key, tail] of written) ctx.tails.set(runId, key, tail);
}

/** Latest-point columns of one key's points, as UPSERT_LATEST binds them after (run, key). */
function latestParams(k: SeriesColumns & { readonly latest: number }): unknown[] {
  const value = k.values[k.latest]!;
  const isNan = Number.isNaN(value);
  return [isNan ? null : value, isNan ? 1 : 0, k.steps[k.latest]!, k.timestamps[k.latest]!];
}

/** PG_MERGE_CACHED for a one-key batch; false when it does not apply (the caller goes on). */
async function mergeCachedPostgres(ctx: StoreContext, runId: string, metrics: readonly Metric[]): Promise<boolean> {
  const groups = groupByKey(metrics);
  if (groups.size !== 1) return false;
  const [key, k] = [...groups][0]!;
  const tail = ctx.tails.peek(runId, key);
  if (!tail || tail.n + k.steps.length > SMALL_CHUNK_POINTS) return false;
  const merged = concatSeries([tail.cols, k]);
  let row: { stage: string | null; merged: number } | undefined;
  try {
    row = await kyselyStatements(ctx.db, ctx.dialect).get(PG_MERGE_CACHED, [
      merged.steps.length, encodeChunk(merged), tail.chunkId, tail.n, runId, key, tail.chunkId, runId,
      runId, key, ...latestParams(k), runId,
    ]);
  } catch (err) {
    throw translateDbError(err);
  }
  checkRunRow(runId, row?.stage ? { lifecycle_stage: row.stage } : undefined, true);
  if (!row!.merged) {
    ctx.tails.delete(runId, key);
    return false;
  }
  ctx.tails.set(runId, key, { chunkId: tail.chunkId, n: merged.steps.length, cols: merged });
  return true;
}

/** Merges the points into the series' last chunk while it stays small, else starts a chunk. */
async function appendToSeries(ctx: StoreContext, q: RawStatements, runId: string, key: string, cols: SeriesColumns): Promise<SeriesTail> {
  // Postgres runs writers concurrently (READ COMMITTED): lock the last chunk so two merges
  // cannot both rewrite it from the same old copy. SQLite's BEGIN IMMEDIATE already holds the
  // write lock, and it has no FOR UPDATE.
  const last = await q.get<{ chunk_id: number; n: number }>(ctx.dialect === 'postgres' ? `${LAST_CHUNK} for update` : LAST_CHUNK, [runId, key]);
  if (last && last.n + cols.steps.length <= SMALL_CHUNK_POINTS) {
    const chunkId = Number(last.chunk_id);
    const old = ctx.tails.get(runId, key, chunkId, last.n) ?? decodeChunk((await q.get<{ data: Uint8Array }>(CHUNK_DATA, [chunkId]))!.data, last.n);
    const merged = concatSeries([old, cols]);
    await q.run(UPDATE_CHUNK, [merged.steps.length, encodeChunk(merged), chunkId]);
    return { chunkId, n: merged.steps.length, cols: merged };
  }
  const row = await q.get<{ chunk_id: number }>(INSERT_CHUNK, [runId, key, cols.steps.length, encodeChunk(cols)]);
  return { chunkId: Number(row!.chunk_id), n: cols.steps.length, cols };
}

/**
 * One write transaction over raw statements, as writeTransaction does over Kysely: SQLite
 * takes the write lock up front (BEGIN IMMEDIATE). Holding Kysely's connection for the whole
 * transaction keeps every other user of the database out of it (see sqliteStatements).
 */
async function rawWriteTransaction<T>(ctx: StoreContext, fn: (q: RawStatements) => Promise<T>): Promise<T> {
  try {
    return await ctx.db.connection().execute(async (conn) => {
      const q = ctx.sqlite ?? kyselyStatements(conn, ctx.dialect);
      await q.run(ctx.dialect === 'sqlite' ? 'begin immediate' : 'begin');
      try {
        const result = await fn(q);
        await q.run('commit');
        return result;
      } catch (err) {
        await Promise.resolve().then(() => q.run('rollback')).catch(() => undefined);
        throw err;
      }
    });
  } catch (err) {
    throw translateDbError(err);
  }
}
