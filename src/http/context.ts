import type { FastifyRequest } from 'fastify';
import type { PromotionStore } from '../automation/promotion/index.js';
import { fail } from '../core/errors.js';
import type { Logger } from '../core/logging.js';
import type { ObjectStore } from '../core/object-store.js';
import type { Project } from '../core/project.js';
import type { RetrainingStore } from '../automation/index.js';
import type { AlertRule, AlertStore, MonitorReference, PredictionLogStore } from '../monitoring/index.js';
import type { Actor, RegistryStore } from '../registry/index.js';
import type { DeploymentService, VariantStats } from '../serving/index.js';
import type { TrackingStore } from '../tracking/index.js';
import type { Principal } from './auth/roles.js';

/** Size limits the server enforces (server.body_limit_mb, server.max_batch_metrics). */
export interface Limits {
  readonly bodyLimitBytes: number;
  readonly maxBatchMetrics: number;
}

export const DEFAULT_LIMITS: Limits = { bodyLimitBytes: 64 * 2 ** 20, maxBatchMetrics: 200_000 };

/** What every route module receives: the ports and the server's settings. */
export interface ServerContext {
  readonly tracking: TrackingStore;
  readonly registry: RegistryStore;
  /** The deployment use-cases, over the server's deployment store and registry. */
  readonly deployments: DeploymentService;
  /** The object store holding everything under an artifact URI (a run's root, or the artifact root). */
  readonly artifacts: (uri: string) => ObjectStore;
  /** The artifact root URI runs live under (served as `mlflow-artifacts:/…` to MLflow clients). */
  readonly artifactRoot: string;
  readonly limits: Limits;
  readonly logger: Logger;
  /** Approvals for promotion policies, when the server has them. */
  readonly promotion?: PromotionStore;
  /** The prediction log ground truth joins to, with monitoring.labels' settings (absent: labels are refused). */
  readonly labels?: {
    readonly store: PredictionLogStore;
    readonly joinWindowMs: number;
    keyColumnOf(deployment: string): string | undefined;
  };
  /** The project the server runs in (`paddock server`), for the pipeline and data pages; absent: those answer NOT_A_PROJECT. */
  readonly project?: Project;
  /** What the monitoring pages read (/api/v1/deployments/{name}/monitoring, /alerts, /retrainings); absent: those answer INVALID_STATE. */
  readonly monitoring?: MonitoringSource;
  /** Request outcomes of the deployments this server itself serves (`--deployment`), for live stats. */
  readonly live?: { readonly stats: VariantStats; served(deployment: string): boolean };
}

/** The stores behind the monitoring API. */
export interface MonitoringSource {
  readonly predictionLog: PredictionLogStore;
  readonly alerts: AlertStore;
  readonly retrainings?: RetrainingStore;
  /** paddock.yaml's alert rules, evaluated over the windows a report shows. */
  readonly rules: readonly AlertRule[];
  /** The reference (training profile) of a deployment's stable version. */
  referenceOf(deployment: string): Promise<MonitorReference>;
}

/**
 * Who is calling, for the registry's audit log: the token's name, or `anonymous` without auth.
 * `x-paddock-override: true` asks to override the promotion policy (audited as policy.override):
 * with auth on only an admin token may; without auth the server is local and anyone may.
 */
export function actorOf(request: FastifyRequest): Actor {
  const principal = (request as FastifyRequest & { principal?: Principal }).principal;
  const reason = request.headers['x-paddock-reason'];
  const override = String(request.headers['x-paddock-override'] ?? '').toLowerCase() === 'true';
  if (override && principal && principal.role !== 'admin') {
    fail('PERMISSION_DENIED', `token '${principal.name}' has role ${principal.role}: only an admin may override the promotion policy (x-paddock-override)`, { role: principal.role, needed: 'admin' });
  }
  return { actor: principal?.name ?? 'anonymous', reason: typeof reason === 'string' ? reason : undefined, ...(override ? { override: true } : {}) };
}
