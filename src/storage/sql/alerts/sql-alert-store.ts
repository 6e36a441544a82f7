import type { Generated, Kysely } from 'kysely';
import type { AlertEvent, AlertQuery, AlertStore, StoredAlert } from '../../../monitoring/alerts/index.js';
import type { SqlDialectName } from '../open-database.js';

interface AlertTables {
  monitoring_alerts: {
    alert_id: Generated<number>;
    rule: string;
    deployment: string;
    kind: string;
    metric: string;
    at: number;
    event: string;
  };
}

/** The open metadata database. */
export interface AlertDatabase {
  // Any Kysely over the shared database: the alert table is typed inside the store.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  readonly dialect: SqlDialectName;
}

/** AlertStore over the metadata database; table from migration 007-alerts. */
export class SqlAlertStore implements AlertStore {
  private readonly db: Kysely<AlertTables>;

  constructor(database: AlertDatabase) {
    this.db = database.db as Kysely<AlertTables>;
  }

  async record(event: AlertEvent): Promise<StoredAlert> {
    const row = await this.db.insertInto('monitoring_alerts')
      .values({ rule: event.rule, deployment: event.deployment, kind: event.kind, metric: event.metric, at: event.at, event: JSON.stringify(event) })
      .returning('alert_id')
      .executeTakeFirstOrThrow();
    return { ...event, id: Number(row.alert_id) };
  }

  async list(query: AlertQuery = {}): Promise<readonly StoredAlert[]> {
    let q = this.db.selectFrom('monitoring_alerts').select(['alert_id', 'event']);
    if (query.deployment !== undefined) q = q.where('deployment', '=', query.deployment);
    if (query.rule !== undefined) q = q.where('rule', '=', query.rule);
    if (query.since !== undefined) q = q.where('at', '>=', query.since);
    const rows = await q.orderBy('alert_id', 'desc').limit(query.limit ?? 1000).execute();
    return rows.map((r) => ({ ...(JSON.parse(r.event) as AlertEvent), id: Number(r.alert_id) }));
  }

  async get(id: number): Promise<StoredAlert | undefined> {
    const r = await this.db.selectFrom('monitoring_alerts').select(['alert_id', 'event']).where('alert_id', '=', id).executeTakeFirst();
    return r ? { ...(JSON.parse(r.event) as AlertEvent), id: Number(r.alert_id) } : undefined;
  }
}
