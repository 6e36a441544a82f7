/**
 * Keeps a router in step with the stored deployments: applies each on start, then re-reads them
 * every interval and applies a policy whose revision changed (so `paddock deploy rollback` reaches
 * every server within one interval, one second by default). A failed apply keeps the old policy
 * routing and is retried on the next tick. A deployment deleted from the store stops being routed
 * (its requests get NOT_FOUND, and the router unloads its versions after its grace period); one
 * created again under that name is applied when it appears.
 */
import { isPaddockError } from '../../core/errors.js';
import type { Logger } from '../../core/logging.js';
import type { Deployment, DeploymentStore } from './deployment.js';
import type { DeploymentRouter } from './router.js';

/** Options of `followDeployments`. */
export interface FollowOptions {
  readonly store: Pick<DeploymentStore, 'get'>;
  readonly router: Pick<DeploymentRouter, 'apply' | 'remove'>;
  readonly names: readonly string[];
  readonly intervalMs?: number;
  readonly logger?: Logger;
  readonly onApplied?: (deployment: Deployment) => void;
  /** Called when a followed deployment was deleted from the store and is no longer routed. */
  readonly onRemoved?: (name: string) => void;
}

/** Applies the deployments now (rejects if one cannot be loaded), then follows them; returns a stop function. */
export async function followDeployments(options: FollowOptions): Promise<() => void> {
  const applied = new Map<string, number>();
  const sync = async (name: string): Promise<void> => {
    let d: Deployment;
    try {
      d = await options.store.get(name);
    } catch (err) {
      // Deleted after it was applied: stop routing it. (Missing at start is the caller's error.)
      if (!isPaddockError(err, 'NOT_FOUND') || !applied.has(name)) throw err;
      applied.delete(name);
      options.router.remove(name);
      options.logger?.warn({ deployment: name }, 'deployment deleted: no longer routed');
      options.onRemoved?.(name);
      return;
    }
    if (applied.get(name) === d.revision) return;
    await options.router.apply(d);
    applied.set(name, d.revision);
    options.onApplied?.(d);
  };
  for (const name of options.names) await sync(name);
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void Promise.all(options.names.map((n) => sync(n).catch((err: unknown) => options.logger?.warn({ err, deployment: n }, 'applying the deployment failed; the previous policy keeps routing'))))
      .finally(() => (running = false));
  }, options.intervalMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
