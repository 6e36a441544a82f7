import { isPaddockError } from '../core/errors.js';
import type { Tags } from '../tracking/index.js';
import type { ModelVersion } from './model.js';
import type { Actor, RegistryStore } from './registry-store.js';

/** What to register: the model files' location, and where they came from. */
export interface RegisterVersionInput {
  readonly name: string;
  readonly source: string;
  readonly runId?: string;
  readonly description?: string;
  readonly tags?: Tags;
  /** Point this alias (e.g. `champion`) at the new version. */
  readonly alias?: string;
  /** The model's input/output signature as JSON text (e.g. from a model package). */
  readonly signature?: string;
}

/**
 * Registers a new version of a model, creating the model on first use (as MLflow's
 * `register_model` does), and optionally moves an alias to it. Each step is audited.
 */
export async function registerVersion(registry: RegistryStore, input: RegisterVersionInput, by: Actor): Promise<ModelVersion> {
  try {
    await registry.getModel(input.name);
  } catch (err) {
    if (!isPaddockError(err, 'NOT_FOUND')) throw err;
    await registry.createModel({ name: input.name }, by).catch((e: unknown) => {
      // Another writer created it meanwhile: fine, the version goes under theirs.
      if (!isPaddockError(e, 'ALREADY_EXISTS')) throw e;
    });
  }
  const version = await registry.createVersion({ name: input.name, source: input.source, runId: input.runId, description: input.description, tags: input.tags, signature: input.signature }, by);
  if (!input.alias) return version;
  await registry.setAlias(input.name, input.alias, version.version, by);
  return registry.getVersion(input.name, version.version);
}
