import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { systemClock, type Clock } from '../../core/clock.js';
import type { ObjectStore } from '../../core/object-store.js';
import {
  checkJoinWindow, labelKeyOf, SHADOW_VARIANT,
  type LabelRecord, type LoggedPrediction, type PredictionLogStore, type PredictionQuery, type PredictionRecord,
} from '../../monitoring/index.js';
import { batchName, dayEnd, dayOf, daysBetween, labelsPrefix, parseKey, predictionsPrefix } from './parquet-files.js';

/** Options of {@link ParquetPredictionLog}. */
export interface ParquetPredictionLogOptions {
  /** The artifact store (its root); files go under `predictions/`. */
  readonly objects: ObjectStore;
  /** The store's directory when it is local: files are read where they are instead of downloaded. */
  readonly localRoot?: string;
  /** A local directory for files being written, and for downloaded ones (immutable, so kept as a cache). */
  readonly workDir: string;
  /** The deployment's declared key column (monitoring.labels), copied to its own column at append time. */
  readonly keyColumnOf?: (deployment: string) => string | undefined;
  readonly clock?: Clock;
  /** Rows per scan batch (default 5000). */
  readonly scanBatchRows?: number;
}

const PREDICTION_COLUMNS = 'request_id VARCHAR, row_index INTEGER, model VARCHAR, model_version VARCHAR, variant VARCHAR, predicted_at BIGINT, latency_ms DOUBLE, inputs VARCHAR, outputs VARCHAR, label_key VARCHAR';
const LABEL_COLUMNS = 'request_id VARCHAR, row_index INTEGER, predicted_at BIGINT, label VARCHAR, labeled_at BIGINT, seq BIGINT';
const NO_LABELS = 'SELECT NULL::VARCHAR AS request_id, NULL::INTEGER AS row_index, NULL::BIGINT AS predicted_at, NULL::VARCHAR AS label, NULL::BIGINT AS labeled_at, NULL::BIGINT AS seq WHERE false';

/**
 * PredictionLogStore as Parquet files in the artifact store (local directory or S3), for volume.
 * DuckDB (in-process) writes each batch with COPY … (FORMAT parquet) and reads windows with
 * read_parquet over the window's day partitions (layout: parquet-files.ts). Append-only: labels
 * are files of their own, the latest label of a prediction wins at read time. A batch spanning
 * several deployments or days becomes one file per (deployment, day). Prune deletes whole days.
 */
export class ParquetPredictionLog implements PredictionLogStore {
  private readonly clock: Clock;
  private readonly keyColumnOf: (deployment: string) => string | undefined;
  private readonly scanBatchRows: number;
  private duck: Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> | undefined;
  /** One DuckDB statement sequence at a time (the connection is shared). */
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;

  constructor(private readonly options: ParquetPredictionLogOptions) {
    this.clock = options.clock ?? systemClock;
    this.keyColumnOf = options.keyColumnOf ?? (() => undefined);
    this.scanBatchRows = options.scanBatchRows ?? 5000;
  }

  async append(records: readonly PredictionRecord[]): Promise<void> {
    const groups = new Map<string, PredictionRecord[]>();
    for (const r of records) {
      const prefix = predictionsPrefix(r.deployment, dayOf(r.at));
      let group = groups.get(prefix);
      if (!group) groups.set(prefix, (group = []));
      group.push(r);
    }
    for (const [prefix, group] of groups) {
      const keyColumn = this.keyColumnOf(group[0]!.deployment);
      await this.writeFile(prefix, group.length, 'batch_predictions', PREDICTION_COLUMNS, (a) => {
        for (const r of group) {
          a.appendVarchar(r.requestId); a.appendInteger(r.rowIndex); a.appendVarchar(r.model); a.appendVarchar(r.version); a.appendVarchar(r.variant);
          a.appendBigInt(BigInt(Math.round(r.at))); a.appendDouble(r.latencyMs);
          a.appendVarchar(JSON.stringify(r.inputs)); a.appendVarchar(JSON.stringify(r.outputs));
          const key = labelKeyOf(r.inputs, keyColumn);
          if (key === undefined) a.appendNull(); else a.appendVarchar(key);
          a.endRow();
        }
      });
    }
  }

