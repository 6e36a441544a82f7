/**
 * Keeps a router in step with the stored deployments: applies each on start, then re-reads them
 * every interval and applies a policy whose revision changed (so `paddock deploy rollback` reaches
 * every server within one interval, one second by default). A failed apply keeps the old policy
 * routing and is retried on the next tick.
 */
import type { Logger } from '../../core/logging.js';
import type { Deployment, DeploymentStore } from './deployment.js';
import type { DeploymentRouter } from './router.js';

/** Options of `followDeployments`. */
export interface FollowOptions {
  readonly store: Pick<DeploymentStore, 'get'>;
  readonly router: Pick<DeploymentRouter, 'apply'>;
  readonly names: readonly string[];
  readonly intervalMs?: number;
  readonly logger?: Logger;
  readonly onApplied?: (deployment: Deployment) => void;
}

/** Applies the deployments now (rejects if one cannot be loaded), then follows them; returns a stop function. */
export async function followDeployments(options: FollowOptions): Promise<() => void> {
  const applied = new Map<string, number>();
  const sync = async (name: string): Promise<void> => {
    const d = await options.store.get(name);
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
