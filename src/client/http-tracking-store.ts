import type {
  DatasetInput, Experiment, Metric, MetricSeries, Page, Param, Run, RunInfo, RunStatus, SearchExperimentsQuery, SearchRunsQuery, Tags, TrackingStore,
} from '../tracking/index.js';
import { fail, isPaddockError } from '../core/errors.js';
import { JsonHttp, type HttpTarget } from './http-json.js';
import {
  PARENT_RUN_TAG, datasetInputToWire, experimentFromWire, metricFromWire, metricToWire, runFromWire, runInfoFromWire, tagsToWire,
  type WireExperiment, type WireMetric, type WireRun, type WireRunInfo,
} from './mlflow-wire.js';
import { fetchColumnarSeries, seriesFromPoints } from './metric-series.js';

const MLFLOW = '/api/2.0/mlflow';

/**
 * The TrackingStore port over MLflow's REST API (`/api/2.0/mlflow/…`), so the SDK and the CLI
 * work against a Paddock server and an MLflow server alike. Paddock's own API (`/api/v1`) is
 * used only where it adds something MLflow lacks (the columnar metric series, purge), and only
 * when the server answers it.
 */
export class HttpTrackingStore implements TrackingStore {
  readonly http: JsonHttp;

  constructor(target: HttpTarget) {
    this.http = new JsonHttp(target);
  }

  private kind: Promise<'paddock' | 'mlflow'> | undefined;

  /**
   * Whether the server is Paddock (it has /api/v1) or another MLflow server: Paddock accepts
   * far larger log-batch calls than MLflow's 1000 metrics, so the SDK sends bigger batches.
   */
  serverKind(): Promise<'paddock' | 'mlflow'> {
    this.kind ??= this.http.raw('HEAD', '/api/v1/openapi.json').then(() => 'paddock' as const, () => 'mlflow' as const);
    return this.kind;
  }

  async createExperiment(input: { name: string; artifactLocation?: string; tags?: Tags }): Promise<string> {
    const res = await this.http.post<{ experiment_id: string }>(`${MLFLOW}/experiments/create`, {
      name: input.name,
      ...(input.artifactLocation ? { artifact_location: input.artifactLocation } : {}),
      ...(input.tags ? { tags: tagsToWire(input.tags) } : {}),
    });
    return String(res.experiment_id);
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const res = await this.http.get<{ experiment: WireExperiment }>(`${MLFLOW}/experiments/get`, { experiment_id: experimentId });
    return experimentFromWire(res.experiment);
  }

  async getExperimentByName(name: string): Promise<Experiment> {
    const res = await this.http.get<{ experiment: WireExperiment }>(`${MLFLOW}/experiments/get-by-name`, { experiment_name: name });
    return experimentFromWire(res.experiment);
  }

  async searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>> {
    const res = await this.http.post<{ experiments?: WireExperiment[]; next_page_token?: string }>(`${MLFLOW}/experiments/search`, {
      ...(query.maxResults !== undefined ? { max_results: query.maxResults } : {}),
      ...(query.pageToken ? { page_token: query.pageToken } : {}),
      ...(query.filter ? { filter: query.filter } : {}),
      ...(query.orderBy?.length ? { order_by: query.orderBy } : {}),
      ...(query.viewType ? { view_type: query.viewType } : {}),
    });
    return page((res.experiments ?? []).map(experimentFromWire), res.next_page_token);
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    await this.http.post(`${MLFLOW}/experiments/update`, { experiment_id: experimentId, new_name: newName });
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.http.post(`${MLFLOW}/experiments/delete`, { experiment_id: experimentId });
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.http.post(`${MLFLOW}/experiments/restore`, { experiment_id: experimentId });
  }

  /** MLflow has no REST call for this (its `gc` command works on the database): Paddock's API only. */
  async purgeExperiment(experimentId: string): Promise<void> {
    try {
      await this.http.post(`/api/v1/experiments/${encodeURIComponent(experimentId)}/purge`, {});
    } catch (err) {
      if (isPaddockError(err, 'NOT_FOUND') && (err.details.body === 'other' || /^no endpoint/.test(err.message))) {
        fail('INVALID_ARGUMENT', `the server at ${this.http.baseUrl} cannot purge experiments (an MLflow server purges with \`mlflow gc\`)`, { experimentId }, err);
      }
      throw err;
    }
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.http.post(`${MLFLOW}/experiments/set-experiment-tag`, { experiment_id: experimentId, key, value });
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await this.http.post(`${MLFLOW}/experiments/delete-experiment-tag`, { experiment_id: experimentId, key });
  }

