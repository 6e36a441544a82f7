import type { Project } from '../../core/project.js';
import { listTrackedPaths } from '../../data/index.js';
import { buildDag } from '../dag/build-dag.js';
import { loadPipeline } from '../definition/load-pipeline.js';
import { LockStore } from '../lock/lock-store.js';
import { cachedParamsReader } from './params-reader.js';
import { stageStatus, toDvcStatus, type StageStatus } from './stage-status.js';

/** The status of every stage, in topological order. */
export interface PipelineStatus {
  readonly stages: readonly StageStatus[];
  /** Only the changed stages, in `dvc status --json` shape (`{}` when all is up to date). */
  readonly dvc: Readonly<Record<string, unknown[]>>;
}

/**
 * What changed in each stage since dvc.lock (for `paddock status`): compares every stage
 * with its lock entry without running or writing anything. Stages are checked independently,
 * as `dvc status` does (an upstream change shows on the upstream stage).
 */
export async function pipelineStatus(project: Project, options: { targets?: readonly string[] } = {}): Promise<PipelineStatus> {
  const pipeline = await loadPipeline(project);
  const dag = buildDag(pipeline, { trackedPaths: await listTrackedPaths(project) });
  const order = dag.topoOrder(options.targets);
  const locks = await LockStore.open(new Set(order.map((s) => s.file)), project.stateDir);
  const readParams = cachedParamsReader(project);
  const stages = await Promise.all(order.map((s) => stageStatus(project, s, locks.entry(s), readParams)));
  const dvc: Record<string, unknown[]> = {};
  for (const s of stages) if (s.changed) dvc[s.addressing] = toDvcStatus(s);
  return { stages, dvc };
}
