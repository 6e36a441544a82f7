/** The registry capability's public surface. */
export type * from './model.js';
export type { RegistryStore, Actor } from './registry-store.js';
export { checkAliasName, checkModelName, checkTag, checkVersion, MAX_ALIAS_LENGTH, MAX_MODEL_NAME_LENGTH, MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH } from './names.js';
export { parseModelUri, resolveModelUri, modelVersionUri, type ModelReference } from './model-uri.js';
export { lineageOf, LINEAGE_TAGS } from './lineage.js';
export { WEBHOOK_EVENTS, type WebhookEvent, type WebhookStatus, type Webhook, type WebhookTarget, type WebhookDeliveryAttempt, type CreateWebhookInput, type WebhookStore } from './webhooks/webhook-model.js';
export { WebhookDispatcher, type WebhookDispatcherOptions, type WebhookDeliveryStore } from './webhooks/dispatcher.js';
export { signWebhook, verifyWebhookSignature, WEBHOOK_HEADERS, WEBHOOK_SIGNATURE_VERSION } from './webhooks/signature.js';
export { withWebhooks, type WebhookEmitter } from './webhooks/notifying-registry.js';
export { registerVersion, type RegisterVersionInput } from './register-version.js';
