/**
 * Wire shapes of /api/v1/models…: the routes answer the registry domain's objects as they are,
 * so the wire type is the domain type, re-exported for the web UI (`import type`).
 * src/registry/model.ts imports nothing and holds no runtime code; keep it so
 * (`npx tsc -p web/tsconfig.json` checks it without node types).
 */
export type { AuditEvent, Lineage, ModelVersion, ModelVersionStatus, RegisteredModel } from '../../../registry/model.js';
export type { Page } from './tracking.js';
