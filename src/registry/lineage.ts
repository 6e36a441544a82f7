import { isPaddockError } from '../core/errors.js';
import type { Run, TrackingStore } from '../tracking/index.js';
import type { Lineage } from './model.js';
import type { RegistryStore } from './registry-store.js';

/** Run tags that carry a run's code and pipeline origin; Paddock's first, then MLflow's. */
export const LINEAGE_TAGS = {
  gitCommit: ['paddock.git.commit', 'mlflow.source.git.commit'],
  gitDirty: ['paddock.git.dirty'],
  stage: ['paddock.stage'],
} as const;

/**
 * A version's origin: run → params, latest metrics, data versions read → git commit and
 * pipeline stage. A version registered without a run has only its name and number; a version
 * whose run was purged says so (`runMissing`) instead of failing.
 */
export async function lineageOf(registry: RegistryStore, tracking: TrackingStore, name: string, version: number): Promise<Lineage> {
  const mv = await registry.getVersion(name, version);
  const base = { model: mv.name, version: mv.version, params: {}, metrics: {}, inputs: [] };
  if (!mv.runId) return base;
  let run: Run;
  try {
    run = await tracking.getRun(mv.runId);
  } catch (err) {
    if (isPaddockError(err, 'NOT_FOUND')) return { ...base, runId: mv.runId, runMissing: true };
    throw err;
  }
  return fromRun(base, run);
}

function fromRun(base: Pick<Lineage, 'model' | 'version'>, run: Run): Lineage {
  const tags = run.data.tags;
  const dirty = firstTag(tags, LINEAGE_TAGS.gitDirty);
  const gitCommit = firstTag(tags, LINEAGE_TAGS.gitCommit);
  const stage = firstTag(tags, LINEAGE_TAGS.stage);
  return {
    ...base,
    runId: run.info.runId,
    experimentId: run.info.experimentId,
    params: Object.fromEntries(run.data.params.map((p) => [p.key, p.value])),
    metrics: Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value])),
    inputs: run.inputs.map((i) => ({ name: i.name, digest: i.digest, source: i.source })),
    ...(gitCommit !== undefined ? { gitCommit } : {}),
    ...(dirty !== undefined ? { gitDirty: dirty.toLowerCase() === 'true' } : {}),
    ...(stage !== undefined ? { stage } : {}),
  };
}

function firstTag(tags: Readonly<Record<string, string>>, keys: readonly string[]): string | undefined {
  for (const k of keys) if (tags[k] !== undefined) return tags[k];
  return undefined;
}
