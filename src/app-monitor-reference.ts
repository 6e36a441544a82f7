/**
 * A deployment's monitoring reference, for the monitor commands and the serving loop: the
 * deployment's stable version (`models:/<model>/<stable>`) resolved through the registry into
 * the local model cache, and the reference read from that package. Cached per version, so the
 * loop reads a package once and follows promotions.
 */
import { packageResolver } from './app-model-packages.js';
import type { Project } from './core/project.js';
import { referenceFromPackage, type MonitorReference } from './monitoring/index.js';
import { SqlDeploymentStore } from './storage/sql/deployments/sql-deployment-store.js';
import type { MetadataStore } from './storage/sql/open-metadata-store.js';
import { SqlRegistryStore } from './storage/sql/registry/sql-registry-store.js';

/** Returns the reference of a deployment's current stable version. */
export function deploymentReferences(project: Pick<Project, 'root' | 'config'>, meta: MetadataStore, cwd: string): (deployment: string) => Promise<MonitorReference> {
  const deployments = new SqlDeploymentStore(meta);
  const resolver = packageResolver(cwd, { project, registry: new SqlRegistryStore(meta), tracking: meta.tracking });
  const cache = new Map<string, Promise<MonitorReference>>();
  return async (name) => {
    const d = await deployments.get(name);
    const ref = `models:/${d.model}/${d.policy.stable}`;
    let reference = cache.get(ref);
    if (!reference) {
      reference = resolver.resolve(ref).then((r) => referenceFromPackage(r.pkg, `${d.model} version ${d.policy.stable}`));
      reference.catch(() => cache.delete(ref));
      cache.set(ref, reference);
    }
    return reference;
  };
}
