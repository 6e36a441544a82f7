import { fail } from '../../../core/errors.js';
import { checkAliasName, checkVersion, type Actor, type ModelVersion } from '../../../registry/index.js';
import { appendAudit } from './audit-log.js';
import { loadVersion, versionRow } from './read-registry.js';
import { checkActor, modelRow, nowMs, registryWrite, type RegistryContext } from './registry-context.js';

/**
 * Points `alias` at `version`, moving it if it pointed elsewhere (an alias names one version).
 * Pointing it where it already points changes nothing and records nothing.
 */
export async function setAlias(ctx: RegistryContext, name: string, alias: string, version: number, by: Actor): Promise<void> {
  checkAliasName(alias);
  const v = checkVersion(version);
  checkActor(by);
  await registryWrite(ctx, `alias '${alias}' of '${name}' was set concurrently; retry`, async (trx) => {
    const model = await modelRow(trx, name);
    await versionRow(trx, model, v);
    const old = await trx.selectFrom('registered_model_aliases').select('version').where('model_id', '=', model.model_id).where('alias', '=', alias).executeTakeFirst();
    if (old && Number(old.version) === v) return;
    if (old) await trx.updateTable('registered_model_aliases').set({ version: v }).where('model_id', '=', model.model_id).where('alias', '=', alias).execute();
    else await trx.insertInto('registered_model_aliases').values({ model_id: model.model_id, alias, version: v }).execute();
    await appendAudit(trx, by, nowMs(ctx), { modelId: model.model_id, modelName: name, action: 'alias.set', alias, version: v, ...(old ? { from: String(old.version) } : {}), to: String(v) });
  });
}

/** Removes an alias; an alias that is not set is a no-op (as MLflow), the model must exist. */
export async function deleteAlias(ctx: RegistryContext, name: string, alias: string, by: Actor): Promise<void> {
  checkActor(by);
  if (typeof alias !== 'string' || alias === '') fail('INVALID_ARGUMENT', 'alias: an alias name is required', { field: 'alias' });
  await registryWrite(ctx, '', async (trx) => {
    const model = await modelRow(trx, name);
    const old = await trx.selectFrom('registered_model_aliases').select('version').where('model_id', '=', model.model_id).where('alias', '=', alias).executeTakeFirst();
    if (!old) return;
    await trx.deleteFrom('registered_model_aliases').where('model_id', '=', model.model_id).where('alias', '=', alias).execute();
    await appendAudit(trx, by, nowMs(ctx), { modelId: model.model_id, modelName: name, action: 'alias.deleted', alias, version: Number(old.version), from: String(old.version) });
  });
}

/** The version an alias points at; NOT_FOUND names the model or the alias. */
export async function getVersionByAlias(ctx: RegistryContext, name: string, alias: string): Promise<ModelVersion> {
  const model = await modelRow(ctx.db, name);
  const row = await ctx.db.selectFrom('registered_model_aliases').select('version').where('model_id', '=', model.model_id).where('alias', '=', alias).executeTakeFirst();
  if (!row) fail('NOT_FOUND', `registered model '${name}' has no alias '${alias}'`, { name, alias });
  return loadVersion(ctx.db, model, await versionRow(ctx.db, model, Number(row.version)));
}
