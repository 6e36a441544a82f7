import type { Kysely } from 'kysely';
import type { Actor, AuditEvent } from '../../../registry/index.js';
import type { RegistryTables } from './registry-schema.js';

/** What one audit entry records besides who and when. */
export interface AuditEntry {
  readonly modelId: string;
  readonly modelName: string;
  readonly action: string;
  readonly version?: number;
  readonly alias?: string;
  readonly key?: string;
  readonly from?: string;
  readonly to?: string;
  /** The deployment a `deployment.*` event is about. */
  readonly deployment?: string;
}

/**
 * Appends one event inside the caller's transaction. This file holds the only statement that
 * touches the audit table besides reads; the database refuses UPDATE and DELETE on it.
 */
export async function appendAudit(trx: Kysely<RegistryTables>, by: Actor, timestamp: number, e: AuditEntry): Promise<void> {
  await trx.insertInto('registry_audit_log').values({
    model_id: e.modelId,
    model_name: e.modelName,
    action: e.action,
    version: e.version ?? null,
    alias: e.alias ?? null,
    tag_key: e.key ?? null,
    from_value: e.from ?? null,
    to_value: e.to ?? null,
    actor: by.actor,
    reason: by.reason ?? null,
    timestamp,
    deployment: e.deployment ?? null,
  }).execute();
}

/**
 * A model's history, oldest first: every event recorded under this name (including a deleted
 * model's that had it) and every event of the model that has it now (so renames are followed).
 */
export async function readAuditLog(db: Kysely<RegistryTables>, name: string): Promise<readonly AuditEvent[]> {
  const current = await db.selectFrom('registered_models').select('model_id').where('name', '=', name).executeTakeFirst();
  const rows = await db.selectFrom('registry_audit_log').selectAll()
    .where((eb) => (current ? eb.or([eb('model_name', '=', name), eb('model_id', '=', current.model_id)]) : eb('model_name', '=', name)))
    .orderBy('event_id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.event_id),
    model: r.model_name,
    action: r.action,
    ...(r.version !== null ? { version: Number(r.version) } : {}),
    ...(r.alias !== null ? { alias: r.alias } : {}),
    ...(r.tag_key !== null ? { key: r.tag_key } : {}),
    ...(r.from_value !== null ? { from: r.from_value } : {}),
    ...(r.to_value !== null ? { to: r.to_value } : {}),
    ...(r.deployment !== null ? { deployment: r.deployment } : {}),
    actor: r.actor,
    ...(r.reason !== null ? { reason: r.reason } : {}),
    timestamp: Number(r.timestamp),
  }));
}
