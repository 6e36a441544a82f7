import { sql, type Kysely } from 'kysely';
import type { TriggerRecord, TriggerSource } from '../../../automation/audit/index.js';
import type { ModelVersion } from '../../../registry/index.js';
import type { PromotionDatabase } from './sql-promotion-store.js';

/** The version tag a retraining puts on the version it registered (automation/retraining). */
const RETRAINING_JOB_TAG = 'paddock.retraining_job';

interface RetrainingRow {
  id: string;
  trigger_kind: string;
  trigger_detail: string;
  created_at: number | string;
}

/**
 * Triggers for `paddock audit`, read from the `retrainings` table (migration 008) when the
 * database has it: the retraining that registered the version (by the version's job tag, else by
 * model and version) and its trigger; an alert trigger carries the alert's rule, time and numbers
 * in its detail. Without the table, or without a row, the audit says the trigger is unknown.
 * Read with plain SQL so the audit does not depend on the retraining store's code.
 */
export class SqlTriggerSource implements TriggerSource {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly db: Kysely<any>;

  constructor(database: PromotionDatabase) {
    this.db = database.db;
  }

  async triggerOf(mv: ModelVersion): Promise<TriggerRecord | undefined> {
    const job = mv.tags[RETRAINING_JOB_TAG];
    let row: RetrainingRow | undefined;
    try {
      const q = this.db.selectFrom('retrainings').select(['id', 'trigger_kind', 'trigger_detail', 'created_at']);
      row = (job ? await q.where('id', '=', job).executeTakeFirst() : undefined)
        ?? await q.where('model', '=', mv.name).where('version', '=', mv.version).orderBy('created_at', 'desc').executeTakeFirst();
    } catch (err) {
      if (await this.hasNoRetrainings()) return undefined;
      throw err;
    }
    return row ? triggerRecord(row) : undefined;
  }

  /** Whether the database lacks the retrainings table (migration 008 not applied). */
  private async hasNoRetrainings(): Promise<boolean> {
    try {
      await sql`select 1 from retrainings where 1 = 0`.execute(this.db);
      return false;
    } catch {
      return true;
    }
  }
}

function triggerRecord(row: RetrainingRow): TriggerRecord {
  let detail: Record<string, unknown> = {};
  try {
    detail = JSON.parse(row.trigger_detail) as Record<string, unknown>;
  } catch {
    // An unreadable detail still names the kind and the job.
  }
  const at = Number(row.created_at);
  const base = { kind: row.trigger_kind, at, retraining: row.id };
  const text = (k: string) => (typeof detail[k] === 'string' ? (detail[k] as string) : undefined);
  switch (row.trigger_kind) {
    case 'alert': {
      const fired = text('firedAt');
      const firedAt = fired !== undefined ? Date.parse(fired) : NaN;
      const numbers = detail.numbers ? ` ${JSON.stringify(detail.numbers)}` : '';
      return {
        ...base, detail: `alert ${text('rule') ?? '?'}${text('deployment') ? ` on deployment ${text('deployment')}` : ''}`,
        alert: { rule: text('rule') ?? '?', ...(Number.isFinite(firedAt) ? { at: firedAt } : {}), detail: `${text('id') ? `alert ${text('id')}` : 'fired'}${numbers}` },
      };
    }
    case 'data': return { ...base, detail: `new data ${text('path') ?? '?'} md5 ${text('md5') ?? '?'}${text('previous') ? ` (was ${text('previous')})` : ''}` };
    case 'schedule': return { ...base, detail: `schedule ${text('cron') ?? '?'} tick ${text('tick') ?? '?'}` };
    case 'manual': return { ...base, detail: `by hand by ${text('user') ?? '?'}${text('reason') ? `: ${text('reason')}` : ''}` };
    default: return { ...base, detail: row.trigger_detail };
  }
}
