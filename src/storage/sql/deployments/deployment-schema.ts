import type { Generated, Selectable } from 'kysely';

/** The deployment tables as migration 004-deployments creates them (the slice Kysely sees). */
export interface DeploymentTables {
  deployments: {
    name: string;
    model: string;
    /** TrafficPolicy as JSON. */
    policy: string;
    /** AnalysisConfig as JSON, or NULL. */
    analysis: string | null;
    revision: number;
    created_at: number;
    updated_at: number;
  };
  deployment_events: {
    event_id: Generated<number>;
    deployment: string;
    revision: number;
    at: number;
    kind: string;
    actor: string;
    reason: string | null;
    from_policy: string | null;
    to_policy: string;
  };
}

export type DeploymentRow = DeploymentTables['deployments'];
export type DeploymentEventRow = Selectable<DeploymentTables['deployment_events']>;
