import type { Retraining, RetrainingPatch, RetrainingStore } from '../automation/index.js';
import { fail } from '../core/errors.js';

/** A RetrainingStore in memory, for unit tests of the triggers and guards (SqlRetrainingStore runs in the end-to-end tests). */
export function memoryRetrainingStore(): RetrainingStore & { readonly rows: Map<string, Retraining> } {
  const rows = new Map<string, Retraining>();
  const get = (id: string): Retraining => rows.get(id) ?? fail('NOT_FOUND', `retraining '${id}' not found`, { id });
  return {
    rows,
    async create(r) {
      if (rows.has(r.id)) fail('ALREADY_EXISTS', `retraining '${r.id}' is already recorded`, { id: r.id });
      rows.set(r.id, r);
      return r;
    },
    async get(id) {
      return get(id);
    },
    async update(id, patch: RetrainingPatch) {
      const next = { ...get(id), ...patch };
      rows.set(id, next);
      return next;
    },
    async list(q) {
      return [...rows.values()]
        .filter((r) => (q.pipeline === undefined || r.pipeline === q.pipeline) && (q.model === undefined || r.model === q.model) && (q.since === undefined || r.createdAt >= q.since))
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, q.limit ?? 1000);
    },
  };
}
