import type { ExperimentColumns } from '../../tracking/index.js';
import { getExperiment } from './experiments.js';
import type { StoreContext } from './store-context.js';

/**
 * The distinct param, metric and tag keys of an experiment's active runs: three DISTINCT
 * queries joined through the runs' (experiment_id, lifecycle_stage) index, so the answer costs
 * one pass over the experiment's key rows, not a read of every run. NOT_FOUND for an unknown
 * experiment (an experiment without runs answers empty lists).
 */
export async function experimentColumns(ctx: StoreContext, experimentId: string): Promise<ExperimentColumns> {
  const id = (await getExperiment(ctx, experimentId)).experimentId;
  const keysOf = async (table: 'params' | 'latest_metrics' | 'tags'): Promise<string[]> => {
    const rows = await ctx.db.selectFrom(table)
      .innerJoin('runs', 'runs.run_uuid', `${table}.run_uuid`)
      .where('runs.experiment_id', '=', Number(id))
      .where('runs.lifecycle_stage', '=', 'active')
      .select(`${table}.key as key`)
      .distinct()
      .execute();
    // Sorted here, not by ORDER BY: SQLite and Postgres collate text differently.
    return rows.map((r) => r.key).sort();
  };
  const [params, metrics, tags] = await Promise.all([keysOf('params'), keysOf('latest_metrics'), keysOf('tags')]);
  return { params, metrics, tags };
}
