import type { Kysely } from 'kysely';
import type { DeploymentEventKind, TrafficPolicy } from '../../../serving/index.js';
import { appendAudit } from '../registry/audit-log.js';
import type { RegistryTables } from '../registry/registry-schema.js';

/** The registry audit action of each deployment event kind. */
const ACTIONS: Readonly<Record<DeploymentEventKind, string>> = {
  created: 'deployment.created', set: 'deployment.set', step: 'deployment.step', promoted: 'deployment.promoted',
  'rolled-back': 'deployment.rolled_back', analysis: 'deployment.analysis', deleted: 'deployment.deleted',
};

/** One deployment event, as the registry's audit log records it. */
export interface DeploymentAudit {
  readonly deployment: string;
  readonly model: string;
  readonly kind: DeploymentEventKind;
  readonly from: TrafficPolicy | null;
  /** null for a deletion. */
  readonly to: TrafficPolicy | null;
  readonly at: number;
}

/**
 * Appends a deployment event to the registry's audit log of the deployment's model, inside the
 * caller's transaction (so the change and both records commit together). from/to are the policy
 * in short (`stable 1, canary 2@25%`). The entry is filed under the model's name and its current
 * id; when the model was deleted (a deployment can outlive it) under the id the name last had in
 * the log, and when the registry never had it under an empty id: the deployment change still
 * happens, and `auditLog(model)`, which reads by name, still shows it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function auditDeploymentEvent(trx: Kysely<any>, by: { actor: string; reason?: string }, e: DeploymentAudit): Promise<void> {
  const db = trx as Kysely<RegistryTables>;
  const model = await db.selectFrom('registered_models').select('model_id').where('name', '=', e.model).executeTakeFirst();
  const last = model ? undefined : await db.selectFrom('registry_audit_log').select('model_id')
    .where('model_name', '=', e.model).orderBy('event_id', 'desc').limit(1).executeTakeFirst();
  await appendAudit(db, by, e.at, {
    modelId: model?.model_id ?? last?.model_id ?? '', modelName: e.model, action: ACTIONS[e.kind], deployment: e.deployment,
    ...(e.from ? { from: policyText(e.from) } : {}), ...(e.to ? { to: policyText(e.to) } : {}),
  });
}

/** `stable 1, canary 2@25%, mirror 3@100%, sticky header x-user`. */
export function policyText(p: TrafficPolicy): string {
  const parts = [`stable ${p.stable}`, ...p.candidates.map((c) => `canary ${c.version}@${c.weight}%`)];
  if (p.mirror) parts.push(`mirror ${p.mirror.version}@${p.mirror.percent}%`);
  if (p.sticky) parts.push('header' in p.sticky ? `sticky header ${p.sticky.header}` : `sticky column ${p.sticky.column}`);
  return parts.join(', ');
}
