import type { Migration } from './migration.js';

/**
 * Monitoring alerts as they fired and cleared, with the numbers that made them (the streak of
 * windows as JSON), so an audit can show alert → retraining trigger. Append-only by use.
 */
export const alertsMigration: Migration = {
  name: '007-alerts',
  async up(db, dialect) {
    let t = db.schema.createTable('monitoring_alerts');
    t = dialect === 'sqlite'
      ? t.addColumn('alert_id', 'integer', (c) => c.primaryKey().autoIncrement())
      : t.addColumn('alert_id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
    await t
      .addColumn('rule', 'varchar(256)', (c) => c.notNull())
      .addColumn('deployment', 'varchar(128)', (c) => c.notNull())
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('metric', 'varchar(64)', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      // The whole event (value, condition, bounds, windows, retrain pipelines) as JSON text.
      .addColumn('event', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('monitoring_alerts_deployment').on('monitoring_alerts').columns(['deployment', 'alert_id']).execute();
  },
};
