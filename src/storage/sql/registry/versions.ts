import { fail } from '../../../core/errors.js';
import type { Tags } from '../../../tracking/index.js';
import { checkTag, checkVersion, type Actor, type ModelVersion, type ModelVersionStatus } from '../../../registry/index.js';
import { appendAudit } from './audit-log.js';
import { loadVersion, versionRow } from './read-registry.js';
import { checkActor, modelRow, nowMs, registryWrite, type RegistryContext } from './registry-context.js';

const STATUSES: readonly ModelVersionStatus[] = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'];

/** The input of createVersion (RegistryStore). */
export interface CreateVersionInput {
  readonly name: string;
  readonly source: string;
  readonly runId?: string;
  readonly description?: string;
  readonly tags?: Tags;
  readonly signature?: string;
}

/** Adds the next version (1, 2, 3, … never reusing a deleted number); NOT_FOUND for an unknown model. */
export async function createVersion(ctx: RegistryContext, input: CreateVersionInput, by: Actor): Promise<ModelVersion> {
  if (typeof input?.source !== 'string' || input.source === '') fail('INVALID_ARGUMENT', 'source: the model version needs a source (where its files are, e.g. runs:/<run_id>/model)', { field: 'source' });
  if (input.runId !== undefined && (typeof input.runId !== 'string' || input.runId.length > 32)) fail('INVALID_ARGUMENT', `run_id: '${String(input.runId)}' is not a run id`, { field: 'run_id' });
  const tags = Object.entries(input.tags ?? {});
  for (const [k, v] of tags) checkTag(k, v);
  checkActor(by);
  return registryWrite(ctx, `model version of '${input.name}' was created concurrently; retry`, async (trx) => {
    const model = await modelRow(trx, input.name);
    const now = nowMs(ctx);
    // Increment-and-return in one statement: it row-locks, so concurrent creators get 1, 2, 3.
    const bumped = await trx.updateTable('registered_models')
      .set((eb) => ({ next_version: eb('next_version', '+', 1), last_updated_time: now }))
      .where('model_id', '=', model.model_id)
      .returning('next_version')
      .executeTakeFirstOrThrow();
    const version = Number(bumped.next_version) - 1;
    const row = {
      model_id: model.model_id, version, source: input.source, run_id: input.runId || null, status: 'READY',
      description: input.description ?? '', signature: input.signature ?? null, creation_time: now, last_updated_time: now,
    };
    await trx.insertInto('model_versions').values(row).execute();
    if (tags.length > 0) await trx.insertInto('model_version_tags').values(tags.map(([key, value]) => ({ model_id: model.model_id, version, key, value }))).execute();
    await appendAudit(trx, by, now, { modelId: model.model_id, modelName: model.name, action: 'version.created', version, to: input.source });
    return loadVersion(trx, model, row);
  });
}

/** One version; NOT_FOUND names the model or the version. */
export async function getVersion(ctx: RegistryContext, name: string, version: number): Promise<ModelVersion> {
  const v = checkVersion(version);
  const model = await modelRow(ctx.db, name);
  return loadVersion(ctx.db, model, await versionRow(ctx.db, model, v));
}

/** Changes a version's description and/or status; each change is its own audit event. */
export async function updateVersion(ctx: RegistryContext, name: string, version: number, patch: { description?: string; status?: ModelVersionStatus }, by: Actor): Promise<ModelVersion> {
  const v = checkVersion(version);
  checkActor(by);
  if (patch?.description !== undefined && typeof patch.description !== 'string') fail('INVALID_ARGUMENT', 'description: must be a string', { field: 'description' });
  if (patch?.status !== undefined && !STATUSES.includes(patch.status)) fail('INVALID_ARGUMENT', `status: '${String(patch.status)}' is not one of ${STATUSES.join(', ')}`, { field: 'status' });
  return registryWrite(ctx, '', async (trx) => {
    const model = await modelRow(trx, name);
    const row = await versionRow(trx, model, v);
    const now = nowMs(ctx);
    const changes: { description?: string; status?: string } = {};
    if (patch.description !== undefined && patch.description !== row.description) changes.description = patch.description;
    if (patch.status !== undefined && patch.status !== row.status) changes.status = patch.status;
    if (Object.keys(changes).length === 0) return loadVersion(trx, model, row);
    await trx.updateTable('model_versions').set({ ...changes, last_updated_time: now }).where('model_id', '=', model.model_id).where('version', '=', v).execute();
    for (const [field, to] of Object.entries(changes)) {
      await appendAudit(trx, by, now, { modelId: model.model_id, modelName: name, action: 'version.updated', version: v, key: field, from: row[field as 'status' | 'description'], to });
    }
    return loadVersion(trx, model, { ...row, ...changes, last_updated_time: now });
  });
}

