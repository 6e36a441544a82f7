import type { AlertEvent, AlertQuery, AlertStore, StoredAlert } from '../../monitoring/alerts/index.js';

/** AlertStore in memory: for tests and for serving without a metadata database. */
export class MemoryAlertStore implements AlertStore {
  private readonly alerts: StoredAlert[] = [];

  async record(event: AlertEvent): Promise<StoredAlert> {
    const stored = { ...event, id: this.alerts.length + 1 };
    this.alerts.push(stored);
    return stored;
  }

  async list(query: AlertQuery = {}): Promise<readonly StoredAlert[]> {
    return this.alerts
      .filter((a) => (query.deployment === undefined || a.deployment === query.deployment) && (query.rule === undefined || a.rule === query.rule) && (query.since === undefined || a.at >= query.since))
      .reverse()
      .slice(0, query.limit ?? 1000);
  }

  async get(id: number): Promise<StoredAlert | undefined> {
    return this.alerts[id - 1];
  }
}
