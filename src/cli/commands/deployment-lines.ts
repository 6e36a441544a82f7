/**
 * What `paddock serve --deployment` and `paddock server --deployment` print while they serve
 * deployments: policies applied, analysis decisions, alerts with their numbers, retrainings.
 */
import type { DeploymentEvents } from '../../app-deployments.js';
import type { AlertEvent } from '../../monitoring/index.js';
import type { Output } from '../output.js';
import { requestedLine, retrainingLines } from './retraining-context.js';

/** Prints each deployment event as a line of `out` (warnings as warnings). */
export function deploymentLines(out: Output): DeploymentEvents {
  return {
    ...retrainingLines(out),
    onUnloaded: (deployment, version) => out.line(`Deployment ${deployment}: unloaded version ${version} (no policy names it)`),
    onRemoved: (name) => out.line(`Deployment ${name} was deleted: no longer served`),
    onApplied: (d) => out.line(`Deployment ${d.name} (revision ${d.revision}): stable ${d.policy.stable}${d.policy.candidates.map((c) => `, canary ${c.version} at ${c.weight}%`).join('')}${d.policy.mirror ? `, mirror ${d.policy.mirror.version} at ${d.policy.mirror.percent}%` : ''}`),
    onDecision: (d) => out.line(`Deployment ${d.deployment}: ${d.reason}`),
    onAlert: (alert) => out.line(alertLine(alert)),
    onRequested: (r) => out.line(requestedLine(r)),
    onWarning: (message) => out.warn(message),
  };
}

/**
 * The line a serving process prints for a fired or cleared alert, with the numbers behind it:
 * `Alert auc-decay fired on flights: performance roc_auc < 0.655 in 2 windows: 0.6532 (2419 samples), 0.6418 (6569 samples)`.
 */
export function alertLine(alert: AlertEvent): string {
  const what = [alert.metric, alert.performanceMetric ?? alert.column].filter(Boolean).join(' ');
  const windows = alert.windows.map((w) => `${Number(w.value.toPrecision(4))} (${w.samples} samples)`).join(', ');
  return `Alert ${alert.rule} ${alert.kind} on ${alert.deployment}: ${what} ${alert.condition} in ${alert.windows.length} window${alert.windows.length === 1 ? '' : 's'}: ${windows}`;
}
