import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../../../core/clock.js';
import { fail, isPaddockError } from '../../../core/errors.js';
import {
  checkDeploymentName, validatePolicy,
  type AnalysisConfig, type Deployment, type DeploymentEvent, type DeploymentEventKind, type DeploymentStore, type TrafficPolicy,
} from '../../../serving/index.js';
import { isUniqueViolation, translateDbError } from '../db-errors.js';
import type { SqlDialectName } from '../open-database.js';
import { writeTransaction } from '../write-transaction.js';
import { auditDeploymentEvent } from './deployment-audit.js';
import type { DeploymentEventRow, DeploymentRow, DeploymentTables } from './deployment-schema.js';

/** The open metadata database the store works on (an SqlDatabase, or openMetadataStore's result). */
export interface DeploymentDatabase {
  // Any Kysely over the shared database: the deployment tables are typed inside the store.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  readonly dialect: SqlDialectName;
}

/** Who changed a deployment and why. */
type By = { actor: string; reason?: string };

const UPDATE_KINDS: ReadonlySet<DeploymentEventKind> = new Set(['set', 'step', 'promoted', 'rolled-back', 'analysis']);

/**
 * DeploymentStore over the metadata database (SQLite or PostgreSQL). Schema from migration
 * 004-deployments. Each change, its history event and its entry in the registry's audit log of
 * the deployment's model (`deployment.created`, `deployment.step`, …; see deployment-audit.ts)
 * commit in one transaction; updates are optimistic: `expectedRevision` must still match, and a
 * concurrent writer that got there first makes the later one fail rather than overwrite it.
 */
export class SqlDeploymentStore implements DeploymentStore {
  private readonly db: Kysely<DeploymentTables>;
  private readonly dialect: SqlDialectName;
  private readonly clock: Clock;

  constructor(database: DeploymentDatabase, options: { clock?: Clock } = {}) {
    this.db = database.db as Kysely<DeploymentTables>;
    this.dialect = database.dialect;
    this.clock = options.clock ?? systemClock;
  }

  async create(input: { name: string; model: string; policy: TrafficPolicy; analysis?: AnalysisConfig }, by: By): Promise<Deployment> {
    const name = checkDeploymentName(input.name);
    if (typeof input.model !== 'string' || input.model.trim() === '') fail('INVALID_ARGUMENT', 'model: name the registered model the deployment serves', { field: 'model' });
    const policy = validatePolicy(input.policy);
    checkBy(by);
    const now = this.now();
    const row: DeploymentRow = {
      name, model: input.model, policy: JSON.stringify(policy), analysis: input.analysis ? JSON.stringify(input.analysis) : null,
      revision: 1, created_at: now, updated_at: now,
    };
    const exists = (): never => fail('ALREADY_EXISTS', `deployment '${name}' already exists; change it with \`paddock deploy set ${name}\` or pick another name`, { name });
    try {
      await writeTransaction(this.db, this.dialect, async (trx) => {
        if (await trx.selectFrom('deployments').select('name').where('name', '=', name).executeTakeFirst()) exists();
        await trx.insertInto('deployments').values(row).execute();
        await trx.insertInto('deployment_events').values(eventRow(name, 1, now, 'created', by, null, policy)).execute();
        await auditDeploymentEvent(trx, by, { deployment: name, model: input.model, kind: 'created', from: null, to: policy, at: now });
      });
    } catch (err) {
      // A concurrent creator won between the check and the insert.
      if (isUniqueViolation(err) || (isPaddockError(err, 'INTERNAL') && isUniqueViolation(err.cause))) exists();
      throw err;
    }
    return toDeployment(row);
  }

  async get(name: string): Promise<Deployment> {
    return toDeployment(await read(() => this.row(this.db, name)));
  }

  async list(): Promise<Deployment[]> {
    const rows = await read(() => this.db.selectFrom('deployments').selectAll().orderBy('name').execute());
    return rows.map(toDeployment);
  }

