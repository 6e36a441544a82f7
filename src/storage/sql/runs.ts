import type { Kysely } from 'kysely';
import { fail } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Run, RunInfo, RunStatus, Tags } from '../../tracking/index.js';
import { requireExperiment } from './experiments.js';
import { loadRunData } from './run-data.js';
import { randomRunName } from './run-names.js';
import { joinUri, nowMs, type StoreContext } from './store-context.js';
import type { TrackingTables } from './tracking-schema.js';
import { checkKey, checkRunId, checkTags, LIMITS } from './tracking-validation.js';
import { writeTransaction } from './write-transaction.js';

type Db = Kysely<TrackingTables>;
export type RunRow = TrackingTables['runs'];

/** MLflow's reserved tags that mirror run fields. */
export const RUN_NAME_TAG = 'mlflow.runName';
export const PARENT_RUN_TAG = 'mlflow.parentRunId';
export const USER_TAG = 'mlflow.user';
const STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

/** Creates a run in an active experiment (MLflow's create_run semantics for names and tags). */
export async function createRun(ctx: StoreContext, input: { experimentId: string; runName?: string; userId?: string; startTime?: number; tags?: Tags; parentRunId?: string }): Promise<Run> {
  const tags: Record<string, string> = Object.fromEntries(checkTags(input.tags ?? {}));
  const runName = resolveRunName(input.runName, tags[RUN_NAME_TAG]);
  tags[RUN_NAME_TAG] = runName;
  const userId = input.userId ?? tags[USER_TAG] ?? '';
  if (input.userId !== undefined && tags[USER_TAG] === undefined) tags[USER_TAG] = input.userId;
  if (input.startTime !== undefined && !Number.isSafeInteger(input.startTime)) fail('INVALID_ARGUMENT', 'start_time must be an integer of epoch milliseconds', { field: 'start_time' });
  const runId = newId();
  await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
    const exp = await requireExperiment(trx, input.experimentId, 'active');
    if (input.parentRunId !== undefined) {
      await requireRun(trx, input.parentRunId);
      tags[PARENT_RUN_TAG] = input.parentRunId;
    }
    await trx.insertInto('runs').values({
      run_uuid: runId, experiment_id: exp.experiment_id, name: runName, user_id: userId, status: 'RUNNING',
      start_time: input.startTime ?? nowMs(ctx), end_time: null, artifact_uri: joinUri(exp.artifact_location, runId, 'artifacts'),
      lifecycle_stage: 'active', deleted_time: null, deleted_with_experiment: 0,
    }).execute();
    await trx.insertInto('tags').values(Object.entries(tags).map(([key, value]) => ({ run_uuid: runId, key, value }))).execute();
  });
  return getRun(ctx, runId);
}

function resolveRunName(argument: string | undefined, tag: string | undefined): string {
  if (argument !== undefined && tag !== undefined && argument !== tag) {
    fail('INVALID_ARGUMENT', `run_name '${argument}' and tag ${RUN_NAME_TAG} '${tag}' disagree: give one, or the same value`, { field: 'run_name' });
  }
  const name = argument ?? tag ?? randomRunName();
  if (name.length > LIMITS.runNameLength) fail('INVALID_ARGUMENT', `run name is longer than ${LIMITS.runNameLength} characters`, { field: 'run_name' });
  return name;
}

/** A run row; NOT_FOUND when unknown, INVALID_STATE when `active` is asked and it is deleted. */
export async function requireRun(db: Db, runId: string, active = false): Promise<RunRow> {
  checkRunId(runId);
  return checkRunRow(runId, await db.selectFrom('runs').selectAll().where('run_uuid', '=', runId).executeTakeFirst(), active);
}

/** NOT_FOUND when the run's row is absent, INVALID_STATE when `active` is asked and it is deleted. */
export function checkRunRow<R extends { readonly lifecycle_stage: string }>(runId: string, row: R | undefined, active: boolean): R {
  if (!row) fail('NOT_FOUND', `no run with id '${runId}'`, { runId });
  if (active && row.lifecycle_stage !== 'active') fail('INVALID_STATE', `run '${runId}' is deleted: restore it before writing to it`, { runId });
  return row;
}

