/** The monitoring API's answers as the pages read them (src/http/api-v1/monitoring.ts). */
export interface ColumnHistogram {
  readonly labels: readonly string[];
  readonly reference: readonly number[];
  readonly current: readonly number[];
}

export interface ColumnDrift {
  readonly column: string;
  readonly kind: string;
  readonly test: string;
  readonly score: number;
  readonly threshold: number;
  readonly drifted: boolean;
  readonly exact: boolean;
  readonly referenceRows: number;
  readonly currentRows: number;
  readonly histogram: ColumnHistogram;
}

export interface DriftReport {
  readonly columns: readonly ColumnDrift[];
  readonly driftedColumns: number;
  readonly share: number;
  readonly driftShare: number;
  readonly datasetDrift: boolean;
}

export interface MonitorWindow {
  readonly since: number;
  readonly until: number;
  readonly rows: number;
  readonly requests: number;
  readonly labeled: number;
  readonly versions: Readonly<Record<string, number>>;
  readonly latency?: { readonly p50: number; readonly p99: number };
  readonly drift?: DriftReport;
  readonly outputDrift?: DriftReport;
  readonly performance: {
    readonly realized?: { readonly rows: number; readonly metrics: Readonly<Record<string, number>> };
    readonly estimated?: Readonly<Record<string, number>>;
  };
}

export interface AlertWindowValue {
  readonly since: number;
  readonly until: number;
  readonly value: number;
  readonly samples: number;
}

export interface Alert {
  readonly id?: number;
  readonly origin?: 'recorded' | 'rules';
  readonly rule: string;
  readonly deployment: string;
  readonly kind: 'fired' | 'cleared';
  readonly metric: string;
  readonly column?: string;
  readonly performanceMetric?: string;
  readonly value: number;
  readonly condition: string;
  readonly windows: readonly AlertWindowValue[];
  readonly at: number;
  readonly retrain: readonly string[];
}

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

export interface ChainLink {
  readonly step: string;
  readonly status: 'ok' | 'failed' | 'skipped' | 'pending';
  readonly detail: string;
  readonly at?: number;
  readonly runId?: string;
  readonly alert?: Alert;
  readonly events?: readonly { readonly deployment: string; readonly kind: string; readonly at: number; readonly actor: string; readonly reason?: string }[];
}

export interface Retraining {
  readonly id: string;
  readonly pipeline: string;
  readonly model: string;
  readonly status: string;
  readonly reason: string;
  readonly version?: number;
  readonly createdAt: number;
  readonly finishedAt?: number;
  readonly chain: readonly ChainLink[];
}
