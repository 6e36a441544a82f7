import path from 'node:path';
import { fail } from '../core/errors.js';
import { paramValue, type DatasetInput, type Param, type Run, type RunStatus, type TrackingStore } from '../tracking/index.js';
import { checkArtifactPath, listFiles, type ArtifactSink } from './artifact-sink.js';
import { MetricBuffer, type MetricBufferOptions } from './metric-buffer.js';

/** MLflow's log-batch limits for params and tags per request. */
const PARAMS_PER_BATCH = 100;

/** A data version the run read (MLflow's `mlflow.log_input`). */
export interface InputSpec {
  readonly name: string;
  /** The data's hash (Paddock: the DVC md5). */
  readonly digest: string;
  readonly source: string;
  /** Default `dvc`. */
  readonly sourceType?: string;
  /** e.g. `training`, `evaluation` (tag `mlflow.data.context`). */
  readonly context?: string;
  readonly schema?: string;
  readonly profile?: string;
}

/** A param value: strings as they are, numbers and booleans as their JSON text. */
export type ParamValue = string | number | boolean;

/**
 * A run being recorded. Metrics are buffered (`logMetric` returns at once and never throws
 * for I/O); params, tags, inputs and artifacts are written when called. `end()` flushes and
 * sets the status; a run left open is ended by the exit hooks.
 */
export class ActiveRun {
  private readonly buffer: MetricBuffer;
  private ending: Promise<void> | undefined;

  constructor(
    private readonly store: TrackingStore,
    /** The run as created (status RUNNING). */
    readonly run: Run,
    private readonly artifacts: () => ArtifactSink,
    buffer: MetricBufferOptions,
    private readonly onEnd: () => void,
  ) {
    this.buffer = new MetricBuffer((points) => store.logBatch(this.runId, { metrics: points }), buffer);
  }

  get runId(): string {
    return this.run.info.runId;
  }

  get experimentId(): string {
    return this.run.info.experimentId;
  }

  /** Whether end() was called. */
  get ended(): boolean {
    return this.ending !== undefined;
  }

  /** Queues one metric point (step 0 by default, as MLflow); returns at once. */
  logMetric(key: string, value: number, step = 0): void {
    this.checkOpen();
    if (typeof key !== 'string' || key === '') fail('INVALID_ARGUMENT', 'metric key must be a non-empty string', { field: 'key' });
    if (typeof value !== 'number') fail('INVALID_ARGUMENT', `metric '${key}': value must be a number, got ${typeof value}`, { field: 'value', key });
    if (!Number.isInteger(step)) fail('INVALID_ARGUMENT', `metric '${key}': step must be an integer, got ${step}`, { field: 'step', key });
    this.buffer.add({ key, value, step, timestamp: Date.now() });
  }

  /** Queues several metrics at one step and one timestamp. */
  logMetrics(metrics: Readonly<Record<string, number>>, step = 0): void {
    for (const [key, value] of Object.entries(metrics)) this.logMetric(key, value, step);
  }

  async logParam(key: string, value: ParamValue): Promise<void> {
    await this.logParams({ [key]: value });
  }

  /** Params are write-once: the same value again is fine, a different one is INVALID_ARGUMENT. */
  async logParams(params: Readonly<Record<string, ParamValue>>): Promise<void> {
    this.checkOpen();
    const list: Param[] = Object.entries(params).map(([key, value]) => ({ key, value: paramValue(value) }));
    for (let i = 0; i < list.length; i += PARAMS_PER_BATCH) {
      await this.store.logBatch(this.runId, { params: list.slice(i, i + PARAMS_PER_BATCH) });
    }
  }

  async setTag(key: string, value: string): Promise<void> {
    await this.setTags({ [key]: value });
  }

  async setTags(tags: Readonly<Record<string, string>>): Promise<void> {
    this.checkOpen();
    const entries = Object.entries(tags).map(([k, v]) => [k, String(v)] as const);
    for (let i = 0; i < entries.length; i += PARAMS_PER_BATCH) {
      await this.store.logBatch(this.runId, { tags: Object.fromEntries(entries.slice(i, i + PARAMS_PER_BATCH)) });
    }
  }

  /** Records a data version the run read. */
  async logInput(input: InputSpec): Promise<void> {
    await this.logInputs([input]);
  }

  async logInputs(inputs: readonly InputSpec[]): Promise<void> {
    this.checkOpen();
    const datasets: DatasetInput[] = inputs.map((i) => ({
      name: i.name,
      digest: i.digest,
      source: i.source,
      sourceType: i.sourceType ?? 'dvc',
      ...(i.schema !== undefined ? { schema: i.schema } : {}),
      ...(i.profile !== undefined ? { profile: i.profile } : {}),
      tags: i.context ? { 'mlflow.data.context': i.context } : ({} as Record<string, string>),
    }));
    if (datasets.length) await this.store.logInputs(this.runId, datasets);
  }

  /** Uploads one file to `<artifactPath>/<file name>` under the run's artifact root. */
  async logArtifact(localPath: string, artifactPath?: string): Promise<void> {
    const dir = checkArtifactPath(artifactPath);
    const key = [dir, path.basename(localPath)].filter(Boolean).join('/');
    await this.artifacts().upload(key, localPath);
  }

  /** Uploads a directory's files, keeping their relative paths, under `artifactPath`. */
  async logArtifacts(localDir: string, artifactPath?: string): Promise<void> {
    const dir = checkArtifactPath(artifactPath);
    const sink = this.artifacts();
    for (const rel of await listFiles(localDir)) {
      await sink.upload([dir, rel].filter(Boolean).join('/'), path.join(localDir, rel));
    }
  }

  /** Writes the buffered metrics now; throws a failure of an earlier background write. */
  async flush(): Promise<void> {
    await this.buffer.flush();
  }

  /** Flushes, then sets the status and end time. Calling it again returns the same promise. */
  end(status: RunStatus = 'FINISHED'): Promise<void> {
    this.ending ??= this.finish(status);
    return this.ending;
  }

  private async finish(status: RunStatus): Promise<void> {
    try {
      await this.buffer.flush();
    } finally {
      // The status is written even when some points failed, so the run does not stay RUNNING.
      try {
        await this.store.updateRun(this.runId, { status, endTime: Date.now() });
      } finally {
        this.onEnd();
      }
    }
  }

  private checkOpen(): void {
    if (this.ending) fail('INVALID_STATE', `run ${this.runId} has ended: start a new run to log more`, { runId: this.runId });
  }
}