/** A run with its latest metrics, params, tags and inputs. */
export async function getRun(ctx: StoreContext, runId: string): Promise<Run> {
  const row = await requireRun(ctx.db, runId);
  return (await loadRunData(ctx.db, [row]))[0]!;
}

/** Maps a row to MLflow's RunInfo. */
export function toRunInfo(r: RunRow): RunInfo {
  return {
    runId: r.run_uuid, experimentId: String(r.experiment_id), runName: r.name, userId: r.user_id,
    status: r.status as RunStatus, startTime: Number(r.start_time), ...(r.end_time === null ? {} : { endTime: Number(r.end_time) }),
    artifactUri: r.artifact_uri, lifecycleStage: r.lifecycle_stage as RunInfo['lifecycleStage'],
  };
}

/** Updates status, end time or name (the name also rewrites the mlflow.runName tag). */
export async function updateRun(ctx: StoreContext, runId: string, patch: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo> {
  if (patch.status !== undefined && !STATUSES.includes(patch.status)) fail('INVALID_ARGUMENT', `status must be one of ${STATUSES.join(', ')} (got '${patch.status}')`, { field: 'status' });
  if (patch.endTime !== undefined && !Number.isSafeInteger(patch.endTime)) fail('INVALID_ARGUMENT', 'end_time must be an integer of epoch milliseconds', { field: 'end_time' });
  if (patch.runName !== undefined && (typeof patch.runName !== 'string' || patch.runName.length > LIMITS.runNameLength)) fail('INVALID_ARGUMENT', `run_name must be a string of at most ${LIMITS.runNameLength} characters`, { field: 'run_name' });
  return writeTransaction(ctx.db, ctx.dialect, async (trx) => {
    await requireRun(trx, runId, true);
    const set: Partial<RunRow> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.endTime !== undefined) set.end_time = patch.endTime;
    if (patch.runName !== undefined && patch.runName !== '') {
      set.name = patch.runName;
      await upsertTags(trx, runId, [[RUN_NAME_TAG, patch.runName]]);
    }
    if (Object.keys(set).length) await trx.updateTable('runs').set(set).where('run_uuid', '=', runId).execute();
    return toRunInfo(await requireRun(trx, runId));
  });
}

/** Sets tags (replacing values); mlflow.runName also renames the run, as MLflow does. */
export async function upsertTags(trx: Db, runId: string, tags: readonly (readonly [string, string])[]): Promise<void> {
  // 1000 rows per statement keeps under the engines' bound-parameter limits (10,000 tags).
  for (let i = 0; i < tags.length; i += 1000) {
    await trx.insertInto('tags').values(tags.slice(i, i + 1000).map(([key, value]) => ({ run_uuid: runId, key, value })))
      .onConflict((oc) => oc.columns(['run_uuid', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') }))).execute();
  }
  const name = tags.findLast(([key]) => key === RUN_NAME_TAG);
  if (name) await trx.updateTable('runs').set({ name: name[1] }).where('run_uuid', '=', runId).execute();
}

/** Soft-deletes a run. */
export async function deleteRun(ctx: StoreContext, runId: string): Promise<void> {
  await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
    await requireRun(trx, runId);
    await trx.updateTable('runs').set({ lifecycle_stage: 'deleted', deleted_time: nowMs(ctx), deleted_with_experiment: 0 }).where('run_uuid', '=', runId).execute();
  });
}

/** Restores a deleted run; INVALID_STATE while its experiment is deleted. */
export async function restoreRun(ctx: StoreContext, runId: string): Promise<void> {
  await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
    const row = await requireRun(trx, runId);
    await requireExperiment(trx, String(row.experiment_id), 'active');
    await trx.updateTable('runs').set({ lifecycle_stage: 'active', deleted_time: null, deleted_with_experiment: 0 }).where('run_uuid', '=', runId).execute();
  });
}

/** Deletes a run tag; NOT_FOUND when the run has no such tag (MLflow). */
export async function deleteTag(ctx: StoreContext, runId: string, key: string): Promise<void> {
  checkKey('tag', key);
  await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
    await requireRun(trx, runId, true);
    const r = await trx.deleteFrom('tags').where('run_uuid', '=', runId).where('key', '=', key).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) fail('NOT_FOUND', `run '${runId}' has no tag '${key}'`, { runId, key });
  });
}
