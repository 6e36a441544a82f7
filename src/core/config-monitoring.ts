/**
 * paddock.yaml's `monitoring:` and `alerts:` sections (issue 6): the prediction log, label joins,
 * windows and alert rules. Kept beside config.ts (core may not import a capability); the
 * monitoring capability reads them from the loaded Config.
 */
import { z } from 'zod';

/**
 * `monitoring.prediction_log`: every answered row goes to an append-only log, written off the
 * request path from a bounded buffer. On by default: the bench (issue 6) keeps its cost under 5 %
 * of serving p50 at half the maximum load.
 */
export const predictionLogConfigSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('log the predictions of `paddock serve` and `paddock server --serve/--deployment`'),
  store: z.enum(['metadata', 'parquet']).default('metadata').describe('metadata: the metadata database; parquet: Parquet files under <artifacts.root>/predictions/'),
  sample_rate: z.number().min(0).max(1).default(1).describe('share of requests logged (all rows of a request are in or out together)'),
  buffer_size: z.number().int().positive().default(100_000).describe('rows waiting to be written; beyond it rows are dropped and counted, serving never waits'),
  flush_interval_ms: z.number().int().positive().default(1000).describe('how often buffered rows are written'),
  flush_rows: z.number().int().positive().default(5000).describe('write as soon as this many rows wait'),
  retention_days: z.number().positive().default(30).describe('predictions older than this are deleted (checked hourly)'),
}).prefault({});

/** `monitoring.labels`: how ground truth arriving later is joined to logged predictions. */
export const labelsConfigSchema = z.strictObject({
  join_window_hours: z.number().positive().default(72).describe('a label joins predictions made at most this long before it'),
  key_column: z.string().min(1).optional().describe('the input column labels name predictions by (besides request ids), for every deployment'),
  key_columns: z.record(z.string(), z.string().min(1)).default({}).describe('per-deployment key columns, over key_column'),
}).prefault({});

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** '10s', '5m', '1h', '1d' → milliseconds (NaN when it is not a duration). */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  return m ? Number(m[1]) * DURATION_UNITS[m[2]!]! : NaN;
}

/** A duration in paddock.yaml (`30s`, `5m`, `1h`, `1d`) within [min, max], kept as written. */
function durationSchema(min: string, max: string, what: string) {
  const [lo, hi] = [durationMs(min), durationMs(max)];
  return z.string().superRefine((text, ctx) => {
    const ms = durationMs(text);
    if (Number.isNaN(ms)) ctx.addIssue({ code: 'custom', message: `'${text}' is not a duration: give a number and a unit (ms, s, m, h, d), e.g. 30s, 5m, 1h or 1d` });
    else if (ms < lo || ms > hi) ctx.addIssue({ code: 'custom', message: `'${text}' is out of range: ${what} must be from ${min} to ${max}` });
  });
}

export const monitoringConfigSchema = z.strictObject({
  prediction_log: predictionLogConfigSchema,
  labels: labelsConfigSchema,
  window: durationSchema('10s', '1d', 'the monitoring window').default('1h')
    .describe('the window serving processes monitor and evaluate alert rules on (10s … 1d; windows are aligned to multiples of it since the epoch)'),
  label_delay: durationSchema('0s', '7d', 'the label delay').default('0s')
    .describe('how long after a window ends it is evaluated, so labels arriving late count towards its performance (0s … 7d)'),
}).prefault({});

/** `monitoring.window` and `monitoring.label_delay` in milliseconds (validated when the config loaded). */
export function monitoringTimes(monitoring: { readonly window: string; readonly label_delay: string }): { readonly windowMs: number; readonly delayMs: number } {
  return { windowMs: durationMs(monitoring.window), delayMs: durationMs(monitoring.label_delay) };
}

/** The metrics an alert rule watches, each measured per monitoring window. */
export const ALERT_METRICS = ['dataset_drift', 'drift_score', 'performance', 'estimated_performance', 'latency_p99', 'error_rate', 'dropped_predictions'] as const;

/** Where an alert goes: the log, a signed webhook, or a retraining pipeline (`retrain:<pipeline>`). */
export const alertNotifySchema = z.union([
  z.literal('log'),
  z.string().regex(/^retrain:.+/, "'log', 'retrain:<pipeline name>' or { webhook: <url>, secret_env: <variable> }"),
  z.strictObject({
    webhook: z.url().describe('POSTed the alert as JSON, signed as MLflow signs webhooks (X-MLflow-Signature)'),
    secret: z.string().min(1).optional().describe('the HMAC-SHA256 signing secret (prefer secret_env)'),
    secret_env: z.string().min(1).optional().describe('the environment variable holding the signing secret'),
  }),
]);

/** One alert rule: a metric, a bound, and how many windows in a row it takes to fire and to clear. */
export const alertRuleSchema = z.strictObject({
  name: z.string().min(1),
  deployment: z.string().min(1).optional().describe('the deployment it watches (default: every monitored deployment)'),
  metric: z.enum(ALERT_METRICS),
  column: z.string().min(1).optional().describe('drift_score: the column'),
  performance_metric: z.string().min(1).optional().describe('performance, estimated_performance: accuracy, f1, roc_auc, log_loss, rmse, mae, r2, …'),
  above: z.number().optional().describe('breached when the value is above this'),
  below: z.number().optional().describe('breached when the value is below this'),
  min_samples: z.number().int().min(0).default(100).describe('windows with fewer rows (labeled rows for performance, requests for latency) are skipped'),
  for_windows: z.number().int().min(1).default(2).describe('consecutive breached windows before it fires'),
  clear_windows: z.number().int().min(1).default(2).describe('consecutive healthy windows before it clears'),
  notify: z.array(alertNotifySchema).default(['log']),
}).superRefine((rule, ctx) => {
  const need = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
  if (rule.metric === 'drift_score' && !rule.column) need('column', "drift_score needs the column whose drift score it watches");
  if ((rule.metric === 'performance' || rule.metric === 'estimated_performance') && !rule.performance_metric) need('performance_metric', `${rule.metric} needs performance_metric (e.g. accuracy, roc_auc, rmse)`);
  const bounded = rule.above !== undefined || rule.below !== undefined;
  if (!bounded && !['dataset_drift', 'drift_score'].includes(rule.metric)) need('below', `${rule.metric} needs a bound: give above or below`);
});

/** `alerts:` a list of rules evaluated on every monitoring window. */
export const alertsConfigSchema = z.array(alertRuleSchema).default([]).superRefine((rules, ctx) => {
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `alert rule '${r.name}' is defined twice; give each rule its own name` });
    seen.add(r.name);
  });
});
