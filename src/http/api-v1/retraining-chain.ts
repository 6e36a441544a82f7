/**
 * The chain of causes of one retraining, as the Monitoring page shows it: alert → trigger → data
 * version → run → evaluation → canary → promotion. Assembled from the retraining record (its
 * trigger, data versions and steps), the alert store (the numbers that fired the alert), the
 * registry (the run behind the challenger version) and the history of the model's deployments
 * (canary steps, promotion or rollback of that version).
 */
import type { Retraining, RetrainingStep } from '../../automation/index.js';
import { isPaddockError } from '../../core/errors.js';
import type { AlertStore } from '../../monitoring/index.js';
import type { RegistryStore } from '../../registry/index.js';
import type { DeploymentEvent } from '../../serving/index.js';
import type { ChainLink, ChainStatus } from './wire/monitoring.js';

export type { ChainLink, ChainStatus } from './wire/monitoring.js';

export interface ChainDeps {
  readonly alerts: AlertStore;
  readonly registry: RegistryStore;
  /** The deployments of the retraining's model. */
  readonly deployments: readonly string[];
  historyOf(deployment: string): Promise<readonly DeploymentEvent[]>;
}

const stepStatus = (s: RetrainingStep | undefined, r: Retraining): ChainStatus => s?.status ?? (r.status === 'queued' || r.status === 'running' ? 'pending' : 'skipped');

/** The links of `r`, oldest cause first. */
export async function retrainingChain(r: Retraining, deps: ChainDeps): Promise<ChainLink[]> {
  const links: ChainLink[] = [];
  const t = r.trigger;
  if (t.kind === 'alert') {
    const stored = t.detail.id !== undefined && /^\d+$/.test(t.detail.id) ? await deps.alerts.get(Number(t.detail.id)) : undefined;
    const numbers = stored ? `${stored.metric}${stored.column ? ` of ${stored.column}` : ''} = ${stored.value.toPrecision(4)} (${stored.condition}) over ${stored.windows.length} window(s)` : 'the alert record is not in this store';
    links.push({ step: 'alert', status: 'ok', detail: `${t.detail.rule}${t.detail.deployment ? ` on ${t.detail.deployment}` : ''}: ${numbers}`, at: Date.parse(t.detail.firedAt), ...(stored ? { alert: stored } : {}) });
  }
  links.push({ step: 'trigger', status: r.status === 'skipped' ? 'skipped' : 'ok', detail: triggerText(r) + (r.status === 'skipped' && r.reason ? ` — skipped: ${r.reason}` : ''), at: r.createdAt });
  const data = Object.entries(r.dataVersions);
  links.push({ step: 'data', status: data.length ? 'ok' : stepStatus(undefined, r), detail: data.length ? data.map(([p, md5]) => `${p} @ ${md5.slice(0, 12)}`).join(', ') : 'no tracked data versions recorded' });
  const step = (name: RetrainingStep['name']) => r.steps.find((s) => s.name === name);
  const pipeline = step('pipeline');
  const runId = r.version !== undefined ? await runOf(deps.registry, r.model, r.version) : undefined;
  links.push({ step: 'run', status: stepStatus(pipeline, r), detail: [pipeline?.detail, r.version !== undefined ? `registered ${r.model} version ${r.version}` : undefined].filter(Boolean).join('; ') || 'not run', ...(pipeline ? { at: pipeline.startedAt } : {}), ...(runId ? { runId } : {}) });
  const gates = step('gates');
  links.push({ step: 'evaluation', status: stepStatus(gates, r), detail: gates?.detail ?? 'not evaluated', ...(gates ? { at: gates.startedAt } : {}) });
  const canary = step('canary');
  const events = r.version === undefined ? [] : await versionEvents(deps, String(r.version), r.createdAt);
  const canaryEvents = events.filter((e) => e.kind !== 'promoted' && e.kind !== 'rolled-back');
  links.push({ step: 'canary', status: stepStatus(canary, r), detail: canary?.detail ?? 'no canary started', ...(canary ? { at: canary.startedAt } : {}), events: canaryEvents });
  const end = events.find((e) => e.kind === 'promoted' || e.kind === 'rolled-back' || (e.to.stable === String(r.version)));
  links.push({
    step: 'promotion',
    status: !end ? 'pending' : end.kind === 'rolled-back' ? 'failed' : 'ok',
    detail: !end ? 'not promoted (yet)' : end.kind === 'rolled-back' ? `rolled back on ${end.deployment}${end.reason ? `: ${end.reason}` : ''}` : `version ${r.version} became stable of ${end.deployment} (${end.kind} by ${end.actor})`,
    ...(end ? { at: end.at, events: [end] } : {}),
  });
  return links;
}

function triggerText(r: Retraining): string {
  const t = r.trigger;
  switch (t.kind) {
    case 'alert': return `alert ${t.detail.rule} asked to retrain ${r.pipeline}`;
    case 'data': return `data ${t.detail.path} changed to ${t.detail.md5.slice(0, 12)}${t.detail.previous ? ` (was ${t.detail.previous.slice(0, 12)})` : ''}`;
    case 'schedule': return `schedule ${t.detail.cron} ticked at ${t.detail.tick}`;
    case 'manual': return `by hand by ${t.detail.user}${t.detail.reason ? `: ${t.detail.reason}` : ''}`;
  }
}

async function runOf(registry: RegistryStore, model: string, version: number): Promise<string | undefined> {
  try {
    return (await registry.getVersion(model, version)).runId;
  } catch (err) {
    if (isPaddockError(err, 'NOT_FOUND')) return undefined;
    throw err;
  }
}

/** Changes of the model's deployments since the retraining began that name `version` before or after. */
async function versionEvents(deps: ChainDeps, version: string, since: number): Promise<(DeploymentEvent & { deployment: string })[]> {
  const names = (p: DeploymentEvent['to'] | undefined) => (p ? [p.stable, ...p.candidates.map((c) => c.version), ...(p.mirror ? [p.mirror.version] : [])] : []);
  const all = await Promise.all(deps.deployments.map(async (d) => (await deps.historyOf(d)).map((e) => ({ ...e, deployment: d }))));
  return all.flat()
    .filter((e) => e.at >= since && (names(e.to).includes(version) || names(e.from).includes(version)))
    .sort((a, b) => a.at - b.at);
}
