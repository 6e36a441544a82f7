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

/** Rows per multi-row statement: well under the engines' bound-parameter limits. */
const ROWS_PER_STATEMENT = 500;

type ChunkRow = { run_uuid: string; key: string; n: number; data: Buffer };
type LatestRow = { run_uuid: string; key: string; value: number | null; is_nan: number; step: number; timestamp: number };

/**
 * Appends each key's points as chunks and folds them into latest_metrics, inside `trx`. New
 * chunks and latest values of all keys go in a few multi-row statements, not one per key: on
 * Postgres every statement is a network round trip.
 */
export async function appendMetrics(trx: Db, dialect: SqlDialectName, runId: string, metrics: readonly Metric[]): Promise<void> {
  const chunks: ChunkRow[] = [];
  const latest: LatestRow[] = [];
  for (const [key, k] of groupByKey(metrics)) {
    if (!(k.steps.length < SMALL_CHUNK_POINTS && await mergeIntoLast(trx, dialect, runId, key, k))) {
      for (let from = 0; from < k.steps.length; from += MAX_CHUNK_POINTS) {
        const to = Math.min(k.steps.length, from + MAX_CHUNK_POINTS);
        chunks.push({ run_uuid: runId, key, n: to - from, data: encodeChunk(k, from, to) });
      }
    }
    const value = k.values[k.latest]!;
    const isNan = Number.isNaN(value);
    latest.push({ run_uuid: runId, key, value: isNan ? null : value, is_nan: isNan ? 1 : 0, step: k.steps[k.latest]!, timestamp: k.timestamps[k.latest]! });
  }
  // Big chunks alone per statement: a statement is one buffer in the driver.
  for (let i = 0; i < chunks.length;) {
    let bytes = 0;
    let j = i;
    while (j < chunks.length && j - i < ROWS_PER_STATEMENT && (j === i || bytes + chunks[j]!.data.byteLength <= 8 << 20)) bytes += chunks[j++]!.data.byteLength;
    await trx.insertInto('metric_chunks').values(chunks.slice(i, j)).execute();
    i = j;
  }
  for (let i = 0; i < latest.length; i += ROWS_PER_STATEMENT) await upsertLatest(trx, latest.slice(i, i + ROWS_PER_STATEMENT));
}

/**
 * Single-point calls (log-metric) would otherwise leave one row per point: a small append is
 * merged into the key's last chunk while that stays small. Returns false when it was not.
 */
async function mergeIntoLast(trx: Db, dialect: SqlDialectName, runId: string, key: string, cols: SeriesColumns): Promise<boolean> {
  let lastQuery = trx.selectFrom('metric_chunks').select(['chunk_id', 'n'])
    .where('run_uuid', '=', runId).where('key', '=', key).orderBy('chunk_id', 'desc').limit(1);
  // Postgres runs writers concurrently (READ COMMITTED): lock the chunk so two merges cannot
  // both rewrite it from the same old copy. SQLite's BEGIN IMMEDIATE already serializes
  // writers, and it has no FOR UPDATE.
  if (dialect === 'postgres') lastQuery = lastQuery.forUpdate();
  const last = await lastQuery.executeTakeFirst();
  if (!last || last.n + cols.steps.length > SMALL_CHUNK_POINTS) return false;
  const { data } = await trx.selectFrom('metric_chunks').select('data').where('chunk_id', '=', last.chunk_id).executeTakeFirstOrThrow();
  const merged = concat(decodeChunk(data, last.n), cols);
  await trx.updateTable('metric_chunks').set({ n: merged.steps.length, data: encodeChunk(merged) }).where('chunk_id', '=', last.chunk_id).execute();
  return true;
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
 * Inserts or replaces each (run, key) latest point when the new one is later by MLflow's rule
 * (keys are distinct within `rows`, as one statement may not update a row twice).
 * The comparison runs in SQL, so concurrent writers to the same run cannot lose the latest.
 * NaN is stored as value NULL with is_nan = 1; `excluded.value > value` is then unknown (false),
 * matching Python's NaN comparisons in MLflow.
 */
async function upsertLatest(trx: Db, rows: readonly LatestRow[]): Promise<void> {
  await trx.insertInto('latest_metrics').values(rows)
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