/** Deletes a version with its tags; aliases that pointed at it go too (each audited). */
export async function deleteVersion(ctx: RegistryContext, name: string, version: number, by: Actor): Promise<void> {
  const v = checkVersion(version);
  checkActor(by);
  await registryWrite(ctx, '', async (trx) => {
    const model = await modelRow(trx, name);
    const row = await versionRow(trx, model, v);
    const now = nowMs(ctx);
    const aliases = await trx.selectFrom('registered_model_aliases').select('alias').where('model_id', '=', model.model_id).where('version', '=', v).orderBy('alias').execute();
    for (const { alias } of aliases) {
      await appendAudit(trx, by, now, { modelId: model.model_id, modelName: name, action: 'alias.deleted', alias, version: v, from: String(v) });
    }
    await trx.deleteFrom('registered_model_aliases').where('model_id', '=', model.model_id).where('version', '=', v).execute();
    await trx.deleteFrom('model_version_tags').where('model_id', '=', model.model_id).where('version', '=', v).execute();
    await trx.deleteFrom('model_versions').where('model_id', '=', model.model_id).where('version', '=', v).execute();
    await trx.updateTable('registered_models').set({ last_updated_time: now }).where('model_id', '=', model.model_id).execute();
    await appendAudit(trx, by, now, { modelId: model.model_id, modelName: name, action: 'version.deleted', version: v, from: row.source });
  });
}

/** Sets (or overwrites) a version tag. */
export async function setVersionTag(ctx: RegistryContext, name: string, version: number, key: string, value: string, by: Actor): Promise<void> {
  const v = checkVersion(version);
  checkTag(key, value);
  checkActor(by);
  await registryWrite(ctx, '', async (trx) => {
    const model = await modelRow(trx, name);
    await versionRow(trx, model, v);
    const where = { model_id: model.model_id, version: v, key };
    const old = await trx.selectFrom('model_version_tags').select('value').where('model_id', '=', where.model_id).where('version', '=', v).where('key', '=', key).executeTakeFirst();
    if (old) await trx.updateTable('model_version_tags').set({ value }).where('model_id', '=', where.model_id).where('version', '=', v).where('key', '=', key).execute();
    else await trx.insertInto('model_version_tags').values({ ...where, value }).execute();
    await appendAudit(trx, by, nowMs(ctx), { modelId: model.model_id, modelName: name, action: 'version.tag_set', version: v, key, ...(old ? { from: old.value } : {}), to: value });
  });
}

/** Deletes a version tag; a tag that is not there is a no-op (as MLflow). */
export async function deleteVersionTag(ctx: RegistryContext, name: string, version: number, key: string, by: Actor): Promise<void> {
  const v = checkVersion(version);
  checkActor(by);
  await registryWrite(ctx, '', async (trx) => {
    const model = await modelRow(trx, name);
    await versionRow(trx, model, v);
    const old = await trx.selectFrom('model_version_tags').select('value').where('model_id', '=', model.model_id).where('version', '=', v).where('key', '=', key).executeTakeFirst();
    if (!old) return;
    await trx.deleteFrom('model_version_tags').where('model_id', '=', model.model_id).where('version', '=', v).where('key', '=', key).execute();
    await appendAudit(trx, by, nowMs(ctx), { modelId: model.model_id, modelName: name, action: 'version.tag_deleted', version: v, key, from: old.value });
  });
}
