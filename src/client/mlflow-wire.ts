import { fail } from '../core/errors.js';
import type { DatasetInput, Experiment, LifecycleStage, Metric, Run, RunInfo, RunStatus, Tags } from '../tracking/index.js';

/**
 * MLflow's JSON shapes (protobuf JSON mapping of service.proto) and their translation to the
 * tracking domain. Requests follow what MLflow's own Python client sends; responses are read
 * leniently: int64 as number or string, omitted defaults, doubles as numbers or the protobuf
 * strings "NaN"/"Infinity"/"-Infinity".
 */

/** A `{key, value}` pair: tags, params, input tags. */
export interface WireKeyValue {
  readonly key?: string;
  readonly value?: string;
}

export interface WireExperiment {
  readonly experiment_id?: string;
  readonly name?: string;
  readonly artifact_location?: string;
  readonly lifecycle_stage?: string;
  readonly last_update_time?: number | string;
  readonly creation_time?: number | string;
  readonly tags?: readonly WireKeyValue[];
}

export interface WireMetric {
  readonly key?: string;
  readonly value?: number | string;
  readonly timestamp?: number | string;
  readonly step?: number | string;
}

export interface WireRunInfo {
  readonly run_id?: string;
  readonly run_uuid?: string;
  readonly run_name?: string;
  readonly experiment_id?: string;
  readonly user_id?: string;
  readonly status?: string;
  readonly start_time?: number | string;
  readonly end_time?: number | string;
  readonly artifact_uri?: string;
  readonly lifecycle_stage?: string;
}

export interface WireDatasetInput {
  readonly tags?: readonly WireKeyValue[];
  readonly dataset?: {
    readonly name?: string;
    readonly digest?: string;
    readonly source_type?: string;
    readonly source?: string;
    readonly schema?: string;
    readonly profile?: string;
  };
}

export interface WireRun {
  readonly info?: WireRunInfo;
  readonly data?: { readonly metrics?: readonly WireMetric[]; readonly params?: readonly WireKeyValue[]; readonly tags?: readonly WireKeyValue[] };
  readonly inputs?: { readonly dataset_inputs?: readonly WireDatasetInput[] };
}

/** MLflow's tag for the parent of a nested run (there is no parent field in the protos). */
export const PARENT_RUN_TAG = 'mlflow.parentRunId';

/** int64 fields arrive as numbers from MLflow's server and as strings from strict protobuf JSON. */
export function int64(value: number | string | undefined): number {
  if (value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value);
}

/** Doubles: protobuf JSON writes non-finite values as strings. */
export function decodeDouble(value: number | string | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(value);
}

/** JSON cannot carry NaN or ±Infinity as numbers: protobuf JSON (which MLflow parses) uses strings. */
export function encodeDouble(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

export function tagsToWire(tags: Tags | undefined): WireKeyValue[] {
  return Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }));
}

export function tagsFromWire(tags: readonly WireKeyValue[] | undefined): Tags {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.key !== undefined) out[t.key] = t.value ?? '';
  return out;
}

export function experimentFromWire(e: WireExperiment): Experiment {
  return {
    experimentId: e.experiment_id ?? '',
    name: e.name ?? '',
    artifactLocation: e.artifact_location ?? '',
    lifecycleStage: (e.lifecycle_stage ?? 'active') as LifecycleStage,
    creationTime: int64(e.creation_time),
    lastUpdateTime: int64(e.last_update_time),
    tags: tagsFromWire(e.tags),
  };
}

/** JSON would hide a non-number value (the server reads numeric strings), so it is refused here. */
export function metricToWire(m: Metric): { key: string; value: number | string; timestamp: number; step: number } {
  if (typeof m.value !== 'number') fail('INVALID_ARGUMENT', `metric '${m.key}': value must be a number, got ${typeof m.value}`, { field: 'value', key: m.key });
  return { key: m.key, value: encodeDouble(m.value), timestamp: m.timestamp, step: m.step };
}

export function metricFromWire(m: WireMetric): Metric {
  return { key: m.key ?? '', value: decodeDouble(m.value), timestamp: int64(m.timestamp), step: int64(m.step) };
}

export function runInfoFromWire(i: WireRunInfo): RunInfo {
  const endTime = i.end_time === undefined || i.end_time === null ? undefined : int64(i.end_time);
  return {
    runId: i.run_id ?? i.run_uuid ?? '',
    experimentId: i.experiment_id ?? '',
    runName: i.run_name ?? '',
    userId: i.user_id ?? '',
    status: (i.status ?? 'RUNNING') as RunStatus,
    startTime: int64(i.start_time),
    ...(endTime !== undefined ? { endTime } : {}),
    artifactUri: i.artifact_uri ?? '',
    lifecycleStage: (i.lifecycle_stage ?? 'active') as LifecycleStage,
  };
}

export function datasetInputToWire(d: DatasetInput): WireDatasetInput {
  return {
    tags: tagsToWire(d.tags),
    dataset: {
      name: d.name,
      digest: d.digest,
      source_type: d.sourceType,
      source: d.source,
      ...(d.schema !== undefined ? { schema: d.schema } : {}),
      ...(d.profile !== undefined ? { profile: d.profile } : {}),
    },
  };
}

export function datasetInputFromWire(d: WireDatasetInput): DatasetInput {
  const ds = d.dataset ?? {};
  return {
    name: ds.name ?? '',
    digest: ds.digest ?? '',
    sourceType: ds.source_type ?? '',
    source: ds.source ?? '',
    ...(ds.schema !== undefined ? { schema: ds.schema } : {}),
    ...(ds.profile !== undefined ? { profile: ds.profile } : {}),
    tags: tagsFromWire(d.tags),
  };
}

export function runFromWire(r: WireRun): Run {
  return {
    info: runInfoFromWire(r.info ?? {}),
    data: {
      metrics: (r.data?.metrics ?? []).map(metricFromWire),
      params: (r.data?.params ?? []).map((p) => ({ key: p.key ?? '', value: p.value ?? '' })),
      tags: tagsFromWire(r.data?.tags),
    },
    inputs: (r.inputs?.dataset_inputs ?? []).map(datasetInputFromWire),
  };
}
