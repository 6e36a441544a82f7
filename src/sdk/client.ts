import os from 'node:os';
import path from 'node:path';
import { openMetadata, openProject } from '../app.js';
// The project-level package ports (artifact-root uploader) live beside the CLI command that uses them.
import { packageUploader } from '../app-model-packages.js';
import { HttpDeployments, type CreateDeploymentInput, type DeploymentsApi, type DeploymentWriteOptions } from '../client/http-deployments.js';
import { JsonHttp } from '../client/http-json.js';
import { fail, isPaddockError } from '../core/errors.js';
import { headState } from '../core/git.js';
import { registerPackage } from '../models/index.js';
import type { ModelVersion } from '../registry/index.js';
import type { Deployment, DeploymentChange, DeploymentEvent } from '../serving/index.js';
import { SqlRegistryStore } from '../storage/sql/registry/sql-registry-store.js';
import {
  readRunContext, runContextInputs, runContextParams, runContextTags, type ReproStageContext, type Tags, type TrackingStore,
} from '../tracking/index.js';
import { ActiveRun } from './active-run.js';
import { artifactSinkFor, type ArtifactSink } from './artifact-sink.js';
import { trackOpenRun } from './exit-hooks.js';
import { LocalDeployments } from './local-deployments.js';
import { openTracking, type OpenedTracking } from './open-tracking.js';
import { promotionGuard } from '../app-promotion.js';

/** How a client finds its store. */
export interface ClientOptions {
  /**
   * `http(s)://host:port` → a Paddock (or MLflow) server; `sqlite:…`/`postgres://…` → that
   * database with the project's settings; absent → `PADDOCK_TRACKING_URI`, then
   * `MLFLOW_TRACKING_URI`, else the project around `cwd` (its paddock.yaml `metadata.uri`).
   */
  readonly trackingUri?: string;
  /** Where the project is looked up (default: `PADDOCK_ROOT` inside a stage, else the cwd). */
  readonly cwd?: string;
  /** Bearer token for a server started with --auth (default `PADDOCK_TRACKING_TOKEN`, `MLFLOW_TRACKING_TOKEN`). */
  readonly token?: string;
  /** Environment to read settings and the repro stage from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Metric points per store call (default: 1000 to an MLflow server, its limit; 20,000 to Paddock's; 10,000 locally). */
  readonly batchSize?: number;
  /** Longest a point waits in the buffer (default 1000 ms). */
  readonly flushIntervalMs?: number;
  /** End open runs at exit, on an uncaught exception and on SIGINT/SIGTERM (default true). */
  readonly handleExit?: boolean;
}

/** What `startRun` takes. */
export interface StartRunOptions {
  /** Experiment name, created on first use (default `PADDOCK_EXPERIMENT_NAME`, `MLFLOW_EXPERIMENT_NAME`, else `Default`). */
  readonly experiment?: string;
  /** An existing experiment id instead of a name. */
  readonly experimentId?: string;
  readonly runName?: string;
  readonly tags?: Tags;
  /** Make the run a child of the innermost run this client has open. */
  readonly nested?: boolean;
  /** An explicit parent run. */
  readonly parentRunId?: string;
}

/** What `registerModel` takes besides the package directory. */
export interface RegisterModelOptions {
  /** The registered model, created on first use. */
  readonly name: string;
  /** Point this alias (e.g. `challenger`) at the new version. */
  readonly alias?: string;
  readonly description?: string;
  /** Register even when the signature differs from the latest version's. */
  readonly force?: boolean;
  /** Who registers, for the audit log (default `PADDOCK_ACTOR`, else the OS user). */
  readonly actor?: string;
}

/**
 * The SDK's entry: one store (local or remote, same port) and the runs started through it.
 */
export class PaddockClient {
  private opened: Promise<OpenedTracking> | undefined;
  private readonly experimentIds = new Map<string, string>();
  private readonly stack: ActiveRun[] = [];
  private readonly env: NodeJS.ProcessEnv;
  private deploymentsApi: DeploymentsApi | undefined;

  constructor(private readonly options: ClientOptions = {}) {
    this.env = options.env ?? process.env;
  }

  /** The tracking store, opened on first use. */
  async store(): Promise<TrackingStore> {
    return (await this.open()).tracking;
  }

