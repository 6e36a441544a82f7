/**
 * paddock.yaml's `retraining:` and `promotion:` sections (issue 6): retraining pipelines with
 * their triggers and guards, and the policies an alias serving production must satisfy. Kept
 * beside config.ts (core may not import a capability); automation reads them from the Config.
 */
import { z } from 'zod';

/** Canary of a retrained challenger: the deployment's analysis settings (serving's AnalysisConfig, in paddock.yaml's snake_case). */
const retrainingCanarySchema = z.strictObject({
  step_weights: z.array(z.number().int().min(1).max(100)).min(1).default([25, 50, 100]).describe('candidate weights stepped through; after the last, promote'),
  interval_seconds: z.number().positive().default(60).describe('seconds between analysis steps'),
  min_samples: z.number().int().nonnegative().default(100).describe('candidate requests an interval needs before it is judged'),
  threshold: z.number().int().positive().optional().describe('failed checks before rolling back (default: the analysis default)'),
  success_rate: z.number().min(0).max(1).optional(),
  p99_latency_ms: z.number().positive().optional(),
}).prefault({});

/** What starts a retraining besides `paddock retrain <pipeline>`. */
const retrainingTriggersSchema = z.strictObject({
  data: z.array(z.string().min(1)).default([]).describe('tracked paths (their .dvc pointer files): a new md5 triggers'),
  alerts: z.array(z.string().min(1)).default([]).describe('alert rule names whose alerts trigger'),
  schedule: z.string().min(1).optional().describe('a 5-field cron expression (minute hour day-of-month month day-of-week), UTC'),
}).prefault({});

/** One retraining pipeline: the dvc.yaml stage that produces a registered model, and where it rolls out. */
const retrainingPipelineSchema = z.strictObject({
  model: z.string().min(1).describe('the registered model the pipeline registers a challenger of'),
  target: z.string().min(1).default('register').describe('the dvc.yaml stage to reproduce (its upstream runs as needed)'),
  deployment: z.string().min(1).optional().describe('the deployment the challenger goes to as a canary; without it, retraining stops at the challenger'),
  canary: retrainingCanarySchema,
  triggers: retrainingTriggersSchema,
  min_interval_minutes: z.number().nonnegative().default(60).describe('a trigger sooner than this after the last retraining of the model is skipped'),
  budget: z.strictObject({
    max_runs_per_day: z.number().int().positive().optional().describe('retrainings of this pipeline started in any 24 hours'),
    max_minutes_per_day: z.number().positive().optional().describe('pipeline minutes spent by this pipeline in any 24 hours'),
  }).prefault({}),
});

export const retrainingConfigSchema = z.strictObject({
  queue: z.string().default('in-process').describe("'in-process', or redis://host:port[/db] for BullMQ workers (`paddock worker`)"),
  queue_name: z.string().min(1).default('paddock-retraining').describe('the BullMQ queue (workers of one project share it)'),
  attempts: z.number().int().positive().default(3).describe('tries of a job on BullMQ workers (a failed or abandoned job is retried with backoff)'),
  backoff_seconds: z.number().nonnegative().default(10).describe('first retry delay, doubled each time'),
  lock_seconds: z.number().positive().default(30).describe("how long a worker's hold on a job lasts without renewal: a killed worker's job is retried after about this"),
  poll_seconds: z.number().positive().default(30).describe('how often `paddock worker --triggers` checks data versions and schedules'),
  pipelines: z.record(z.string(), retrainingPipelineSchema).default({}),
}).prefault({});

/**
 * `promotion.policies.<model>.require`: the evidence a version needs before it serves production.
 * Slice bounds are gate expressions (`auc >= 0.6`) checked on every value of the slice column
 * (`weekday`) or on one value (`weekday=Mon`); they are parsed when a policy is first used.
 */
export const promotionRequireSchema = z.strictObject({
  validation: z.boolean().default(false).describe('every data version the training run read passed `paddock validate`'),
  gates: z.boolean().default(false).describe("the version's latest evaluation with gates (`paddock evaluate --gate`) passed them all"),
  slices: z.record(z.string().min(1), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])).default({})
    .describe('slice column (or column=value) → bound(s) like "auc >= 0.6" on the evaluation run\'s slice metrics'),
  approvals: z.number().int().min(0).default(0).describe('`paddock approve` by this many distinct people'),
}).prefault({});

/** One model's policy (or `*`'s, the default for every model without its own). */
export const promotionPolicySchema = z.strictObject({
  aliases: z.array(z.string().min(1)).default(['champion']).describe('registry aliases that serve production: moving one needs the checks'),
  deployments: z.array(z.string().min(1)).default(['*']).describe("deployments whose stable version is guarded the same way ('*': every deployment of the model)"),
  require: promotionRequireSchema,
}).prefault({});

export const promotionConfigSchema = z.strictObject({
  policies: z.record(z.string().min(1), promotionPolicySchema).default({}).describe('model name (or "*" for every model) → its promotion policy'),
}).prefault({});
