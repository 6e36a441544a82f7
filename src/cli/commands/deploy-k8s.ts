import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import { buildKubernetesManifests, DEFAULT_SCALING, renderKubernetesYaml, type Deployment, type KubernetesScaling } from '../../serving/index.js';
import { SqlDeploymentStore } from '../../storage/sql/deployments/sql-deployment-store.js';
import { commandCwd, commandOutput } from '../context.js';
import { paddockVersion } from '../paddock-version.js';
import { addRegistryOptions, withMetadata } from './models-store.js';

interface K8sFlags {
  readonly output: string;
  readonly image?: string;
  readonly namespace?: string;
  readonly replicas?: string;
  readonly minReplicas?: string;
  readonly maxReplicas?: string;
  readonly cpuTarget?: string;
  readonly kserve?: boolean;
  readonly force?: boolean;
  readonly print?: boolean;
  readonly trackingUri?: string;
}

/**
 * `paddock deploy k8s <name>`: Kubernetes manifests (Deployment + Service + HPA, or a KServe
 * InferenceService) running `paddock serve --deployment <name>` for a stored deployment.
 */
export function registerDeployK8s(deploy: Command): void {
  addRegistryOptions(deploy.command('k8s <name>'))
    .description('write Kubernetes manifests serving a deployment: Deployment, Service and HPA (or a KServe InferenceService with --kserve)')
    .option('-o, --output <dir>', 'directory for <name>.yaml', 'k8s')
    .option('--image <image>', 'container image with paddock on its PATH (default: paddock:<this version>)')
    .option('--namespace <ns>', 'Kubernetes namespace of every object')
    .option('--replicas <n>', 'a fixed number of replicas (no autoscaler)')
    .option('--min-replicas <n>', `autoscale: fewest replicas (default ${DEFAULT_SCALING.minReplicas})`)
    .option('--max-replicas <n>', `autoscale: most replicas (default ${DEFAULT_SCALING.maxReplicas})`)
    .option('--cpu-target <percent>', `autoscale: average CPU utilization to hold, percent of requests (default ${DEFAULT_SCALING.cpuTarget})`)
    .option('--kserve', 'a KServe InferenceService (serving.kserve.io/v1beta1, custom predictor) instead')
    .option('-f, --force', 'overwrite an existing file')
    .option('--print', 'print the YAML to stdout instead of writing a file')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, flags: K8sFlags, cmd: Command) => {
      const scaling = scalingOf(flags);
      const deployment = await readDeployment(cmd, name);
      const options = { image: flags.image ?? `paddock:${paddockVersion()}`, scaling, ...(flags.namespace ? { namespace: flags.namespace } : {}), ...(flags.kserve ? { kserve: true } : {}) };
      const manifests = buildKubernetesManifests(deployment, options);
      const text = renderKubernetesYaml(deployment, manifests);
      const out = commandOutput(cmd);
      if (flags.print) {
        if (out.json) out.result({ manifests });
        else process.stdout.write(text);
        return;
      }
      const file = path.resolve(commandCwd(cmd), flags.output, `${name}.yaml`);
      const shown = path.relative(commandCwd(cmd), file) || file;
      if (!flags.force && existsSync(file)) fail('ALREADY_EXISTS', `${shown} already exists: pass --force to overwrite it, or --print to see the new version first`, { path: shown });
      await writeFileAtomic(file, text);
      out.result({ path: shown, kinds: manifests.map((m) => m.kind) });
      out.line(`Wrote ${shown}: ${manifests.map((m) => `${m.kind} ${m.metadata.name}`).join(', ')}`);
      out.line(`Apply with: kubectl apply -f ${shown}`);
    });
}

/** --replicas for a fixed count, or the autoscaling flags (defaults filled in); not both. */
function scalingOf(flags: K8sFlags): KubernetesScaling {
  const auto = flags.minReplicas !== undefined || flags.maxReplicas !== undefined || flags.cpuTarget !== undefined;
  if (flags.replicas !== undefined) {
    if (auto) fail('INVALID_ARGUMENT', '--replicas with --min-replicas/--max-replicas/--cpu-target: give a fixed --replicas or the autoscaling flags, not both', { field: '--replicas' });
    return { kind: 'fixed', replicas: whole(flags.replicas, '--replicas') };
  }
  const d = DEFAULT_SCALING;
  const min = flags.minReplicas !== undefined ? whole(flags.minReplicas, '--min-replicas') : d.minReplicas;
  // A --min-replicas above the default maximum raises the maximum with it.
  const max = flags.maxReplicas !== undefined ? whole(flags.maxReplicas, '--max-replicas') : Math.max(d.maxReplicas, min);
  return { kind: 'auto', minReplicas: min, maxReplicas: max, cpuTarget: flags.cpuTarget !== undefined ? whole(flags.cpuTarget, '--cpu-target') : d.cpuTarget };
}

function whole(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n)) fail('INVALID_ARGUMENT', `${flag} must be a whole number (got '${text}')`, { field: flag });
  return n;
}

/** The stored deployment, from the project's metadata database or --tracking-uri's. */
async function readDeployment(cmd: Command, name: string): Promise<Deployment> {
  return withMetadata(cmd, 'deploy', (metadata) => new SqlDeploymentStore(metadata).get(name));
}