  async update(
    name: string,
    change: { policy: TrafficPolicy; analysis?: AnalysisConfig | null; kind: DeploymentEventKind; expectedRevision?: number },
    by: By,
  ): Promise<Deployment> {
    const policy = validatePolicy(change.policy);
    if (!UPDATE_KINDS.has(change.kind)) fail('INVALID_ARGUMENT', `kind: an update is one of ${[...UPDATE_KINDS].join(', ')} (got '${String(change.kind)}')`, { field: 'kind' });
    if (change.expectedRevision !== undefined && !Number.isInteger(change.expectedRevision)) fail('INVALID_ARGUMENT', 'expectedRevision: must be an integer revision', { field: 'expectedRevision' });
    checkBy(by);
    return writeTransaction(this.db, this.dialect, async (trx) => {
      const row = await this.row(trx, name);
      if (change.expectedRevision !== undefined && row.revision !== change.expectedRevision) conflict(name, change.expectedRevision, row.revision);
      const now = this.now();
      const analysis = change.analysis === undefined ? row.analysis : change.analysis === null ? null : JSON.stringify(change.analysis);
      const next: DeploymentRow = { ...row, policy: JSON.stringify(policy), analysis, revision: row.revision + 1, updated_at: now };
      // The revision in the WHERE makes a writer that read the same row first win on PostgreSQL
      // (SQLite's BEGIN IMMEDIATE already serialises writers).
      const result = await trx.updateTable('deployments').set({ policy: next.policy, analysis, revision: next.revision, updated_at: now })
        .where('name', '=', name).where('revision', '=', row.revision).executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) conflict(name, row.revision, row.revision + 1);
      const from = parsePolicy(row.policy);
      await trx.insertInto('deployment_events').values(eventRow(name, next.revision, now, change.kind, by, from, policy)).execute();
      await auditDeploymentEvent(trx, by, { deployment: name, model: row.model, kind: change.kind, from, to: policy, at: now });
      return toDeployment(next);
    });
  }

  async history(name: string): Promise<DeploymentEvent[]> {
    const rows = await read(() => this.db.selectFrom('deployment_events').selectAll().where('deployment', '=', name).orderBy('event_id').execute());
    if (rows.length === 0) await this.get(name); // NOT_FOUND for a name that never existed
    return rows.map(toEvent);
  }

  async delete(name: string, by: By): Promise<void> {
    checkBy(by);
    await writeTransaction(this.db, this.dialect, async (trx) => {
      const row = await this.row(trx, name);
      await trx.deleteFrom('deployments').where('name', '=', name).execute();
      const policy = parsePolicy(row.policy);
      // The history keeps the deletion, with the policy that was being served.
      const now = this.now();
      await trx.insertInto('deployment_events').values(eventRow(name, row.revision + 1, now, 'deleted', by, policy, policy)).execute();
      await auditDeploymentEvent(trx, by, { deployment: name, model: row.model, kind: 'deleted', from: policy, to: null, at: now });
    });
  }

  private async row(db: Kysely<DeploymentTables>, name: string): Promise<DeploymentRow> {
    const row = await db.selectFrom('deployments').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) fail('NOT_FOUND', `deployment '${name}' not found; \`paddock deploy list\` shows the deployments`, { name });
    return row;
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

function conflict(name: string, expected: number, actual: number): never {
  return fail('CONFLICT', `deployment '${name}' was changed by someone else: it is at revision ${actual}, not ${expected}; re-read it (\`paddock deploy status ${name}\`) and retry`, {
    name, conflict: 'revision', expectedRevision: expected, revision: actual,
  });
}

function checkBy(by: By): void {
  if (!by || typeof by.actor !== 'string' || by.actor.trim() === '') fail('INVALID_ARGUMENT', 'actor: every deployment change records who made it; pass a non-empty actor', { field: 'actor' });
  if (by.reason !== undefined && typeof by.reason !== 'string') fail('INVALID_ARGUMENT', 'reason: must be a string', { field: 'reason' });
}

function eventRow(deployment: string, revision: number, at: number, kind: DeploymentEventKind, by: By, from: TrafficPolicy | null, to: TrafficPolicy) {
  return {
    deployment, revision, at, kind, actor: by.actor, reason: by.reason ?? null,
    from_policy: from ? JSON.stringify(from) : null, to_policy: JSON.stringify(to),
  };
}

function parsePolicy(text: string): TrafficPolicy {
  return JSON.parse(text) as TrafficPolicy;
}

function toDeployment(row: DeploymentRow): Deployment {
  return {
    name: row.name, model: row.model, policy: parsePolicy(row.policy),
    ...(row.analysis ? { analysis: JSON.parse(row.analysis) as AnalysisConfig } : {}),
    revision: Number(row.revision), createdAt: Number(row.created_at), updatedAt: Number(row.updated_at),
  };
}

function toEvent(row: DeploymentEventRow): DeploymentEvent {
  return {
    deployment: row.deployment, revision: Number(row.revision), at: Number(row.at), kind: row.kind as DeploymentEventKind, actor: row.actor,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.from_policy !== null ? { from: parsePolicy(row.from_policy) } : {}),
    to: parsePolicy(row.to_policy),
  };
}

/** Reads outside a transaction still report driver failures as catalogue codes. */
async function read<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateDbError(err);
  }
}