  async scan(query: PredictionQuery, onBatch: (batch: readonly LoggedPrediction[]) => void | Promise<void>): Promise<void> {
    // Its own connection, streamed: memory holds a batch, and `onBatch` may use the store meanwhile.
    const conn = await (await this.open()).instance.connect();
    try {
      for (const day of await this.days(query.deployment, query.since, query.until)) {
        const files = await this.files(predictionsPrefix(query.deployment, day));
        if (files.length === 0) continue;
        const labels = await this.files(labelsPrefix(query.deployment, day));
        const result = await conn.stream(scanSql(query, files, labels));
        const batch: LoggedPrediction[] = [];
        for await (const rows of result.yieldRowObjectJs()) {
          for (const r of rows) batch.push(toLogged(query.deployment, r as Record<string, unknown>));
          // DuckDB's chunks (2,048 rows) overshoot a batch: the rest starts the next one.
          while (batch.length >= this.scanBatchRows) await onBatch(batch.splice(0, this.scanBatchRows));
        }
        if (batch.length > 0) await onBatch(batch);
      }
    } finally {
      conn.closeSync();
    }
  }

  async attachLabels(deployment: string, labels: readonly LabelRecord[], options: { readonly joinWindowMs: number; readonly keyColumn?: string }): Promise<{ matched: number; unmatched: number }> {
    checkJoinWindow(options.joinWindowMs);
    const now = this.clock.now().getTime();
    const keyColumn = options.keyColumn ?? this.keyColumnOf(deployment);
    const wanted = labels.map((l, i) => ({ i, label: l, at: l.at ?? now })).filter((w) => w.label.requestId !== undefined || (w.label.key !== undefined && keyColumn !== undefined));
    if (wanted.length === 0) return { matched: 0, unmatched: labels.length };
    const since = wanted.reduce((m, w) => Math.min(m, w.at), Infinity) - options.joinWindowMs;
    const until = wanted.reduce((m, w) => Math.max(m, w.at), -Infinity) + 1;
    const files = (await Promise.all((await this.days(deployment, since, until)).map((d) => this.files(predictionsPrefix(deployment, d))))).flat();
    if (files.length === 0) return { matched: 0, unmatched: labels.length };
    const keyExpr = keyColumn === this.keyColumnOf(deployment) ? 'p.label_key' : `json_extract_string(p.inputs, ${lit(`$."${(keyColumn ?? '').replace(/"/g, '\\"')}"`)})`;
    // In the labels' order, so of two labels for one prediction in a call the later one wins.
    const hits = (await this.joinLabels(wanted, files, keyExpr, options.joinWindowMs)).sort((a, b) => a.w - b.w);
    // One labels file per day of the predictions joined.
    const byDay = new Map<string, typeof hits>();
    for (const h of hits) {
      const day = dayOf(h.predicted_at);
      let list = byDay.get(day);
      if (!list) byDay.set(day, (list = []));
      list.push(h);
    }
    for (const [day, dayHits] of byDay) {
      await this.writeFile(labelsPrefix(deployment, day), dayHits.length, 'batch_labels', LABEL_COLUMNS, (a) => {
        for (const h of dayHits) {
          const w = wanted[h.w]!;
          a.appendVarchar(h.request_id); a.appendInteger(h.row_index); a.appendBigInt(BigInt(h.predicted_at));
          a.appendVarchar(JSON.stringify(w.label.label ?? null)); a.appendBigInt(BigInt(Math.round(w.at))); a.appendBigInt(BigInt(this.nextSeq()));
          a.endRow();
        }
      });
    }
    const matched = new Set(hits.map((h) => h.w)).size;
    return { matched, unmatched: labels.length - matched };
  }

  async prune(before: number): Promise<number> {
    const doomed: string[] = [];
    let rows = 0;
    for await (const { key } of this.options.objects.list('predictions/')) {
      const parsed = parseKey(key);
      if (!parsed || dayEnd(parsed.day) > before) continue;
      doomed.push(key);
      if (parsed.kind === 'predictions') rows += parsed.rows;
    }
    for (let i = 0; i < doomed.length; i += 1000) await this.options.objects.deleteMany(doomed.slice(i, i + 1000));
    // Downloaded copies (remote stores) go with them.
    if (this.options.localRoot === undefined) await Promise.all(doomed.map((k) => rm(path.join(this.options.workDir, 'cache', ...k.split('/')), { force: true })));
    return rows;
  }

  async close(): Promise<void> {
    const duck = await this.duck;
    this.duck = undefined;
    duck?.conn.closeSync();
    duck?.instance.closeSync();
  }

  /** Which predictions each wanted label joins: by request id (and row), or the latest with its key. */
  private async joinLabels(wanted: readonly { i: number; label: LabelRecord; at: number }[], files: readonly string[], keyExpr: string, windowMs: number) {
    return this.serial(async (conn) => {
      await conn.run('CREATE OR REPLACE TABLE wanted (w INTEGER, request_id VARCHAR, row_index INTEGER, label_key VARCHAR, label_at BIGINT)');
      const a = await conn.createAppender('wanted');
      wanted.forEach((w, index) => {
        a.appendInteger(index);
        if (w.label.requestId !== undefined) a.appendVarchar(w.label.requestId); else a.appendNull();
        if (w.label.rowIndex !== undefined) a.appendInteger(w.label.rowIndex); else a.appendNull();
        if (w.label.requestId === undefined && w.label.key !== undefined) a.appendVarchar(w.label.key); else a.appendNull();
        a.appendBigInt(BigInt(Math.round(w.at)));
        a.endRow();
      });
      a.closeSync();
      const inWindow = `p.predicted_at BETWEEN w.label_at - ${Math.round(windowMs)} AND w.label_at`;
      const reader = await conn.runAndReadAll(`
        WITH p AS (SELECT request_id, row_index, predicted_at, CASE WHEN p.variant = ${lit(SHADOW_VARIANT)} THEN NULL ELSE ${keyExpr} END AS k FROM read_parquet(${list(files)}) p)
        SELECT w.w, p.request_id, p.row_index, p.predicted_at::DOUBLE AS predicted_at FROM wanted w JOIN p
          ON w.request_id IS NOT NULL AND p.request_id = w.request_id AND (w.row_index IS NULL OR p.row_index = w.row_index) AND ${inWindow}
        UNION ALL
        SELECT w, request_id, row_index, predicted_at FROM (
          SELECT w.w, p.request_id, p.row_index, p.predicted_at::DOUBLE AS predicted_at,
                 row_number() OVER (PARTITION BY w.w ORDER BY p.predicted_at DESC, p.request_id DESC, p.row_index DESC) AS rn
          FROM wanted w JOIN p ON w.label_key IS NOT NULL AND p.k = w.label_key AND ${inWindow}) WHERE rn = 1`);
      return reader.getRowObjectsJS() as unknown as { w: number; request_id: string; row_index: number; predicted_at: number }[];
    });
  }

  /** Writes rows (given to an appender) as one Parquet file under `prefix`, then stores it. */
  private async writeFile(prefix: string, rows: number, table: string, columns: string, fill: (a: Awaited<ReturnType<DuckDBConnection['createAppender']>>) => void): Promise<void> {
    const name = batchName(rows);
    const local = path.join(this.options.workDir, 'outgoing', name);
    await mkdir(path.dirname(local), { recursive: true });
    try {
      await this.serial(async (conn) => {
        await conn.run(`CREATE OR REPLACE TABLE ${table} (${columns})`);
        const appender = await conn.createAppender(table);
        fill(appender);
        appender.closeSync();
        await conn.run(`COPY ${table} TO ${lit(local)} (FORMAT parquet, COMPRESSION zstd)`);
        await conn.run(`DROP TABLE ${table}`);
      });
      await this.options.objects.putFile(prefix + name, local);
    } finally {
      await rm(local, { force: true });
    }
  }

  /**
   * The days of [since, until) to read: every day of a short window (one listing each), or, for a
   * long one, the days that have files (one listing of the deployment's keys).
   */
  private async days(deployment: string, since: number, until: number): Promise<string[]> {
    const span = (until - since) / 86_400_000;
    if (span <= 62) return daysBetween(since, until);
    const first = dayOf(Math.max(since, 0));
    const last = dayOf(Math.min(until - 1, Date.UTC(9999, 11, 31)));
    const found = new Set<string>();
    for await (const { key } of this.options.objects.list(`predictions/${deployment}/`)) {
      const parsed = parseKey(key);
      if (parsed?.deployment === deployment && parsed.kind === 'predictions' && parsed.day >= first && parsed.day <= last) found.add(parsed.day);
    }
    return [...found].sort();
  }

  /** Local paths of the files under `prefix`: in place for a local store, else downloaded once. */
  private async files(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const { key } of this.options.objects.list(prefix)) if (key.endsWith('.parquet')) keys.push(key);
    keys.sort();
    if (this.options.localRoot !== undefined) return keys.map((k) => path.join(this.options.localRoot!, ...k.split('/')));
    const cached = await Promise.all(keys.map(async (k) => {
      const local = path.join(this.options.workDir, 'cache', ...k.split('/'));
      if (!existsSync(local)) await this.options.objects.getFile(k, local);
      return local;
    }));
    return cached;
  }

  private serial<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => fn((await this.open()).conn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private open(): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
    this.duck ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:');
      return { instance, conn: await instance.connect() };
    })();
    return this.duck;
  }

  /** Label write order: a later label of the same prediction replaces an earlier one. */
  private nextSeq(): number {
    this.seq = Math.max(this.seq + 1, Date.now() * 1000);
    return this.seq;
  }
}

