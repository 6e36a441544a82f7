import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../../../core/clock.js';
import { fail } from '../../../core/errors.js';
import { newId } from '../../../core/ids.js';
import {
  checkModelName, WEBHOOK_EVENTS, type CreateWebhookInput, type Webhook, type WebhookDeliveryAttempt, type WebhookEvent, type WebhookStatus, type WebhookStore, type WebhookTarget,
} from '../../../registry/index.js';
import { translateDbError } from '../db-errors.js';
import type { RegistryTables } from './registry-schema.js';
import type { RegistryDatabase } from './sql-registry-store.js';

type WebhookRow = RegistryTables['registry_webhooks'];

/** Webhooks and delivery attempts in the metadata database (migration 002-registry). */
export class SqlWebhookStore implements WebhookStore {
  private readonly db: Kysely<RegistryTables>;

  constructor(database: RegistryDatabase, private readonly clock: Clock = systemClock) {
    this.db = database.db as Kysely<RegistryTables>;
  }

  async createWebhook(input: CreateWebhookInput): Promise<Webhook> {
    const row = toRow(input, this.clock.now().getTime());
    await guard(this.db.insertInto('registry_webhooks').values(row).execute());
    return toWebhook(row);
  }

  async listWebhooks(): Promise<readonly Webhook[]> {
    const rows = await guard(this.db.selectFrom('registry_webhooks').selectAll().orderBy('creation_time').orderBy('webhook_id').execute());
    return rows.map(toWebhook);
  }

  async setWebhookStatus(id: string, status: WebhookStatus): Promise<Webhook> {
    checkStatus(status);
    const now = this.clock.now().getTime();
    const row = await guard(this.db.updateTable('registry_webhooks').set({ status, last_updated_time: now }).where('webhook_id', '=', id).returningAll().executeTakeFirst());
    if (!row) fail('NOT_FOUND', `webhook '${id}' not found`, { id });
    return toWebhook(row);
  }

  async deleteWebhook(id: string): Promise<void> {
    const res = await guard(this.db.deleteFrom('registry_webhooks').where('webhook_id', '=', id).executeTakeFirst());
    if (Number(res.numDeletedRows) === 0) fail('NOT_FOUND', `webhook '${id}' not found`, { id });
  }

  async targetsFor(event: WebhookEvent, modelName: string): Promise<readonly WebhookTarget[]> {
    const rows = await guard(this.db.selectFrom('registry_webhooks').selectAll()
      .where('status', '=', 'ACTIVE')
      .where((eb) => eb.or([eb('model_name', 'is', null), eb('model_name', '=', modelName)]))
      .orderBy('creation_time').execute());
    // Events are a short JSON list; filtering here keeps the SQL the same on both engines.
    return rows
      .filter((r) => (JSON.parse(r.events) as string[]).includes(event))
      .map((r) => ({ id: r.webhook_id, url: r.url, ...(r.secret ? { secret: r.secret } : {}) }));
  }

  async recordAttempt(a: WebhookDeliveryAttempt): Promise<void> {
    await guard(this.db.insertInto('registry_webhook_deliveries').values({
      webhook_id: a.webhookId, delivery_id: a.deliveryId, event: a.event, attempt: a.attempt, status_code: a.statusCode ?? null,
      error: a.error ?? null, succeeded: a.succeeded ? 1 : 0, duration_ms: a.durationMs, timestamp: a.timestamp,
    }).execute());
  }

  async deliveries(webhookId: string): Promise<readonly WebhookDeliveryAttempt[]> {
    const rows = await guard(this.db.selectFrom('registry_webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy('attempt_id').execute());
    return rows.map((r) => ({
      webhookId: r.webhook_id, deliveryId: r.delivery_id, event: r.event as WebhookEvent, attempt: Number(r.attempt), succeeded: Number(r.succeeded) === 1,
      durationMs: Number(r.duration_ms), timestamp: Number(r.timestamp),
      ...(r.status_code !== null ? { statusCode: Number(r.status_code) } : {}), ...(r.error !== null ? { error: r.error } : {}),
    }));
  }
}

function toRow(input: CreateWebhookInput, now: number): WebhookRow {
  if (typeof input?.name !== 'string' || input.name.trim() === '') fail('INVALID_ARGUMENT', 'name: a webhook needs a name', { field: 'name' });
  let url: URL | undefined;
  try {
    url = new URL(input.url);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) fail('INVALID_ARGUMENT', `url: '${String(input.url)}' is not an http(s) URL`, { field: 'url' });
  if (!Array.isArray(input.events) || input.events.length === 0) fail('INVALID_ARGUMENT', `events: name at least one of ${WEBHOOK_EVENTS.join(', ')}`, { field: 'events' });
  for (const e of input.events) {
    if (!WEBHOOK_EVENTS.includes(e)) fail('INVALID_ARGUMENT', `events: '${String(e)}' is not a webhook event; use one of ${WEBHOOK_EVENTS.join(', ')}`, { field: 'events' });
  }
  // MLflow/Databricks: a model creation has no model to listen on yet, so it is registry-wide only.
  if (input.modelName !== undefined) {
    checkModelName(input.modelName, 'model_name');
    if (input.events.includes('registered_model.created')) fail('INVALID_ARGUMENT', "events: 'registered_model.created' can only be used by a registry-wide webhook (no model_name)", { field: 'events' });
  }
  const status = input.status ?? 'ACTIVE';
  checkStatus(status);
  return {
    webhook_id: newId(), name: input.name, url: url.toString(), secret: input.secret || null, events: JSON.stringify([...new Set(input.events)]),
    model_name: input.modelName ?? null, status, creation_time: now, last_updated_time: now,
  };
}

function checkStatus(status: string): void {
  if (status !== 'ACTIVE' && status !== 'DISABLED') fail('INVALID_ARGUMENT', `status: '${status}' is not ACTIVE or DISABLED`, { field: 'status' });
}

function toWebhook(r: WebhookRow): Webhook {
  return {
    id: r.webhook_id, name: r.name, url: r.url, events: JSON.parse(r.events) as WebhookEvent[], status: r.status as WebhookStatus,
    hasSecret: r.secret !== null, creationTimestamp: Number(r.creation_time), lastUpdatedTimestamp: Number(r.last_updated_time),
    ...(r.model_name !== null ? { modelName: r.model_name } : {}),
  };
}

async function guard<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw translateDbError(err);
  }
}