  /** The innermost run this client has open. */
  activeRun(): ActiveRun | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** The id of the experiment named `name`, created when missing. INVALID_STATE if it is deleted. */
  async experimentId(name: string): Promise<string> {
    const known = this.experimentIds.get(name);
    if (known) return known;
    const store = await this.store();
    let id: string;
    try {
      const e = await store.getExperimentByName(name);
      if (e.lifecycleStage === 'deleted') fail('INVALID_STATE', `experiment '${name}' is deleted: restore it (\`paddock experiments restore ${e.experimentId}\`) or use another name`, { experiment: name });
      id = e.experimentId;
    } catch (err) {
      if (!isPaddockError(err, 'NOT_FOUND')) throw err;
      id = await store.createExperiment({ name }).catch(async (e: unknown) => {
        // Another process created it between our two calls.
        if (isPaddockError(e, 'ALREADY_EXISTS')) return (await store.getExperimentByName(name)).experimentId;
        throw e;
      });
    }
    this.experimentIds.set(name, id);
    return id;
  }

  /**
   * Starts a run. Inside a `paddock repro` stage it is tagged with the stage and commit and
   * gets the stage's params as params and its deps (with their dvc.lock md5) as inputs.
   */
  async startRun(options: StartRunOptions = {}): Promise<ActiveRun> {
    const opened = await this.open();
    const store = opened.tracking;
    const experimentId = options.experimentId ?? (await this.experimentId(options.experiment ?? this.defaultExperiment()));
    const stage = readRunContext(this.env);
    const parentRunId = options.parentRunId ?? (options.nested ? this.activeRun()?.runId : undefined);
    const userId = safeUser();
    const run = await store.createRun({
      experimentId,
      ...(options.runName ? { runName: options.runName } : {}),
      userId,
      startTime: Date.now(),
      tags: { ...(await this.sourceTags(stage, userId)), ...options.tags },
      ...(parentRunId ? { parentRunId } : {}),
    });
    let untrack = (): void => {};
    const active: ActiveRun = new ActiveRun(store, run, memo(() => this.artifactSink(opened, run.info.artifactUri)), {
      batchSize: this.options.batchSize ?? opened.batchSize,
      flushIntervalMs: this.options.flushIntervalMs ?? 1000,
      flushThreshold: this.options.batchSize ?? opened.batchSize,
    }, () => {
      untrack();
      const i = this.stack.indexOf(active);
      if (i >= 0) this.stack.splice(i, 1);
    });
    if (this.options.handleExit !== false) untrack = trackOpenRun(active);
    this.stack.push(active);
    if (stage) await this.logStage(store, active, stage);
    return active;
  }

  /**
   * Registers the model package in `dir` as a new version of `options.name`, as `paddock models
   * register <dir> --name …` does: checks it, refuses a changed signature unless `force`,
   * uploads it under the project's artifact root and records signature and lineage. Local
   * stores only (the project's database, or a sqlite:/postgres:// tracking URI).
   */
  async registerModel(dir: string, options: RegisterModelOptions): Promise<ModelVersion> {
    const uri = this.options.trackingUri ?? (this.env.PADDOCK_TRACKING_URI || this.env.MLFLOW_TRACKING_URI || undefined);
    if (uri && !/^(sqlite:|postgres(ql)?:\/\/)/i.test(uri)) {
      fail('INVALID_ARGUMENT', `registerModel needs a local store, not '${uri}': run it where the project is (no tracking URI, or sqlite:…/postgres://…), or run \`paddock models register <package-dir> --name ${options.name}\` on the server's machine`, { field: 'trackingUri', uri });
    }
    const cwd = this.options.cwd ?? (this.env.PADDOCK_ROOT || process.cwd());
    const project = openProject({ cwd, logLevel: 'silent', env: this.env, ...(uri ? { flags: { 'metadata.uri': uri } } : {}) });
    const metadata = await openMetadata(project);
    try {
      const input = { dir: path.resolve(cwd, dir), name: options.name, alias: options.alias, description: options.description, force: options.force };
      return await registerPackage(input, { registry: promotionGuard(project, metadata).registry(new SqlRegistryStore(metadata)), upload: packageUploader(project) }, { actor: options.actor || this.env.PADDOCK_ACTOR || safeUser() });
    } finally {
      await metadata.close();
    }
  }

  /** Every deployment, by name (`paddock deploy list`). */
  listDeployments(): Promise<Deployment[]> {
    return this.deployments().list();
  }

  /** A deployment: its policy, analysis, revision and timestamps. */
  getDeployment(name: string): Promise<Deployment> {
    return this.deployments().get(name);
  }

  /** A new deployment of a registered model (`paddock deploy create`); the analysis fields left out take the defaults. */
  createDeployment(input: CreateDeploymentInput, options?: Pick<DeploymentWriteOptions, 'reason' | 'actor'>): Promise<Deployment> {
    return this.deployments().create(input, options);
  }

  /** Changes the stable version, candidates, mirror, sticky key or analysis; `null` removes one (`paddock deploy set`). */
  updateDeployment(name: string, change: DeploymentChange, options?: DeploymentWriteOptions): Promise<Deployment> {
    return this.deployments().update(name, change, options);
  }

