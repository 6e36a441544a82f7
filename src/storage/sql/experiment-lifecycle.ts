import { fail } from '../../core/errors.js';
import { isUniqueViolation } from './db-errors.js';
import { DEFAULT_EXPERIMENT, requireExperiment } from './experiments.js';
import { nowMs, type StoreContext } from './store-context.js';
import { checkExperimentName, checkKey, checkTags } from './tracking-validation.js';
import { writeTransaction } from './write-transaction.js';

/** Renames an active experiment; ALREADY_EXISTS when the new name is taken. */
export async function renameExperiment(ctx: StoreContext, experimentId: string, newName: string): Promise<void> {
  const name = checkExperimentName(newName);
  try {
    await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
      const row = await requireExperiment(trx, experimentId, 'active');
      await trx.updateTable('experiments').set({ name, last_update_time: nowMs(ctx) }).where('experiment_id', '=', row.experiment_id).execute();
    });
  } catch (err) {
    if (isUniqueViolation((err as Error).cause ?? err)) fail('ALREADY_EXISTS', `an experiment named '${name}' already exists`, { name });
    throw err;
  }
}

/**
 * Soft-deletes an experiment and its active runs (MLflow). The runs are marked as deleted with
 * the experiment so a restore brings back exactly those, not runs deleted on their own before.
 */
export async function deleteExperiment(ctx: StoreContext, experimentId: string): Promise<void> {
  await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
    const row = await requireExperiment(trx, experimentId, 'active');
    if (row.experiment_id === DEFAULT_EXPERIMENT.id) fail('INVALID_ARGUMENT', "the Default experiment '0' cannot be deleted", { experimentId });
    const t = nowMs(ctx);
    await trx.updateTable('experiments').set({ lifecycle_stage: 'deleted', last_update_time: t }).where('experiment_id', '=', row.experiment_id).execute();
    await trx.updateTable('runs').set({ lifecycle_stage: 'deleted', deleted_time: t, deleted_with_experiment: 1 })
      .where('experiment_id', '=', row.experiment_id).where('lifecycle_stage', '=', 'active').execute();
  });
}

/** Restores a deleted experiment and the runs deleted with it. */
export async function restoreExperiment(ctx: StoreContext, experimentId: string): Promise<void> {
  await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
    const row = await requireExperiment(trx, experimentId, 'deleted');
    await trx.updateTable('experiments').set({ lifecycle_stage: 'active', last_update_time: nowMs(ctx) }).where('experiment_id', '=', row.experiment_id).execute();
    await trx.updateTable('runs').set({ lifecycle_stage: 'active', deleted_time: null, deleted_with_experiment: 0 })
      .where('experiment_id', '=', row.experiment_id).where('deleted_with_experiment', '=', 1).execute();
  });
}

/** Permanently removes a soft-deleted experiment, its runs and all their data; frees the name. */
export async function purgeExperiment(ctx: StoreContext, experimentId: string): Promise<void> {
  await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
    const row = await requireExperiment(trx, experimentId, 'deleted');
    // Foreign keys cascade from runs to params, tags, metrics and inputs, and from the
    // experiment to its tags and datasets.
    await trx.deleteFrom('runs').where('experiment_id', '=', row.experiment_id).execute();
    await trx.deleteFrom('experiments').where('experiment_id', '=', row.experiment_id).execute();
  });
}

/** Sets (or replaces) a tag on an active experiment. */
export async function setExperimentTag(ctx: StoreContext, experimentId: string, key: string, value: string): Promise<void> {
  checkTags({ [checkKey('tag', key)]: value });
  await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
    const row = await requireExperiment(trx, experimentId, 'active');
    await trx.insertInto('experiment_tags').values({ experiment_id: row.experiment_id, key, value })
      .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value })).execute();
    await trx.updateTable('experiments').set({ last_update_time: nowMs(ctx) }).where('experiment_id', '=', row.experiment_id).execute();
  });
}

/** Deletes a tag of an active experiment; NOT_FOUND when it has no such tag (MLflow). */
export async function deleteExperimentTag(ctx: StoreContext, experimentId: string, key: string): Promise<void> {
  await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
    const row = await requireExperiment(trx, experimentId, 'active');
    const r = await trx.deleteFrom('experiment_tags').where('experiment_id', '=', row.experiment_id).where('key', '=', String(key)).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) fail('NOT_FOUND', `experiment '${experimentId}' has no tag '${key}'`, { experimentId, key });
    await trx.updateTable('experiments').set({ last_update_time: nowMs(ctx) }).where('experiment_id', '=', row.experiment_id).execute();
  });
}