  async createRun(input: { experimentId: string; runName?: string; userId?: string; startTime?: number; tags?: Tags; parentRunId?: string }): Promise<Run> {
    const tags = { ...input.tags, ...(input.parentRunId ? { [PARENT_RUN_TAG]: input.parentRunId } : {}) };
    const res = await this.http.post<{ run: WireRun }>(`${MLFLOW}/runs/create`, {
      experiment_id: input.experimentId,
      ...(input.userId !== undefined ? { user_id: input.userId } : {}),
      ...(input.runName !== undefined ? { run_name: input.runName } : {}),
      start_time: input.startTime ?? Date.now(),
      tags: tagsToWire(tags),
    });
    return runFromWire(res.run);
  }

  async getRun(runId: string): Promise<Run> {
    const res = await this.http.get<{ run: WireRun }>(`${MLFLOW}/runs/get`, { run_id: runId });
    return runFromWire(res.run);
  }

  async updateRun(runId: string, patch: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo> {
    const res = await this.http.post<{ run_info: WireRunInfo }>(`${MLFLOW}/runs/update`, {
      run_id: runId,
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.endTime !== undefined ? { end_time: patch.endTime } : {}),
      ...(patch.runName !== undefined ? { run_name: patch.runName } : {}),
    });
    return runInfoFromWire(res.run_info ?? {});
  }

  async deleteRun(runId: string): Promise<void> {
    await this.http.post(`${MLFLOW}/runs/delete`, { run_id: runId });
  }

  async restoreRun(runId: string): Promise<void> {
    await this.http.post(`${MLFLOW}/runs/restore`, { run_id: runId });
  }

  async logBatch(runId: string, batch: { metrics?: readonly Metric[]; params?: readonly Param[]; tags?: Tags }): Promise<void> {
    await this.http.post(`${MLFLOW}/runs/log-batch`, {
      run_id: runId,
      metrics: (batch.metrics ?? []).map(metricToWire),
      params: (batch.params ?? []).map((p) => ({ key: p.key, value: p.value })),
      tags: tagsToWire(batch.tags),
    });
  }

  async logInputs(runId: string, datasets: readonly DatasetInput[]): Promise<void> {
    await this.http.post(`${MLFLOW}/runs/log-inputs`, { run_id: runId, datasets: datasets.map(datasetInputToWire) });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.http.post(`${MLFLOW}/runs/delete-tag`, { run_id: runId, key });
  }

  async getMetricHistory(runId: string, key: string, options: { maxResults?: number; pageToken?: string } = {}): Promise<Page<Metric>> {
    const res = await this.http.get<{ metrics?: WireMetric[]; next_page_token?: string }>(`${MLFLOW}/metrics/get-history`, {
      run_id: runId,
      metric_key: key,
      max_results: options.maxResults,
      page_token: options.pageToken,
    });
    return page((res.metrics ?? []).map(metricFromWire), res.next_page_token);
  }

  /** Paddock's columnar endpoint when the server has it; else every page of MLflow's get-history. */
  async getMetricSeries(runId: string, key: string, options: { maxPoints?: number } = {}): Promise<MetricSeries> {
    const columnar = await fetchColumnarSeries(this.http, runId, key, options);
    if (columnar) return columnar;
    const points: Metric[] = [];
    let pageToken: string | undefined;
    do {
      const p = await this.getMetricHistory(runId, key, { maxResults: 25_000, ...(pageToken ? { pageToken } : {}) });
      points.push(...p.items);
      pageToken = p.nextPageToken;
    } while (pageToken);
    return seriesFromPoints(key, points, options.maxPoints);
  }

  async searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    const res = await this.http.post<{ runs?: WireRun[]; next_page_token?: string }>(`${MLFLOW}/runs/search`, {
      experiment_ids: query.experimentIds,
      ...(query.filter ? { filter: query.filter } : {}),
      ...(query.viewType ? { run_view_type: query.viewType } : {}),
      ...(query.maxResults !== undefined ? { max_results: query.maxResults } : {}),
      ...(query.orderBy?.length ? { order_by: query.orderBy } : {}),
      ...(query.pageToken ? { page_token: query.pageToken } : {}),
    });
    return page((res.runs ?? []).map(runFromWire), res.next_page_token);
  }

  async close(): Promise<void> {
    // fetch's pool closes idle sockets by itself; nothing is held open per store.
  }
}

function page<T>(items: T[], nextPageToken: string | undefined): Page<T> {
  return nextPageToken ? { items, nextPageToken } : { items };
}
