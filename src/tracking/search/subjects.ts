/**
 * Adapters from domain objects to FilterSubject, and MLflow's in-memory ordering, for the
 * small in-memory search paths. Registry shapes are typed structurally so tracking does not
 * import the registry capability.
 */
import type { Experiment, Run } from '../model.js';
import type { OrderClause } from './ast.js';
import type { FilterSubject } from './evaluate.js';

/** The run's latest metrics, params, tags, attributes and datasets. */
export function runFilterSubject(run: Run): FilterSubject {
  const { info } = run;
  return {
    metrics: Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value])),
    params: Object.fromEntries(run.data.params.map((p) => [p.key, p.value])),
    tags: run.data.tags,
    attributes: {
      run_id: info.runId,
      run_name: info.runName,
      user_id: info.userId,
      status: info.status,
      artifact_uri: info.artifactUri,
      start_time: info.startTime,
      end_time: info.endTime,
    },
    datasets: run.inputs.map((d) => ({ name: d.name, digest: d.digest, context: d.tags['mlflow.data.context'] })),
  };
}

/** An experiment's attributes (name, experiment_id, creation_time, last_update_time) and tags. */
export function experimentFilterSubject(e: Experiment): FilterSubject {
  return {
    tags: e.tags,
    attributes: { name: e.name, experiment_id: e.experimentId, creation_time: e.creationTime, last_update_time: e.lastUpdateTime },
  };
}

/** A registered model's attributes and tags. */
export function modelFilterSubject(m: {
  readonly name: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly tags: Readonly<Record<string, string>>;
}): FilterSubject {
  return {
    tags: m.tags,
    attributes: { name: m.name, creation_timestamp: m.creationTimestamp, last_updated_timestamp: m.lastUpdatedTimestamp },
  };
}

/** A model version's attributes (`source_path` is its `source`, `version_number` its `version`) and tags. */
export function modelVersionFilterSubject(v: {
  readonly name: string;
  readonly version: number;
  readonly source: string;
  readonly runId?: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly tags: Readonly<Record<string, string>>;
}): FilterSubject {
  return {
    tags: v.tags,
    attributes: {
      name: v.name,
      version_number: v.version,
      run_id: v.runId,
      source_path: v.source,
      creation_timestamp: v.creationTimestamp,
      last_updated_timestamp: v.lastUpdatedTimestamp,
    },
  };
}

function sortValue(subject: FilterSubject, clause: OrderClause): string | number | null | undefined {
  switch (clause.entity) {
    case 'metric':
      return subject.metrics?.[clause.key];
    case 'param':
      return subject.params?.[clause.key];
    case 'tag':
      return subject.tags?.[clause.key];
    case 'attribute':
      return subject.attributes?.[clause.key];
    case 'dataset':
      return undefined;
  }
}

// Absent values sort last in both directions, NaN just before them (MLflow's _get_value_for_sort).
function rank(v: string | number | null | undefined): number {
  if (v === undefined || v === null) return 2;
  return typeof v === 'number' && Number.isNaN(v) ? 1 : 0;
}

/**
 * Compares two subjects by `order` (first clause first) with MLflow's rules: absent values
 * last, then NaN, whatever the direction. 0 on a tie: callers add their own tie-breakers
 * (runs: start_time DESC, run_id; experiments: experiment_id DESC; models: name).
 */
export function compareByOrder(order: readonly OrderClause[], a: FilterSubject, b: FilterSubject): number {
  for (const clause of order) {
    const va = sortValue(a, clause);
    const vb = sortValue(b, clause);
    const ra = rank(va);
    const rb = rank(vb);
    if (ra !== rb) return ra - rb;
    if (ra !== 0 || va === vb) continue;
    const cmp = va! < vb! ? -1 : 1;
    return clause.ascending ? cmp : -cmp;
  }
  return 0;
}
