import { fail } from '../../../core/errors.js';
import { newId } from '../../../core/ids.js';
import type { Tags } from '../../../tracking/index.js';
import { checkModelName, checkTag, type Actor, type RegisteredModel } from '../../../registry/index.js';
import { appendAudit } from './audit-log.js';
import { loadModel } from './read-registry.js';
import { checkActor, modelRow, nowMs, registryWrite, type RegistryContext } from './registry-context.js';

/** Registers a model: ALREADY_EXISTS when the name is taken. */
export async function createModel(ctx: RegistryContext, input: { name: string; description?: string; tags?: Tags }, by: Actor): Promise<RegisteredModel> {
  const name = checkModelName(input?.name);
  checkActor(by);
  const tags = Object.entries(input.tags ?? {});
  for (const [k, v] of tags) checkTag(k, v);
  const taken = `registered model '${name}' already exists`;
  return registryWrite(ctx, taken, async (trx) => {
    if (await trx.selectFrom('registered_models').select('model_id').where('name', '=', name).executeTakeFirst()) fail('ALREADY_EXISTS', taken, { name });
    const now = nowMs(ctx);
    const row = { model_id: newId(), name, description: input.description ?? '', creation_time: now, last_updated_time: now, next_version: 1 };
    await trx.insertInto('registered_models').values(row).execute();
    if (tags.length > 0) await trx.insertInto('registered_model_tags').values(tags.map(([key, value]) => ({ model_id: row.model_id, key, value }))).execute();
    await appendAudit(trx, by, now, { modelId: row.model_id, modelName: name, action: 'model.created', ...(input.description ? { to: input.description } : {}) });
    return loadModel(trx, row);
  });
}

/** Changes a model's description. */
export async function updateModel(ctx: RegistryContext, name: string, patch: { description?: string }, by: Actor): Promise<RegisteredModel> {
  checkActor(by);
  if (patch?.description !== undefined && typeof patch.description !== 'string') fail('INVALID_ARGUMENT', 'description: must be a string', { field: 'description' });
  return registryWrite(ctx, '', async (trx) => {
    const row = await modelRow(trx, name);
    if (patch.description === undefined || patch.description === row.description) return loadModel(trx, row);
    const now = nowMs(ctx);
    await trx.updateTable('registered_models').set({ description: patch.description, last_updated_time: now }).where('model_id', '=', row.model_id).execute();
    await appendAudit(trx, by, now, { modelId: row.model_id, modelName: name, action: 'model.updated', from: row.description, to: patch.description });
    return loadModel(trx, { ...row, description: patch.description, last_updated_time: now });
  });
}

/** Renames a model; versions, tags, aliases and the audit history follow it. */
export async function renameModel(ctx: RegistryContext, name: string, newName: string, by: Actor): Promise<RegisteredModel> {
  checkModelName(newName, 'new_name');
  checkActor(by);
  const taken = `cannot rename '${name}' to '${newName}': a registered model with that name already exists`;
  return registryWrite(ctx, taken, async (trx) => {
    const row = await modelRow(trx, name);
    if (newName === name) return loadModel(trx, row);
    if (await trx.selectFrom('registered_models').select('model_id').where('name', '=', newName).executeTakeFirst()) fail('ALREADY_EXISTS', taken, { name: newName });
    const now = nowMs(ctx);
    await trx.updateTable('registered_models').set({ name: newName, last_updated_time: now }).where('model_id', '=', row.model_id).execute();
    await appendAudit(trx, by, now, { modelId: row.model_id, modelName: name, action: 'model.renamed', from: name, to: newName });
    return loadModel(trx, { ...row, name: newName, last_updated_time: now });
  });
}

/** Deletes a model with its versions, tags and aliases; its audit log stays. */
export async function deleteModel(ctx: RegistryContext, name: string, by: Actor): Promise<void> {
  checkActor(by);
  await registryWrite(ctx, '', async (trx) => {
    const row = await modelRow(trx, name);
    const versions = await trx.selectFrom('model_versions').select((eb) => eb.fn.countAll<number>().as('n')).where('model_id', '=', row.model_id).executeTakeFirstOrThrow();
    // Children first: SQLite only cascades when foreign_keys is on, and this must not depend on it.
    await trx.deleteFrom('registered_model_aliases').where('model_id', '=', row.model_id).execute();
    await trx.deleteFrom('model_version_tags').where('model_id', '=', row.model_id).execute();
    await trx.deleteFrom('model_versions').where('model_id', '=', row.model_id).execute();
    await trx.deleteFrom('registered_model_tags').where('model_id', '=', row.model_id).execute();
    await trx.deleteFrom('registered_models').where('model_id', '=', row.model_id).execute();
    await appendAudit(trx, by, nowMs(ctx), { modelId: row.model_id, modelName: name, action: 'model.deleted', from: `${Number(versions.n)} versions` });
  });
}

/** Sets (or overwrites) a model tag. */
export async function setModelTag(ctx: RegistryContext, name: string, key: string, value: string, by: Actor): Promise<void> {
  checkTag(key, value);
  checkActor(by);
  await registryWrite(ctx, '', async (trx) => {
    const row = await modelRow(trx, name);
    const old = await trx.selectFrom('registered_model_tags').select('value').where('model_id', '=', row.model_id).where('key', '=', key).executeTakeFirst();
    if (old) await trx.updateTable('registered_model_tags').set({ value }).where('model_id', '=', row.model_id).where('key', '=', key).execute();
    else await trx.insertInto('registered_model_tags').values({ model_id: row.model_id, key, value }).execute();
    await appendAudit(trx, by, nowMs(ctx), { modelId: row.model_id, modelName: name, action: 'model.tag_set', key, ...(old ? { from: old.value } : {}), to: value });
  });
}

/** Deletes a model tag; a tag that is not there is a no-op (as MLflow). */
export async function deleteModelTag(ctx: RegistryContext, name: string, key: string, by: Actor): Promise<void> {
  checkActor(by);
  await registryWrite(ctx, '', async (trx) => {
    const row = await modelRow(trx, name);
    const old = await trx.selectFrom('registered_model_tags').select('value').where('model_id', '=', row.model_id).where('key', '=', key).executeTakeFirst();
    if (!old) return;
    await trx.deleteFrom('registered_model_tags').where('model_id', '=', row.model_id).where('key', '=', key).execute();
    await appendAudit(trx, by, nowMs(ctx), { modelId: row.model_id, modelName: name, action: 'model.tag_deleted', key, from: old.value });
  });
}