  /** The first candidate becomes stable. */
  promoteDeployment(name: string, options?: DeploymentWriteOptions): Promise<Deployment> {
    return this.deployments().promote(name, options);
  }

  /** All traffic back to the previous stable version. */
  rollbackDeployment(name: string, options?: DeploymentWriteOptions): Promise<Deployment> {
    return this.deployments().rollback(name, options);
  }

  /** Every change to a deployment, oldest first: who, when, what and why. */
  deploymentHistory(name: string): Promise<DeploymentEvent[]> {
    return this.deployments().history(name);
  }

  /** Deletes a deployment (its history is kept). */
  deleteDeployment(name: string, options?: Pick<DeploymentWriteOptions, 'reason' | 'actor'>): Promise<void> {
    return this.deployments().delete(name, options);
  }

  /** Ends open runs (FINISHED) and closes the store. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.stack].map((r) => r.end()));
    const opened = this.opened;
    this.opened = undefined;
    if (opened) await (await opened).close();
  }

  /**
   * A server by URL: its /api/v1/deployments (an MLflow server has none). Otherwise the project's
   * database (or the sqlite:/postgres:// tracking URI), opened per call.
   */
  private deployments(): DeploymentsApi {
    if (this.deploymentsApi) return this.deploymentsApi;
    const uri = this.options.trackingUri ?? (this.env.PADDOCK_TRACKING_URI || this.env.MLFLOW_TRACKING_URI || undefined);
    if (uri && /^https?:\/\//i.test(uri)) {
      const token = this.options.token ?? (this.env.PADDOCK_TRACKING_TOKEN || this.env.MLFLOW_TRACKING_TOKEN || undefined);
      this.deploymentsApi = new HttpDeployments(new JsonHttp({ baseUrl: uri, ...(token ? { token } : {}) }));
    } else {
      const cwd = this.options.cwd ?? (this.env.PADDOCK_ROOT || process.cwd());
      const project = () => openProject({ cwd, logLevel: 'silent', env: this.env, ...(uri ? { flags: { 'metadata.uri': uri } } : {}) });
      const open = async () => {
        const p = project();
        const metadata = await openMetadata(p);
        // Moves of a guarded deployment's stable version pass the promotion policy first.
        return { ...metadata, db: metadata.db, dialect: metadata.dialect, close: () => metadata.close(), guard: promotionGuard(p, metadata).deployments };
      };
      this.deploymentsApi = new LocalDeployments(open, () => this.env.PADDOCK_ACTOR || safeUser());
    }
    return this.deploymentsApi;
  }

  private open(): Promise<OpenedTracking> {
    this.opened ??= openTracking({
      trackingUri: this.options.trackingUri ?? (this.env.PADDOCK_TRACKING_URI || this.env.MLFLOW_TRACKING_URI || undefined),
      cwd: this.options.cwd ?? (this.env.PADDOCK_ROOT || process.cwd()),
      token: this.options.token ?? (this.env.PADDOCK_TRACKING_TOKEN || this.env.MLFLOW_TRACKING_TOKEN || undefined),
      env: this.env,
    });
    return this.opened;
  }

  private defaultExperiment(): string {
    return this.env.PADDOCK_EXPERIMENT_NAME || this.env.MLFLOW_EXPERIMENT_NAME || 'Default';
  }

  /** MLflow's source tags, plus the stage link; outside a stage, the commit of the cwd's repo. */
  private async sourceTags(stage: ReproStageContext | undefined, userId: string): Promise<Tags> {
    const base = { 'mlflow.user': userId, 'mlflow.source.type': 'LOCAL', 'mlflow.source.name': process.argv[1] ?? 'node' };
    if (stage) return { ...base, ...runContextTags(stage) };
    const head = await headState(this.options.cwd ?? process.cwd());
    return head
      ? { ...base, 'mlflow.source.git.commit': head.commit, 'paddock.git.commit': head.commit, 'paddock.git.dirty': String(head.dirty) }
      : base;
  }

  private async logStage(store: TrackingStore, run: ActiveRun, stage: ReproStageContext): Promise<void> {
    const params = runContextParams(stage);
    for (let i = 0; i < params.length; i += 100) await store.logBatch(run.runId, { params: params.slice(i, i + 100) });
    const inputs = runContextInputs(stage);
    if (inputs.length) await store.logInputs(run.runId, inputs);
  }

  private artifactSink(opened: OpenedTracking, artifactUri: string): ArtifactSink {
    return artifactSinkFor(artifactUri, { ...(opened.http ? { http: opened.http } : {}), settings: opened.artifacts });
  }
}

/** Creates a client; nothing is opened until the first call that needs the store. */
export function createClient(options: ClientOptions = {}): PaddockClient {
  return new PaddockClient(options);
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

function memo<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
