/**
 * Paddock's TypeScript SDK (`import { paddock } from 'paddock'`; the package's `exports` map
 * points here). The same calls work against the project's local store and a server by URL:
 *
 * ```ts
 * const run = await paddock.startRun({ experiment: 'churn' });
 * await run.logParams({ lr: 0.1 });
 * for (let step = 0; step < 100; step++) run.logMetric('loss', loss(step), step);
 * await run.end();
 * ```
 */
import { createClient, type PaddockClient, type StartRunOptions } from './client.js';
import type { ActiveRun } from './active-run.js';

export { createClient, PaddockClient, type ClientOptions, type StartRunOptions, type RegisterModelOptions } from './client.js';
export { ActiveRun, type InputSpec, type ParamValue } from './active-run.js';
export { HttpTrackingStore } from '../client/http-tracking-store.js';
export { HttpDeployments, type DeploymentsApi, type CreateDeploymentInput, type DeploymentWriteOptions } from '../client/http-deployments.js';
export type { Deployment, DeploymentChange, DeploymentEvent, TrafficPolicy, CandidateWeight, AnalysisConfig } from '../serving/index.js';
export type * from '../tracking/model.js';
export type { TrackingStore } from '../tracking/tracking-store.js';

let defaultClient: PaddockClient | undefined;

/** The client `paddock.*` uses: settings from the environment, created on first use. */
function client(): PaddockClient {
  return (defaultClient ??= createClient());
}

/** The default client's calls, for scripts that need one store (the environment picks it). */
export const paddock = {
  startRun: (options?: StartRunOptions): Promise<ActiveRun> => client().startRun(options),
  activeRun: (): ActiveRun | undefined => client().activeRun(),
  store: () => client().store(),
  createClient,
  /** Ends open runs and closes the default client's store. */
  close: async (): Promise<void> => {
    const c = defaultClient;
    defaultClient = undefined;
    await c?.close();
  },
} as const;
