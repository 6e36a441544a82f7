/**
 * Alerts as they fired and cleared, each with the numbers that made it: the port. Persisted so
 * that `paddock audit` can show alert → retraining trigger → … for a version in production.
 * Adapters: SqlAlertStore (storage/sql/alerts, migration 007-alerts), MemoryAlertStore.
 */

/** One window's value in the streak that fired or cleared an alert. */
export interface AlertWindowValue {
  readonly since: number;
  readonly until: number;
  readonly value: number;
  readonly samples: number;
}

/** An alert firing or clearing. */
export interface AlertEvent {
  readonly rule: string;
  readonly deployment: string;
  readonly kind: 'fired' | 'cleared';
  readonly metric: string;
  readonly column?: string;
  readonly performanceMetric?: string;
  /** The value in the last window of the streak, and what it was compared with. */
  readonly value: number;
  readonly condition: string;
  readonly above?: number;
  readonly below?: number;
  /** The windows that made it fire (for_windows of them) or clear (clear_windows), oldest first. */
  readonly windows: readonly AlertWindowValue[];
  /** The end of the last window (ms since the epoch). */
  readonly at: number;
  /** Retraining pipelines the rule names (`retrain:<pipeline>`), for the automation. */
  readonly retrain: readonly string[];
}

/** A stored event with its id. */
export interface StoredAlert extends AlertEvent {
  readonly id: number;
}

/** Which alerts to list (newest first). */
export interface AlertQuery {
  readonly deployment?: string;
  readonly rule?: string;
  readonly since?: number;
  readonly limit?: number;
}

export interface AlertStore {
  record(event: AlertEvent): Promise<StoredAlert>;
  list(query?: AlertQuery): Promise<readonly StoredAlert[]>;
  get(id: number): Promise<StoredAlert | undefined>;
}
