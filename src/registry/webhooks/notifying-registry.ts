import type { Tags } from '../../tracking/index.js';
import type { Actor, RegistryStore } from '../registry-store.js';
import type { WebhookEvent } from './webhook-model.js';

/** Where events go; WebhookDispatcher is the implementation. */
export interface WebhookEmitter {
  emit(event: WebhookEvent, modelName: string, data: unknown): void;
}

/**
 * Wraps a RegistryStore so that each successful write emits its MLflow webhook event with
 * MLflow's payload (versions as strings, as MLflow sends them). Emitting only enqueues, so the
 * caller's request never waits for a receiver. Reads pass through untouched.
 */
export function withWebhooks(store: RegistryStore, emitter: WebhookEmitter): RegistryStore {
  const emit = (event: WebhookEvent, name: string, data: Record<string, unknown>) => emitter.emit(event, name, data);
  return {
    ...bindAll(store),
    async createModel(input: { name: string; description?: string; tags?: Tags }, by: Actor) {
      const m = await store.createModel(input, by);
      emit('registered_model.created', m.name, { name: m.name, tags: m.tags, description: m.description || null });
      return m;
    },
    async createVersion(input, by) {
      const v = await store.createVersion(input, by);
      emit('model_version.created', v.name, { name: v.name, version: String(v.version), source: v.source, run_id: v.runId ?? null, tags: v.tags, description: v.description || null });
      return v;
    },
    async setVersionTag(name, version, key, value, by) {
      await store.setVersionTag(name, version, key, value, by);
      emit('model_version_tag.set', name, { name, version: String(version), key, value });
    },
    async deleteVersionTag(name, version, key, by) {
      await store.deleteVersionTag(name, version, key, by);
      emit('model_version_tag.deleted', name, { name, version: String(version), key });
    },
    async setAlias(name, alias, version, by) {
      await store.setAlias(name, alias, version, by);
      emit('model_version_alias.created', name, { name, alias, version: String(version) });
    },
    async deleteAlias(name, alias, by) {
      await store.deleteAlias(name, alias, by);
      emit('model_version_alias.deleted', name, { name, alias });
    },
  };
}

/** The store's methods bound to it, so the spread copy keeps working on class instances. */
function bindAll(store: RegistryStore): RegistryStore {
  const out: Record<string, unknown> = {};
  let proto: object | null = store;
  while (proto && proto !== Object.prototype) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const value = (store as unknown as Record<string, unknown>)[key];
      if (key !== 'constructor' && typeof value === 'function' && !(key in out)) out[key] = value.bind(store);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return out as unknown as RegistryStore;
}
