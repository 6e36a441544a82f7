/** Automation: CI workflows that run Paddock's chain on every push. */
export { planWorkflow, DEFAULT_GATES, CI_SECRETS, type CiWorkflowOptions, type ResolvedCiOptions, type WorkflowPlan, type CiStep, type CiStage } from './ci-workflow/workflow-plan.js';
export { shellQuote, shellCommand } from './ci-workflow/shell-quote.js';
export { renderGithubActions, GITHUB_WORKFLOW_PATH } from './ci-workflow/github-actions.js';
export { renderGitlabCi, GITLAB_CI_PATH, GITLAB_STAGES } from './ci-workflow/gitlab-ci.js';
export { CI_PROVIDERS, parseCiProvider, ciWorkflowPath, renderCiWorkflow, writeCiWorkflow, type CiProvider, type WrittenCiWorkflow } from './ci-workflow/ci-workflow.js';

/** Automation: the retraining loop (triggers → queue → pipeline → challenger → canary) and its guards. */
export {
  RETRAINING_JOB_TAG, RETRAINING_JOB_ENV, RETRAINING_ACTOR, ACTIVE_STATUSES,
  type Retraining, type RetrainingStatus, type RetrainingStep, type RetrainingStepName, type RetrainingTrigger, type RetrainingTriggerKind, type RetrainingPatch, type RetrainingStore,
} from './retraining/retraining.js';
export { runRetraining, type RetrainingJob, type RetrainingDeps, type RetrainingPipelineConfig } from './retraining/run-retraining.js';
export { reproRunner, type PipelineRun, type PipelineRunner } from './retraining/pipeline-runner.js';
export { findJobVersion, adoptChallenger } from './retraining/job-version.js';
export { startCanary, type CanaryDeployments } from './retraining/start-canary.js';
export { guardReason, guardWindowMs, isAbandonedHere, thisOwner, type GuardInput } from './retraining/guards.js';
export { requestRetraining, newRetrainingId, type RequestDeps, type RetrainingRequest } from './retraining/request-retraining.js';
export type { RetrainingQueue, RetrainingHandler } from './retraining/retraining-queue.js';
export { InProcessQueue } from './retraining/in-process-queue.js';
export { BullMqQueue, startBullMqWorker, loadBullMq, probeBullMq, redisConnection, type BullMqSettings, type RetrainingWorker } from './retraining/bullmq-queue.js';
export { parseCron, cronMatches, nextCronTick, type CronSchedule } from './retraining/cron.js';
export { onAlert, checkSchedules, checkDataVersions, type FiredAlert, type DataWatchDeps } from './retraining/triggers.js';
export { TriggerPoller } from './retraining/trigger-poller.js';
export { readDataVersions, lockedDataVersion } from './retraining/data-versions.js';

/** Automation: promotion policies (checks before production moves, approvals, audited overrides) and `paddock audit`. */
export * from './promotion/index.js';
export * from './audit/index.js';
