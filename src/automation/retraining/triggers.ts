import { isPaddockError } from '../../core/errors.js';
import { nextCronTick, parseCron } from './cron.js';
import { requestRetraining, type RequestDeps } from './request-retraining.js';
import type { Retraining } from './retraining.js';

/** An alert as the monitoring capability fires it (the fields a retraining records). */
export interface FiredAlert {
  readonly rule: string;
  readonly deployment?: string;
  readonly firedAt: Date | string | number;
  readonly id?: string | number;
  readonly numbers?: Readonly<Record<string, unknown>>;
}

/** Ids must be stable across processes and free of ':' (BullMQ's separator). */
function safe(s: string): string {
  return s.replace(/[^\w.-]/g, '_');
}

/**
 * The alert hook: a retraining for every pipeline whose `triggers.alerts` lists the alert's rule,
 * recorded with the alert (rule, deployment, when, the numbers that fired it). One alert seen by
 * several processes makes one retraining per pipeline.
 */
export async function onAlert(alert: FiredAlert, deps: RequestDeps): Promise<Retraining[]> {
  const firedAt = new Date(alert.firedAt);
  const out: Retraining[] = [];
  for (const [pipeline, config] of Object.entries(deps.pipelines)) {
    if (!config.triggers.alerts.includes(alert.rule)) continue;
    out.push(await requestRetraining({
      pipeline,
      id: `alert-${safe(pipeline)}-${safe(alert.rule)}-${firedAt.getTime()}`,
      trigger: {
        kind: 'alert',
        detail: {
          rule: alert.rule, firedAt: firedAt.toISOString(),
          ...(alert.deployment ? { deployment: alert.deployment } : {}),
          ...(alert.id !== undefined ? { id: String(alert.id) } : {}),
          ...(alert.numbers ? { numbers: alert.numbers } : {}),
        },
      },
    }, deps));
  }
  return out;
}

/**
 * The scheduler's check: for each pipeline with `triggers.schedule`, whether a cron tick fell in
 * (since, now]; if so, one retraining for the latest such tick (ticks missed while nothing was
 * polling are not replayed one by one). The tick is the id, so several pollers queue it once.
 */
export async function checkSchedules(since: Date, now: Date, deps: RequestDeps): Promise<Retraining[]> {
  const out: Retraining[] = [];
  for (const [pipeline, config] of Object.entries(deps.pipelines)) {
    const expression = config.triggers.schedule;
    if (!expression) continue;
    const cron = parseCron(expression, `retraining.pipelines.${pipeline}.triggers.schedule`);
    let tick: Date | undefined;
    for (let t = nextCronTick(cron, since); t && t.getTime() <= now.getTime(); t = nextCronTick(cron, t)) tick = t;
    if (!tick) continue;
    out.push(await requestRetraining({
      pipeline,
      id: `schedule-${safe(pipeline)}-${tick.toISOString().slice(0, 16).replace(/[-T]/g, '').replace(/\D/g, '')}`,
      trigger: { kind: 'schedule', detail: { cron: expression, tick: tick.toISOString() } },
    }, deps));
  }
  return out;
}

/** What the data watcher reads: current versions, and what the pipeline last ran on. */
export interface DataWatchDeps extends RequestDeps {
  readDataVersions(paths: readonly string[]): Promise<Record<string, string>>;
  /** The md5 dvc.lock records for the path (the baseline before any retraining). */
  lockedDataVersion(path: string): Promise<string | undefined>;
}

/**
 * The data watcher's check: a pipeline's tracked path whose `.dvc` md5 differs from the one its
 * last retraining ran on (or, before any, from dvc.lock's) triggers a retraining. A change a guard
 * turns away is tried again once per min interval, so it is not lost and not retried in a loop.
 */
export async function checkDataVersions(deps: DataWatchDeps): Promise<Retraining[]> {
  const out: Retraining[] = [];
  const now = deps.clock.now().getTime();
  for (const [pipeline, config] of Object.entries(deps.pipelines)) {
    if (config.triggers.data.length === 0) continue;
    const current = await deps.readDataVersions(config.triggers.data);
    const last = (await deps.store.list({ pipeline, limit: 50 })).find((r) => Object.keys(r.dataVersions).length > 0);
    for (const p of config.triggers.data) {
      const previous = last ? last.dataVersions[p] : await deps.lockedDataVersion(p);
      const md5 = current[p]!;
      if (previous === undefined || previous === md5) continue;
      const windowMs = Math.max(config.min_interval_minutes * 60_000, 60_000);
      try {
        out.push(await requestRetraining({
          pipeline,
          id: `data-${safe(pipeline)}-${md5.slice(0, 12)}-${Math.floor(now / windowMs)}`,
          trigger: { kind: 'data', detail: { path: p, md5, previous } },
        }, deps));
      } catch (err) {
        if (!isPaddockError(err, 'ALREADY_EXISTS')) throw err;
      }
      break; // one retraining covers every changed path of the pipeline
    }
  }
  return out;
}
