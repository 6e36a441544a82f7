import type { Actor } from '../../registry/index.js';
import type { AnalysisConfig, DeploymentChange, DeploymentStatus } from '../../serving/index.js';
import type { Deployment } from '../../serving/index.js';
import { fail } from '../../core/errors.js';
import type { Config } from '../../core/config.js';
import { RETRAINING_ACTOR } from './retraining.js';

/** The slice of serving's DeploymentService a canary needs. */
export interface CanaryDeployments {
  status(name: string): Promise<DeploymentStatus>;
  update(name: string, change: DeploymentChange, by: Actor, options?: { expectedRevision?: number }): Promise<Deployment>;
}

type CanarySettings = Config['retraining']['pipelines'][string]['canary'];

/**
 * Puts `version` into the deployment as a canary at weight 0 with automatic analysis: the
 * serving process's analysis steps it through the weights, then promotes or rolls it back.
 * Idempotent: a deployment already serving the version (as candidate or stable) is left alone.
 * Another version's canary in progress is not replaced (two canaries would split the analysis):
 * that is an error, and the retraining reports it. Returns what it did, for the retraining's record.
 */
export async function startCanary(deployments: CanaryDeployments, input: { deployment: string; version: number; canary: CanarySettings; jobId: string }): Promise<string> {
  const { deployment } = await deployments.status(input.deployment);
  const version = String(input.version);
  if (deployment.policy.stable === version) return `deployment '${deployment.name}' already serves version ${version} as stable`;
  if (deployment.policy.candidates.some((c) => c.version === version)) return `deployment '${deployment.name}' already has version ${version} as a canary`;
  const other = deployment.policy.candidates[0];
  if (other) {
    fail('CONFLICT', `deployment '${deployment.name}' already has a canary of version ${other.version} (${other.weight}%): wait for its analysis to promote or roll it back, or \`paddock deploy rollback ${deployment.name}\``, { deployment: deployment.name, canary: other.version });
  }
  const analysis = analysisOf(input.canary);
  const by = { actor: RETRAINING_ACTOR, reason: `canary of version ${version} from retraining ${input.jobId}` };
  await deployments.update(deployment.name, { candidates: [{ version, weight: 0 }], analysis }, by, { expectedRevision: deployment.revision });
  return `deployment '${deployment.name}': version ${version} is a canary against stable ${deployment.policy.stable}, analysed every ${analysis.intervalSeconds} s through ${analysis.stepWeights!.join(' → ')}%`;
}

function analysisOf(c: CanarySettings): Partial<AnalysisConfig> & Pick<AnalysisConfig, 'intervalSeconds'> {
  return {
    intervalSeconds: c.interval_seconds,
    stepWeights: c.step_weights,
    minSamples: c.min_samples,
    ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
    ...(c.success_rate !== undefined ? { successRate: c.success_rate } : {}),
    ...(c.p99_latency_ms !== undefined ? { p99LatencyMs: c.p99_latency_ms } : {}),
  };
}
