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

export const monitoringConfigSchema = z.strictObject({
  prediction_log: predictionLogConfigSchema,
  labels: labelsConfigSchema,
}).prefault({});

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
