import type { Kysely, Selectable } from 'kysely';
import { fail } from '../../core/errors.js';
import type { Experiment, Tags } from '../../tracking/index.js';
import { isUniqueViolation } from './db-errors.js';
import { joinUri, nowMs, type StoreContext } from './store-context.js';
import type { TrackingTables } from './tracking-schema.js';
import { checkExperimentId, checkExperimentName, checkTags } from './tracking-validation.js';
import { writeTransaction } from './write-transaction.js';

type Db = Kysely<TrackingTables>;
type ExperimentRow = Selectable<TrackingTables['experiments']>;

/** MLflow's Default experiment, created on first open. */
export const DEFAULT_EXPERIMENT = { id: 0, name: 'Default' } as const;

/** Creates experiment 0 "Default" if missing (idempotent, safe from several processes). */
export async function ensureDefaultExperiment(ctx: StoreContext): Promise<void> {
  const t = nowMs(ctx);
  await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
    await trx.insertInto('experiments').values({
      experiment_id: DEFAULT_EXPERIMENT.id, name: DEFAULT_EXPERIMENT.name, artifact_location: joinUri(ctx.artifactsRoot, '0'),
      lifecycle_stage: 'active', creation_time: t, last_update_time: t,
    }).onConflict((oc) => oc.doNothing()).execute();
  });
}

/** Creates an experiment; ALREADY_EXISTS when the name is taken (deleted ones keep theirs). */
export async function createExperiment(ctx: StoreContext, input: { name: string; artifactLocation?: string; tags?: Tags }): Promise<string> {
  const name = checkExperimentName(input.name);
  const tags = checkTags(input.tags ?? {});
  const t = nowMs(ctx);
  try {
    return await writeTransaction(ctx.db, ctx.dialect, async (trx) => {
      const { experiment_id: id } = await trx.insertInto('experiments')
        .values({ name, artifact_location: input.artifactLocation ?? '', lifecycle_stage: 'active', creation_time: t, last_update_time: t })
        .returning('experiment_id').executeTakeFirstOrThrow();
      if (!input.artifactLocation) {
        await trx.updateTable('experiments').set({ artifact_location: joinUri(ctx.artifactsRoot, String(id)) }).where('experiment_id', '=', id).execute();
      }
      if (tags.length) await trx.insertInto('experiment_tags').values(tags.map(([key, value]) => ({ experiment_id: id, key, value }))).execute();
      return String(id);
    });
  } catch (err) {
    if (isUniqueViolation((err as Error).cause ?? err)) fail('ALREADY_EXISTS', `an experiment named '${name}' already exists (deleted experiments keep their name until purged)`, { name });
    throw err;
  }
}

/** One experiment with its tags; NOT_FOUND when unknown. */
export async function getExperiment(ctx: StoreContext, experimentId: string, db: Db = ctx.db): Promise<Experiment> {
  const id = checkExperimentId(experimentId);
  const row = await db.selectFrom('experiments').selectAll().where('experiment_id', '=', id).executeTakeFirst();
  if (!row) fail('NOT_FOUND', `no experiment with id '${experimentId}'`, { experimentId });
  return (await toExperiments(db, [row as ExperimentRow]))[0]!;
}

/** One experiment by name (active or deleted); NOT_FOUND when none has it. */
export async function getExperimentByName(ctx: StoreContext, name: string): Promise<Experiment> {
  const row = await ctx.db.selectFrom('experiments').selectAll().where('name', '=', String(name)).executeTakeFirst();
  if (!row) fail('NOT_FOUND', `no experiment named '${name}'`, { name });
  return (await toExperiments(ctx.db, [row as ExperimentRow]))[0]!;
}

/** Maps rows to domain experiments, loading all their tags in one query. */
export async function toExperiments(db: Db, rows: readonly ExperimentRow[]): Promise<Experiment[]> {
  if (rows.length === 0) return [];
  const tagRows = await db.selectFrom('experiment_tags').selectAll().where('experiment_id', 'in', rows.map((r) => r.experiment_id)).execute();
  const tags = new Map<number, Record<string, string>>();
  for (const t of tagRows) {
    const id = Number(t.experiment_id);
    tags.set(id, { ...tags.get(id), [t.key]: t.value });
  }
  return rows.map((r) => ({
    experimentId: String(r.experiment_id), name: r.name, artifactLocation: r.artifact_location,
    lifecycleStage: r.lifecycle_stage as Experiment['lifecycleStage'], creationTime: Number(r.creation_time),
    lastUpdateTime: Number(r.last_update_time), tags: tags.get(Number(r.experiment_id)) ?? {},
  }));
}

/** Loads an experiment row inside a transaction; NOT_FOUND, or INVALID_STATE when it must be active. */
export async function requireExperiment(trx: Db, experimentId: string, mustBe?: 'active' | 'deleted'): Promise<ExperimentRow> {
  const id = checkExperimentId(experimentId);
  const row = await trx.selectFrom('experiments').selectAll().where('experiment_id', '=', id).executeTakeFirst();
  if (!row) fail('NOT_FOUND', `no experiment with id '${experimentId}'`, { experimentId });
  if (mustBe && row.lifecycle_stage !== mustBe) {
    fail('INVALID_STATE', `experiment '${experimentId}' is ${row.lifecycle_stage}; it must be ${mustBe} for this`, { experimentId, lifecycleStage: row.lifecycle_stage });
  }
  return row as ExperimentRow;
}
