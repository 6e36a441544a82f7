/** The registry shapes of /api/v1/models…, declared once in src/registry/model.ts (via src/http/api-v1/wire/registry.ts). */
export type { AuditEvent, Lineage, ModelVersion, Page, RegisteredModel } from '../../../../src/http/api-v1/wire/registry';
