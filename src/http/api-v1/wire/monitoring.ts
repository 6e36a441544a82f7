/**
 * Wire shapes of GET /api/v1/deployments/{name}/monitoring, /api/v1/alerts and
 * /api/v1/retrainings: declared once here, used by the routes (monitoring.ts checks its answers
 * against them) and by the web UI (`import type`). The alert types are the monitoring domain's
 * own, re-exported: src/monitoring/alerts/alert-store.ts imports nothing and holds no runtime
 * code (keep it so: `npx tsc -p web/tsconfig.json` checks it without node types).
 */
import type { AlertEvent, StoredAlert } from '../../../monitoring/alerts/alert-store.js';

export type { AlertEvent, AlertWindowValue, StoredAlert } from '../../../monitoring/alerts/alert-store.js';

/** Bars for one column: `labels[i]` names bar i of both series (shares, not counts). */
export interface ColumnHistogram {
  readonly labels: readonly string[];
  readonly reference: readonly number[];
  readonly current: readonly number[];
}

/** One column's drift verdict in a window. */
export interface ColumnDrift {
  readonly column: string;
  readonly kind: string;
  readonly test: string;
  /** A p-value for KS, chi-squared and Z, a distance otherwise. */
  readonly score: number;
  readonly statistic?: number;
  readonly pValue?: number;
  readonly threshold: number;
  readonly drifted: boolean;
  /** False when the test ran on a sketch of the window rather than its rows. */
  readonly exact: boolean;
  readonly referenceRows: number;
  readonly currentRows: number;
  /** Empty (no labels) in every window but the newest with rows: the page draws only that one. */
  readonly histogram: ColumnHistogram;
}

/** Drift over a window's columns and the dataset verdict. */
export interface DriftReport {
  readonly columns: readonly ColumnDrift[];
  readonly skipped: readonly { readonly column: string; readonly reason: string }[];
  readonly driftedColumns: number;
  readonly share: number;
  readonly driftShare: number;
  readonly datasetDrift: boolean;
}

/** Everything measured in one window. */
export interface MonitorWindow {
  readonly deployment: string;
  readonly since: number;
  readonly until: number;
  readonly rows: number;
  readonly requests: number;
  readonly labeled: number;
  readonly versions: Readonly<Record<string, number>>;
  readonly latency?: { readonly p50: number; readonly p99: number };
  readonly errors?: { readonly requests: number; readonly errors: number; readonly rate: number };
  readonly dropped?: number;
  readonly drift?: DriftReport;
  readonly outputDrift?: DriftReport;
  readonly performance: {
    readonly realized?: { readonly rows: number; readonly metrics: Readonly<Record<string, number>>; readonly skipped: number };
    readonly estimated?: EstimatedPerformance;
  };
}

/** A window's expected metrics from CBPE (classification without labels), and the rows they cover. */
export interface EstimatedPerformance {
  readonly rows: number;
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly roc_auc: number;
}

/**
 * An alert as the API answers it: recorded ones carry their `id`; a report's alerts say whether
 * they were recorded or come from evaluating the rules over the report's windows (`origin`).
 */
export interface Alert extends AlertEvent {
  readonly id?: number;
  readonly origin?: 'recorded' | 'rules';
}

/** GET /api/v1/deployments/{name}/monitoring. */
export interface MonitoringReport {
  readonly deployment: string;
  readonly model: string;
  readonly stable: string;
  /** The window used: the query's, else the project's `monitoring.window` (e.g. 10s). */
  readonly window: string;
  readonly windowMs: number;
  readonly windows: readonly MonitorWindow[];
  readonly alerts: readonly Alert[];
  readonly reference: { readonly description: string; readonly source: string; readonly metrics?: Readonly<Record<string, number>> };
}

export type ChainStatus = 'ok' | 'failed' | 'skipped' | 'pending';

/** One link of a retraining's chain of causes: alert → trigger → data → run → evaluation → canary → promotion. */
export interface ChainLink {
  readonly step: 'alert' | 'trigger' | 'data' | 'run' | 'evaluation' | 'canary' | 'promotion';
  readonly status: ChainStatus;
  readonly detail: string;
  readonly at?: number;
  /** The alert as recorded, with its numbers (alert links). */
  readonly alert?: StoredAlert;
  /** The training run (run links). */
  readonly runId?: string;
  /** The deployment changes that concern the challenger (canary and promotion links). */
  readonly events?: readonly { readonly deployment: string; readonly kind: string; readonly at: number; readonly actor: string; readonly reason?: string; readonly revision: number }[];
}

/** A retraining with its chain, as GET /api/v1/retrainings lists it. */
export interface Retraining {
  readonly id: string;
  readonly pipeline: string;
  readonly model: string;
  readonly status: string;
  /** Why it was skipped or failed (empty while it runs or when it succeeded). */
  readonly reason: string;
  readonly version?: number;
  readonly createdAt: number;
  readonly finishedAt?: number;
  readonly chain: readonly ChainLink[];
}
