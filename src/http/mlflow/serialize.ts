import type { DatasetInput, Experiment, Metric, Run, RunInfo, Tags } from '../../tracking/index.js';
import type { ModelVersion, RegisteredModel } from '../../registry/index.js';

/**
 * Domain → MLflow JSON, as MLflow's server writes it (proto JSON with the original snake_case
 * field names, int64 fields as JSON numbers, unset fields and empty lists omitted, doubles
 * NaN/±Infinity as the strings "NaN", "Infinity", "-Infinity").
 */

/** A URI as the client should see it (e.g. the run's artifact root as `mlflow-artifacts:/…`). */
export type UriMapper = (uri: string) => string;

/** A double as proto JSON writes it. */
export function jsonDouble(v: number): number | string {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** A double as proto JSON text (for the streaming serializer). */
export function jsonDoubleText(v: number): string {
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
}

function tagList(tags: Tags): { key: string; value: string }[] | undefined {
  const list = Object.entries(tags).map(([key, value]) => ({ key, value }));
  return list.length ? list : undefined;
}

/** Drops undefined fields and empty lists, as proto JSON omits unset and empty fields. */
function compact<T extends Record<string, unknown>>(obj: T): T {
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) delete obj[k];
  }
  return obj;
}

export function experimentJson(e: Experiment, uri: UriMapper) {
  return compact({
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: uri(e.artifactLocation),
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime,
    creation_time: e.creationTime,
    tags: tagList(e.tags),
  });
}

export function metricJson(m: Metric) {
  return { key: m.key, value: jsonDouble(m.value), timestamp: m.timestamp, step: m.step };
}

export function runInfoJson(i: RunInfo, uri: UriMapper) {
  return compact({
    run_id: i.runId,
    run_uuid: i.runId,
    run_name: i.runName,
    experiment_id: i.experimentId,
    user_id: i.userId,
    status: i.status,
    start_time: i.startTime,
    end_time: i.endTime ?? undefined,
    artifact_uri: uri(i.artifactUri),
    lifecycle_stage: i.lifecycleStage,
  });
}

function datasetInputJson(d: DatasetInput) {
  return compact({
    tags: tagList(d.tags),
    dataset: compact({ name: d.name, digest: d.digest, source_type: d.sourceType, source: d.source, schema: d.schema, profile: d.profile }),
  });
}

export function runJson(r: Run, uri: UriMapper) {
  return {
    info: runInfoJson(r.info, uri),
    data: compact({
      metrics: r.data.metrics.map(metricJson),
      params: r.data.params.map((p) => ({ key: p.key, value: p.value })),
      tags: tagList(r.data.tags),
    }),
    inputs: compact({ dataset_inputs: r.inputs.map(datasetInputJson) }),
  };
}

export function modelVersionJson(v: ModelVersion, uri: UriMapper = (u) => u) {
  return compact({
    name: v.name,
    // ModelVersion.version is a string in model_registry.proto.
    version: String(v.version),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    current_stage: 'None',
    description: v.description || undefined,
    source: uri(v.source),
    run_id: v.runId || undefined,
    status: v.status,
    tags: tagList(v.tags),
    aliases: [...v.aliases],
  });
}

export function registeredModelJson(m: RegisteredModel, uri: UriMapper = (u) => u) {
  return compact({
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    description: m.description || undefined,
    latest_versions: m.latestVersion ? [modelVersionJson(m.latestVersion, uri)] : undefined,
    tags: tagList(m.tags),
    aliases: Object.entries(m.aliases).map(([alias, version]) => ({ alias, version: String(version) })),
  });
}

/** Adds `next_page_token` when there is a next page. */
export function withPageToken<T extends object>(body: T, token: string | undefined): T & { next_page_token?: string } {
  return token ? { ...body, next_page_token: token } : body;
}