/** One day's predictions of the query's window, with each one's latest label, oldest first. */
function scanSql(query: PredictionQuery, files: readonly string[], labels: readonly string[]): string {
  const where = [`p.predicted_at >= ${Math.floor(query.since)}`, `p.predicted_at < ${Math.ceil(query.until)}`];
  if (query.version !== undefined) where.push(`p.model_version = ${lit(query.version)}`);
  // Shadow answers only when asked for (PredictionQuery.variant).
  where.push(query.variant !== undefined ? `p.variant = ${lit(query.variant)}` : `p.variant <> ${lit(SHADOW_VARIANT)}`);
  if (query.labeled) where.push('l.label IS NOT NULL');
  return `
    WITH l AS (SELECT request_id, row_index, predicted_at, arg_max(label, seq) AS label, arg_max(labeled_at, seq) AS labeled_at
               FROM ${labels.length > 0 ? `read_parquet(${list(labels)})` : `(${NO_LABELS})`} GROUP BY ALL)
    SELECT p.request_id, p.row_index, p.model, p.model_version, p.variant, p.predicted_at::DOUBLE AS predicted_at, p.latency_ms,
           p.inputs, p.outputs, l.label, l.labeled_at::DOUBLE AS labeled_at
    FROM read_parquet(${list(files)}) p LEFT JOIN l USING (request_id, row_index, predicted_at)
    WHERE ${where.join(' AND ')}
    ORDER BY p.predicted_at, p.request_id, p.row_index`;
}

function toLogged(deployment: string, r: Record<string, unknown>): LoggedPrediction {
  return {
    requestId: r.request_id as string, rowIndex: r.row_index as number, deployment, model: r.model as string, version: r.model_version as string,
    variant: r.variant as string, inputs: JSON.parse(r.inputs as string) as Record<string, unknown>, outputs: JSON.parse(r.outputs as string) as Record<string, unknown>,
    latencyMs: r.latency_ms as number, at: r.predicted_at as number,
    ...(r.label !== null && r.label !== undefined ? { label: JSON.parse(r.label as string) as unknown, labeledAt: r.labeled_at as number } : {}),
  };
}

/** An SQL string literal. */
function lit(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** An SQL list of file paths. */
function list(files: readonly string[]): string {
  return `[${files.map(lit).join(', ')}]`;
}
