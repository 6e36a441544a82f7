/**
 * The data of `paddock monitor report`: the last N windows of a deployment against its
 * reference, with the alerts in that range — those the monitoring loop recorded, and those the
 * configured rules give over these windows (evaluated afresh, not recorded), so a report shows
 * what the rules say even where no loop ran.
 */
import { AlertEvaluator } from '../alerts/alert-evaluator.js';
import type { AlertRule } from '../alerts/alert-rule.js';
import type { AlertEvent, AlertStore, StoredAlert } from '../alerts/alert-store.js';
import type { PredictionLogStore } from '../prediction-log/prediction-log.js';
import { monitorSeries, type WindowResult } from './monitor-window.js';
import type { MonitorReference } from './reference.js';

export interface MonitorReportInput {
  readonly store: PredictionLogStore;
  readonly alertStore?: AlertStore;
  readonly deployment: string;
  readonly reference: MonitorReference;
  readonly windowMs: number;
  readonly windows: number;
  readonly until: number;
  readonly rules: readonly AlertRule[];
  readonly version?: string;
}

/** An alert in the report: recorded (with its id) or from evaluating the rules over the report's windows. */
export type ReportAlert = (StoredAlert & { readonly origin: 'recorded' }) | (AlertEvent & { readonly origin: 'rules' });

export interface MonitorReport {
  readonly deployment: string;
  readonly windowMs: number;
  readonly windows: readonly WindowResult[];
  readonly alerts: readonly ReportAlert[];
}

export async function monitorReport(input: MonitorReportInput): Promise<MonitorReport> {
  const windows = await monitorSeries({ ...input });
  const since = windows[0]!.since;
  const recorded = input.alertStore ? (await input.alertStore.list({ deployment: input.deployment, since })).filter((a) => a.at <= input.until) : [];
  const evaluator = new AlertEvaluator(input.rules);
  const seen = new Set(recorded.map((a) => `${a.rule}|${a.kind}|${a.at}`));
  const fromRules = windows.flatMap((w) => evaluator.evaluate(w)).filter((e) => !seen.has(`${e.rule}|${e.kind}|${e.at}`));
  const alerts: ReportAlert[] = [...recorded.map((a) => ({ ...a, origin: 'recorded' as const })), ...fromRules.map((e) => ({ ...e, origin: 'rules' as const }))].sort((a, b) => a.at - b.at);
  return { deployment: input.deployment, windowMs: input.windowMs, windows, alerts };
}
