/**
 * Registry webhooks, shaped after MLflow's (mlflow/webhooks): the same event names, the same
 * `{entity, action, timestamp, data}` body and the same signature headers, so a receiver
 * written for MLflow verifies Paddock's deliveries unchanged.
 */

/** MLflow's registry webhook events (`<entity>.<action>`). */
export const WEBHOOK_EVENTS = [
  'registered_model.created',
  'model_version.created',
  'model_version_tag.set',
  'model_version_tag.deleted',
  'model_version_alias.created',
  'model_version_alias.deleted',
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export type WebhookStatus = 'ACTIVE' | 'DISABLED';

/** A registered webhook. The secret is write-only: never returned, only `hasSecret`. */
export interface Webhook {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly events: readonly WebhookEvent[];
  /** Absent: registry-wide; otherwise only this model's events. */
  readonly modelName?: string;
  readonly status: WebhookStatus;
  readonly hasSecret: boolean;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
}

/** What delivery needs: the webhook with its secret. */
export interface WebhookTarget {
  readonly id: string;
  readonly url: string;
  readonly secret?: string;
}

/** One HTTP attempt of one delivery. */
export interface WebhookDeliveryAttempt {
  readonly webhookId: string;
  /** The same across the retries of one delivery (MLflow's X-MLflow-Delivery-Id). */
  readonly deliveryId: string;
  readonly event: WebhookEvent;
  /** 1 for the first try. */
  readonly attempt: number;
  readonly statusCode?: number;
  readonly error?: string;
  readonly succeeded: boolean;
  readonly durationMs: number;
  readonly timestamp: number;
}

/** The input of WebhookStore.createWebhook. */
export interface CreateWebhookInput {
  readonly name: string;
  readonly url: string;
  readonly events: readonly WebhookEvent[];
  readonly modelName?: string;
  readonly secret?: string;
  readonly status?: WebhookStatus;
}

/**
 * Where webhooks and their delivery attempts are kept. Adapter: SqlWebhookStore
 * (storage/sql/registry), tables from migration 002-registry.
 */
export interface WebhookStore {
  createWebhook(input: CreateWebhookInput): Promise<Webhook>;
  listWebhooks(): Promise<readonly Webhook[]>;
  setWebhookStatus(id: string, status: WebhookStatus): Promise<Webhook>;
  deleteWebhook(id: string): Promise<void>;
  /** ACTIVE webhooks subscribed to `event`: registry-wide ones and those of `modelName`. */
  targetsFor(event: WebhookEvent, modelName: string): Promise<readonly WebhookTarget[]>;
  recordAttempt(attempt: WebhookDeliveryAttempt): Promise<void>;
  /** A webhook's attempts, oldest first. */
  deliveries(webhookId: string): Promise<readonly WebhookDeliveryAttempt[]>;
}
