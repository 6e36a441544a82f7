import type { Metric } from '../../tracking/index.js';
import { groupByKey } from './append-metrics.js';
import { translateDbError } from './db-errors.js';
import { concatSeries, decodeChunk, encodeChunk, SMALL_CHUNK_POINTS, type SeriesColumns } from './metric-chunks.js';
import { kyselyStatements, type RawStatements } from './raw-statements.js';
import { checkRunRow } from './runs.js';
import type { SeriesTail } from './series-tail-cache.js';
import type { StoreContext } from './store-context.js';
import { checkRunId } from './tracking-validation.js';

/**
 * The hot path of MLflow's log-metric and of small log-batch calls (metrics only, fewer than
 * SMALL_CHUNK_POINTS points): the same rows as appendMetrics writes (a small append merged into
 * the key's last chunk while that stays small, latest_metrics folded by MLflow's rule), in one
 * transaction, but with fixed precompiled statements (prepared once on SQLite) and the decoded
 * last chunk taken from the store's tail cache when the database still has it.
 */
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
const UPSERT_LATEST = `insert into latest_metrics (run_uuid, "key", "value", is_nan, step, "timestamp") values (?, ?, ?, ?, ?, ?)
on conflict (run_uuid, "key") do update set "value" = excluded."value", is_nan = excluded.is_nan, step = excluded.step, "timestamp" = excluded."timestamp"
where excluded.step > latest_metrics.step or (excluded.step = latest_metrics.step and (excluded."timestamp" > latest_metrics."timestamp"
or (excluded."timestamp" = latest_metrics."timestamp" and excluded."value" > latest_metrics."value")))`;

/** Appends a small metrics-only batch (see {@link isSmallMetricBatch}); validated by the caller. */
export async function appendSmallBatch(ctx: StoreContext, runId: string, metrics: readonly Metric[]): Promise<void> {
  checkRunId(runId);
  const written = await rawWriteTransaction(ctx, async (q) => {
    checkRunRow(runId, await q.get<{ lifecycle_stage: string }>(RUN_STATE, [runId]), true);
    const tails: [string, SeriesTail][] = [];
    for (const [key, k] of groupByKey(metrics)) {
      const cols: SeriesColumns = { steps: k.steps, timestamps: k.timestamps, values: k.values };
      tails.push([key, await appendToSeries(ctx, q, runId, key, cols)]);
      const value = k.values[k.latest]!;
      const isNan = Number.isNaN(value);
      await q.run(UPSERT_LATEST, [runId, key, isNan ? null : value, isNan ? 1 : 0, k.steps[k.latest]!, k.timestamps[k.latest]!]);
    }
    return tails;
  });
  // Only now, committed: a tail of a rolled-back write must never be taken for the database's.
  for (const [key, tail] of written) ctx.tails.set(runId, key, tail);
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
