import type { Generated } from 'kysely';

/** The registry tables as migrations 002-registry and 005-deployment-audit create them (the slice Kysely sees). */
export interface RegistryTables {
  registered_models: {
    model_id: string;
    name: string;
    description: string;
    creation_time: number;
    last_updated_time: number;
    next_version: number;
  };
  registered_model_tags: { model_id: string; key: string; value: string };
  model_versions: {
    model_id: string;
    version: number;
    source: string;
    run_id: string | null;
    status: string;
    description: string;
    signature: string | null;
    creation_time: number;
    last_updated_time: number;
  };
  model_version_tags: { model_id: string; version: number; key: string; value: string };
  registered_model_aliases: { model_id: string; alias: string; version: number };
  registry_audit_log: {
    event_id: Generated<number>;
    model_id: string;
    model_name: string;
    action: string;
    version: number | null;
    alias: string | null;
    tag_key: string | null;
    from_value: string | null;
    to_value: string | null;
    actor: string;
    reason: string | null;
    timestamp: number;
    /** The deployment a `deployment.*` event is about (migration 005-deployment-audit); NULL otherwise. */
    deployment: string | null;
  };
  registry_webhooks: {
    webhook_id: string;
    name: string;
    url: string;
    secret: string | null;
    events: string;
    model_name: string | null;
    status: string;
    creation_time: number;
    last_updated_time: number;
  };
  registry_webhook_deliveries: {
    attempt_id: Generated<number>;
    webhook_id: string;
    delivery_id: string;
    event: string;
    attempt: number;
    status_code: number | null;
    error: string | null;
    succeeded: number;
    duration_ms: number;
    timestamp: number;
  };
}

/** A model row joined with what the domain object needs. */
export type ModelRow = RegistryTables['registered_models'];
export type VersionRow = RegistryTables['model_versions'];
