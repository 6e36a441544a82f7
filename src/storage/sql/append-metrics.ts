import type { Kysely } from 'kysely';
import type { Metric } from '../../tracking/index.js';
import { decodeChunk, encodeChunk, MAX_CHUNK_POINTS, SMALL_CHUNK_POINTS, type SeriesColumns } from './metric-chunks.js';
import type { SqlDialectName } from './open-database.js';
import type { TrackingTables } from './tracking-schema.js';

type Db = Kysely<TrackingTables>;

/** One key's points from a batch, in arrival order, and the index of the batch's latest point. */
interface KeyPoints extends SeriesColumns {
  latest: number;
}

/**
 * Groups a batch's metrics per key straight into float64 columns (arrival order kept), tracking
 * MLflow's latest point. Two passes (count, then fill) avoid growing arrays: a batch may hold
 * hundreds of thousands of points.
 */
export function groupByKey(metrics: readonly Metric[]): Map<string, KeyPoints> {
  const counts = new Map<string, number>();
  for (const m of metrics) counts.set(m.key, (counts.get(m.key) ?? 0) + 1);
  const out = new Map<string, KeyPoints & { fill: number }>();
  for (const [key, n] of counts) out.set(key, { steps: new Float64Array(n), timestamps: new Float64Array(n), values: new Float64Array(n), latest: 0, fill: 0 });
  for (const m of metrics) {
    const k = out.get(m.key)!;
    const i = k.fill++;
    k.steps[i] = m.step;
    k.timestamps[i] = m.timestamp;
    k.values[i] = m.value;
    if (i > 0 && isLater(m.step, m.timestamp, m.value, k.steps[k.latest]!, k.timestamps[k.latest]!, k.values[k.latest]!)) k.latest = i;
  }
  return out;
}

/** MLflow's rule: later step wins, then later timestamp, then larger value (NaN never wins). */
function isLater(step: number, ts: number, value: number, step0: number, ts0: number, value0: number): boolean {
  return step > step0 || (step === step0 && (ts > ts0 || (ts === ts0 && value > value0)));
}

/** Appends each key's points as chunks and folds them into latest_metrics, inside `trx`. */
export async function appendMetrics(trx: Db, dialect: SqlDialectName, runId: string, metrics: readonly Metric[]): Promise<void> {
  for (const [key, k] of groupByKey(metrics)) {
    await appendChunks(trx, dialect, runId, key, k);
    await upsertLatest(trx, runId, key, k.steps[k.latest]!, k.timestamps[k.latest]!, k.values[k.latest]!);
  }
}

async function appendChunks(trx: Db, dialect: SqlDialectName, runId: string, key: string, cols: SeriesColumns): Promise<void> {
  const n = cols.steps.length;
  // Single-point calls (log-metric) would otherwise leave one row per point: merge small
  // appends into a small last chunk, so a series stays a few rows however it was logged.
  if (n < SMALL_CHUNK_POINTS) {
    let lastQuery = trx.selectFrom('metric_chunks').select(['chunk_id', 'n'])
      .where('run_uuid', '=', runId).where('key', '=', key).orderBy('chunk_id', 'desc').limit(1);
    // Postgres runs writers concurrently (READ COMMITTED): lock the chunk so two merges cannot
    // both rewrite it from the same old copy. SQLite's BEGIN IMMEDIATE already serializes
    // writers, and it has no FOR UPDATE.
    if (dialect === 'postgres') lastQuery = lastQuery.forUpdate();
    const last = await lastQuery.executeTakeFirst();
    if (last && last.n + n <= SMALL_CHUNK_POINTS) {
      const { data } = await trx.selectFrom('metric_chunks').select('data').where('chunk_id', '=', last.chunk_id).executeTakeFirstOrThrow();
      const old = decodeChunk(data, last.n);
      const merged = concat(old, cols);
      await trx.updateTable('metric_chunks').set({ n: last.n + n, data: encodeChunk(merged) }).where('chunk_id', '=', last.chunk_id).execute();
      return;
    }
  }
  const rows = [];
  for (let from = 0; from < n; from += MAX_CHUNK_POINTS) {
    const to = Math.min(n, from + MAX_CHUNK_POINTS);
    rows.push({ run_uuid: runId, key, n: to - from, data: encodeChunk(cols, from, to) });
  }
  await trx.insertInto('metric_chunks').values(rows).execute();
}

function concat(a: SeriesColumns, b: SeriesColumns): SeriesColumns {
  const join = (x: Float64Array, y: Float64Array) => {
    const out = new Float64Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return { steps: join(a.steps, b.steps), timestamps: join(a.timestamps, b.timestamps), values: join(a.values, b.values) };
}

/**
 * Inserts or replaces the (run, key) latest point when the new one is later by MLflow's rule.
 * The comparison runs in SQL, so concurrent writers to the same run cannot lose the latest.
 * NaN is stored as value NULL with is_nan = 1; `excluded.value > value` is then unknown (false),
 * matching Python's NaN comparisons in MLflow.
 */
async function upsertLatest(trx: Db, runId: string, key: string, step: number, timestamp: number, value: number): Promise<void> {
  const isNan = Number.isNaN(value);
  await trx.insertInto('latest_metrics').values({ run_uuid: runId, key, value: isNan ? null : value, is_nan: isNan ? 1 : 0, step, timestamp })
    .onConflict((oc) => oc.columns(['run_uuid', 'key'])
      .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), is_nan: eb.ref('excluded.is_nan'), step: eb.ref('excluded.step'), timestamp: eb.ref('excluded.timestamp') }))
      .where((eb) => eb.or([
        eb('excluded.step', '>', eb.ref('latest_metrics.step')),
        eb.and([eb('excluded.step', '=', eb.ref('latest_metrics.step')), eb('excluded.timestamp', '>', eb.ref('latest_metrics.timestamp'))]),
        eb.and([
          eb('excluded.step', '=', eb.ref('latest_metrics.step')), eb('excluded.timestamp', '=', eb.ref('latest_metrics.timestamp')),
          eb('excluded.value', '>', eb.ref('latest_metrics.value')),
        ]),
      ])))
    .execute();
}
