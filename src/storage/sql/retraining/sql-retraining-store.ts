import type { Kysely } from 'kysely';
import type { Retraining, RetrainingPatch, RetrainingStatus, RetrainingStore, RetrainingTrigger } from '../../../automation/index.js';
import { fail } from '../../../core/errors.js';
import { isUniqueViolation, translateDbError } from '../db-errors.js';
import type { SqlDialectName } from '../open-database.js';

/** The table as migration 008-retrainings creates it (the slice Kysely sees). */
interface RetrainingTables {
  retrainings: {
    id: string;
    pipeline: string;
    model: string;
    status: string;
    trigger_kind: string;
    trigger_detail: string;
    reason: string;
    steps: string;
    data_versions: string;
    version: number | null;
    owner: string | null;
    attempts: number;
    pipeline_ms: number;
    created_at: number;
    started_at: number | null;
    finished_at: number | null;
  };
}

type Row = RetrainingTables['retrainings'];

/** The open metadata database (an SqlDatabase, or openMetadataStore's result). */
export interface RetrainingDatabase {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  readonly dialect: SqlDialectName;
}

/**
 * RetrainingStore over the metadata database (SQLite or PostgreSQL). Each write is one
 * statement; a row's steps are rewritten whole as a job records them.
 */
export class SqlRetrainingStore implements RetrainingStore {
  private readonly db: Kysely<RetrainingTables>;

  constructor(database: RetrainingDatabase) {
    this.db = database.db as Kysely<RetrainingTables>;
  }

  async create(r: Retraining): Promise<Retraining> {
    try {
      await this.db.insertInto('retrainings').values(toRow(r)).execute();
    } catch (err) {
      if (isUniqueViolation(err)) fail('ALREADY_EXISTS', `retraining '${r.id}' is already recorded`, { id: r.id });
      throw translateDbError(err);
    }
    return r;
  }

  async get(id: string): Promise<Retraining> {
    const row = await read(() => this.db.selectFrom('retrainings').selectAll().where('id', '=', id).executeTakeFirst());
    if (!row) fail('NOT_FOUND', `retraining '${id}' not found; \`paddock retrain <pipeline> --history\` lists them`, { id });
    return fromRow(row);
  }

  async update(id: string, patch: RetrainingPatch): Promise<Retraining> {
    const set: Partial<Row> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.reason !== undefined) set.reason = patch.reason;
    if (patch.steps !== undefined) set.steps = JSON.stringify(patch.steps);
    if (patch.version !== undefined) set.version = patch.version;
    if (patch.dataVersions !== undefined) set.data_versions = JSON.stringify(patch.dataVersions);
    if (patch.owner !== undefined) set.owner = patch.owner;
    if (patch.attempts !== undefined) set.attempts = patch.attempts;
    if (patch.startedAt !== undefined) set.started_at = patch.startedAt;
    if (patch.finishedAt !== undefined) set.finished_at = patch.finishedAt;
    if (patch.pipelineMs !== undefined) set.pipeline_ms = Math.round(patch.pipelineMs);
    if (Object.keys(set).length > 0) {
      const result = await read(() => this.db.updateTable('retrainings').set(set).where('id', '=', id).executeTakeFirst());
      if (Number(result.numUpdatedRows) !== 1) fail('NOT_FOUND', `retraining '${id}' not found`, { id });
    }
    return this.get(id);
  }

  async list(query: { pipeline?: string; model?: string; since?: number; limit?: number }): Promise<Retraining[]> {
    let q = this.db.selectFrom('retrainings').selectAll();
    if (query.pipeline !== undefined) q = q.where('pipeline', '=', query.pipeline);
    if (query.model !== undefined) q = q.where('model', '=', query.model);
    if (query.since !== undefined) q = q.where('created_at', '>=', query.since);
    const rows = await read(() => q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit ?? 1000).execute());
    return rows.map(fromRow);
  }
}

async function read<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateDbError(err);
  }
}

function toRow(r: Retraining): Row {
  return {
    id: r.id, pipeline: r.pipeline, model: r.model, status: r.status, trigger_kind: r.trigger.kind, trigger_detail: JSON.stringify(r.trigger.detail),
    reason: r.reason, steps: JSON.stringify(r.steps), data_versions: JSON.stringify(r.dataVersions), version: r.version ?? null, owner: r.owner ?? null,
    attempts: r.attempts, pipeline_ms: Math.round(r.pipelineMs), created_at: r.createdAt, started_at: r.startedAt ?? null, finished_at: r.finishedAt ?? null,
  };
}

function fromRow(row: Row): Retraining {
  return {
    id: row.id, pipeline: row.pipeline, model: row.model, status: row.status as RetrainingStatus,
    trigger: { kind: row.trigger_kind, detail: JSON.parse(row.trigger_detail) } as RetrainingTrigger,
    reason: row.reason, steps: JSON.parse(row.steps) as Retraining['steps'], dataVersions: JSON.parse(row.data_versions) as Record<string, string>,
    ...(row.version !== null ? { version: Number(row.version) } : {}),
    ...(row.owner !== null ? { owner: row.owner } : {}),
    attempts: Number(row.attempts), pipelineMs: Number(row.pipeline_ms), createdAt: Number(row.created_at),
    ...(row.started_at !== null ? { startedAt: Number(row.started_at) } : {}),
    ...(row.finished_at !== null ? { finishedAt: Number(row.finished_at) } : {}),
  };
}
