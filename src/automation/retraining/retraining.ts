/**
 * Retraining: a job that reproduces a pipeline on new data, registers its result as a challenger
 * and rolls it out as a canary. Each job is one row in the metadata store (migration
 * 008-retrainings), written as its steps finish, so a crash leaves a record of how far it got.
 */

/** What asked for a retraining, with the evidence: the alert, the data version, the cron tick or the user. */
export type RetrainingTrigger =
  | { readonly kind: 'manual'; readonly detail: { readonly user: string; readonly reason?: string } }
  | { readonly kind: 'data'; readonly detail: { readonly path: string; readonly md5: string; readonly previous?: string } }
  | { readonly kind: 'alert'; readonly detail: { readonly rule: string; readonly deployment?: string; readonly firedAt: string; readonly id?: string; readonly numbers?: Readonly<Record<string, unknown>> } }
  | { readonly kind: 'schedule'; readonly detail: { readonly cron: string; readonly tick: string } };

export type RetrainingTriggerKind = RetrainingTrigger['kind'];

/**
 * queued → running → succeeded | failed; `skipped` is a trigger a guard turned away (or a
 * pipeline with nothing new to register), recorded with its reason so the decision is visible.
 */
export type RetrainingStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** The job steps, in order. */
export type RetrainingStepName = 'pipeline' | 'challenger' | 'gates' | 'canary';

/** One step's outcome, with its timing. */
export interface RetrainingStep {
  readonly name: RetrainingStepName;
  readonly status: 'ok' | 'failed' | 'skipped';
  /** What happened, in a sentence (the failed stage and why; the version; the canary policy). */
  readonly detail: string;
  readonly startedAt: number;
  readonly durationMs: number;
}

/** A retraining as stored. */
export interface Retraining {
  readonly id: string;
  readonly pipeline: string;
  readonly model: string;
  readonly status: RetrainingStatus;
  readonly trigger: RetrainingTrigger;
  /** Why it was skipped or failed (empty while it runs or when it succeeded). */
  readonly reason: string;
  readonly steps: readonly RetrainingStep[];
  /** The challenger version it registered. */
  readonly version?: number;
  /** Tracked path → md5 of the data versions the pipeline ran on (read when the job started). */
  readonly dataVersions: Readonly<Record<string, string>>;
  /** The process running it (`host:pid`), for telling a crashed job from a running one. */
  readonly owner?: string;
  /** How many times a worker started it (a retried job after a crash counts twice). */
  readonly attempts: number;
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** Milliseconds the pipeline step ran, for the cost budget. */
  readonly pipelineMs: number;
}

/** A change to a stored retraining: the fields given replace the stored ones. */
export type RetrainingPatch = Partial<Pick<Retraining, 'status' | 'reason' | 'steps' | 'version' | 'dataVersions' | 'owner' | 'attempts' | 'startedAt' | 'finishedAt' | 'pipelineMs'>>;

/**
 * The retraining store port. Adapter: SqlRetrainingStore (storage/sql/retraining) over the
 * metadata database.
 */
export interface RetrainingStore {
  /** Records a new retraining; ALREADY_EXISTS when the id is taken (a trigger seen twice). */
  create(row: Retraining): Promise<Retraining>;
  get(id: string): Promise<Retraining>;
  update(id: string, patch: RetrainingPatch): Promise<Retraining>;
  /** Newest first; `since` keeps those created at or after it (ms). */
  list(query: { pipeline?: string; model?: string; since?: number; limit?: number }): Promise<Retraining[]>;
}

/** The version tag naming the retraining job that registered a version (registration is keyed on it). */
export const RETRAINING_JOB_TAG = 'paddock.retraining_job';

/** The variable a retraining sets for its pipeline's stages, read by `paddock models register`. */
export const RETRAINING_JOB_ENV = 'PADDOCK_RETRAINING_JOB';

/** Statuses of a retraining that is not over. */
export const ACTIVE_STATUSES: ReadonlySet<RetrainingStatus> = new Set(['queued', 'running']);

/** Who the registry's and deployments' audit logs name for changes the loop makes. */
export const RETRAINING_ACTOR = 'paddock-retraining';
