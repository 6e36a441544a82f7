import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../../../core/clock.js';
import { fail, isPaddockError } from '../../../core/errors.js';
import type { Approval, PolicyOverride, PromotionStore } from '../../../automation/promotion/index.js';
import type { Actor } from '../../../registry/index.js';
import { isUniqueViolation, translateDbError } from '../db-errors.js';
import type { SqlDialectName } from '../open-database.js';
import { appendAudit } from '../registry/audit-log.js';
import { checkActor, modelRow } from '../registry/registry-context.js';
import type { RegistryTables } from '../registry/registry-schema.js';
import { writeTransaction } from '../write-transaction.js';

interface ApprovalRow {
  model_id: string;
  model_name: string;
  version: number;
  approver: string;
  reason: string | null;
  timestamp: number;
}

/** The slice of the schema this store touches: approvals (migration 009) and the registry's tables. */
interface PromotionTables extends RegistryTables {
  model_version_approvals: ApprovalRow;
}

/** The open metadata database (an SqlDatabase, or openMetadataStore's result). */
export interface PromotionDatabase {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  readonly dialect: SqlDialectName;
}

/**
 * PromotionStore over the metadata database (SQLite or PostgreSQL): approvals in
 * `model_version_approvals`, overrides as `policy.override` events in the registry's audit log
 * (the failing checks in its `to` field, the override's reason as the event's reason).
 */
export class SqlPromotionStore implements PromotionStore {
  private readonly db: Kysely<PromotionTables>;
  private readonly dialect: SqlDialectName;
  private readonly clock: Clock;

  constructor(database: PromotionDatabase, options: { clock?: Clock } = {}) {
    this.db = database.db as Kysely<PromotionTables>;
    this.dialect = database.dialect;
    this.clock = options.clock ?? systemClock;
  }

  async addApproval(model: string, version: number, by: Actor): Promise<Approval> {
    checkActor(by);
    const timestamp = this.clock.now().getTime();
    const already = (): never => fail('ALREADY_EXISTS', `${by.actor} already approved ${model} version ${version}; a policy needing more approvals needs other people's`, { model, version, approver: by.actor });
    try {
      await writeTransaction(this.db, this.dialect, async (trx) => {
        const m = await modelRow(registryView(trx), model);
        const exists = await trx.selectFrom('model_version_approvals').select('approver')
          .where('model_id', '=', m.model_id).where('version', '=', version).where('approver', '=', by.actor).executeTakeFirst();
        if (exists) already();
        await trx.insertInto('model_version_approvals').values({ model_id: m.model_id, model_name: model, version, approver: by.actor, reason: by.reason ?? null, timestamp }).execute();
        await appendAudit(registryView(trx), by, timestamp, { modelId: m.model_id, modelName: model, action: 'version.approved', version });
      });
    } catch (err) {
      // Two approvals racing: the primary key refuses the second.
      if (isUniqueViolation(err) || (isPaddockError(err, 'INTERNAL') && isUniqueViolation(err.cause))) already();
      throw translateDbError(err);
    }
    return { model, version, approver: by.actor, ...(by.reason ? { reason: by.reason } : {}), timestamp };
  }

  async approvals(model: string, version?: number): Promise<Approval[]> {
    try {
      const m = await modelRow(registryView(this.db), model);
      let q = this.db.selectFrom('model_version_approvals').selectAll().where('model_id', '=', m.model_id);
      if (version !== undefined) q = q.where('version', '=', version);
      const rows = await q.orderBy('timestamp').orderBy('approver').execute();
      return rows.map((r) => ({ model, version: Number(r.version), approver: r.approver, ...(r.reason !== null ? { reason: r.reason } : {}), timestamp: Number(r.timestamp) }));
    } catch (err) {
      throw translateDbError(err);
    }
  }

  async recordOverride(o: PolicyOverride, by: Actor): Promise<void> {
    checkActor(by);
    try {
      await writeTransaction(this.db, this.dialect, async (trx) => {
        const m = await modelRow(registryView(trx), o.model);
        await appendAudit(registryView(trx), by, this.clock.now().getTime(), {
          modelId: m.model_id, modelName: o.model, action: 'policy.override', version: o.version, to: o.failed,
          ...(o.alias !== undefined ? { alias: o.alias } : {}), ...(o.deployment !== undefined ? { deployment: o.deployment } : {}),
        });
      });
    } catch (err) {
      throw translateDbError(err);
    }
  }
}

/** The same connection typed as the registry's tables, for the registry's helpers. */
function registryView(db: Kysely<PromotionTables>): Kysely<RegistryTables> {
  return db as unknown as Kysely<RegistryTables>;
}
