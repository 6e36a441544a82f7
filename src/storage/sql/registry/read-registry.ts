import type { Kysely } from 'kysely';
import { fail } from '../../../core/errors.js';
import type { ModelVersion, ModelVersionStatus, RegisteredModel } from '../../../registry/index.js';
import type { ModelRow, RegistryTables, VersionRow } from './registry-schema.js';

type Db = Kysely<RegistryTables>;

/** Domain models for model rows: tags, aliases and the newest version filled in, in four queries. */
export async function loadModels(db: Db, rows: readonly ModelRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.model_id);
  // Sequential on purpose: inside a transaction these share one connection.
  const tags = await db.selectFrom('registered_model_tags').selectAll().where('model_id', 'in', ids).execute();
  const aliases = await db.selectFrom('registered_model_aliases').selectAll().where('model_id', 'in', ids).execute();
  const latestRows = await db.selectFrom('model_versions as v').selectAll('v')
    .where('v.model_id', 'in', ids)
    .where('v.version', '=', (eb) => eb.selectFrom('model_versions as w').select((w) => w.fn.max('w.version').as('m')).whereRef('w.model_id', '=', 'v.model_id'))
    .execute();
  const names = new Map(rows.map((r) => [r.model_id, r.name]));
  const latest = new Map((await loadVersions(db, latestRows, names)).map((v, i) => [latestRows[i]!.model_id, v]));
  return rows.map((r) => ({
    name: r.name,
    creationTimestamp: Number(r.creation_time),
    lastUpdatedTimestamp: Number(r.last_updated_time),
    description: r.description,
    tags: Object.fromEntries(tags.filter((t) => t.model_id === r.model_id).map((t) => [t.key, t.value])),
    aliases: Object.fromEntries(aliases.filter((a) => a.model_id === r.model_id).map((a) => [a.alias, Number(a.version)])),
    ...(latest.has(r.model_id) ? { latestVersion: latest.get(r.model_id)! } : {}),
  }));
}

/** Domain versions for version rows (`names`: model_id → current model name), order kept. */
export async function loadVersions(db: Db, rows: readonly VersionRow[], names: ReadonlyMap<string, string>): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.map((r) => r.model_id))];
  const versions = [...new Set(rows.map((r) => Number(r.version)))];
  const tags = await db.selectFrom('model_version_tags').selectAll().where('model_id', 'in', ids).where('version', 'in', versions).execute();
  const aliases = await db.selectFrom('registered_model_aliases').selectAll().where('model_id', 'in', ids).where('version', 'in', versions).execute();
  const sameVersion = (r: VersionRow) => (x: { model_id: string; version: number }) => x.model_id === r.model_id && Number(x.version) === Number(r.version);
  return rows.map((r) => ({
    name: names.get(r.model_id) ?? '',
    version: Number(r.version),
    creationTimestamp: Number(r.creation_time),
    lastUpdatedTimestamp: Number(r.last_updated_time),
    description: r.description,
    source: r.source,
    ...(r.run_id !== null ? { runId: r.run_id } : {}),
    status: r.status as ModelVersionStatus,
    tags: Object.fromEntries(tags.filter(sameVersion(r)).map((t) => [t.key, t.value])),
    aliases: aliases.filter(sameVersion(r)).map((a) => a.alias).sort(),
    ...(r.signature !== null ? { signature: r.signature } : {}),
  }));
}

/** One version row, or NOT_FOUND naming the model and version. */
export async function versionRow(db: Db, model: ModelRow, version: number): Promise<VersionRow> {
  const row = await db.selectFrom('model_versions').selectAll().where('model_id', '=', model.model_id).where('version', '=', version).executeTakeFirst();
  if (!row) fail('NOT_FOUND', `model version ${version} of '${model.name}' not found`, { name: model.name, version });
  return row;
}

/** One domain model by row. */
export async function loadModel(db: Db, row: ModelRow): Promise<RegisteredModel> {
  return (await loadModels(db, [row]))[0]!;
}

/** One domain version by row. */
export async function loadVersion(db: Db, model: ModelRow, row: VersionRow): Promise<ModelVersion> {
  return (await loadVersions(db, [row], new Map([[model.model_id, model.name]])))[0]!;
}
