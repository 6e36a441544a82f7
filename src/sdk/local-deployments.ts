import type { CreateDeploymentInput, DeploymentsApi, DeploymentWriteOptions } from '../client/http-deployments.js';
import type { Actor } from '../registry/index.js';
import { DeploymentService, type Deployment, type DeploymentChange, type DeploymentEvent, type DeploymentStore } from '../serving/index.js';
import { SqlDeploymentStore } from '../storage/sql/deployments/sql-deployment-store.js';
import { SqlRegistryStore } from '../storage/sql/registry/sql-registry-store.js';

/** Opens the project's metadata database; the caller closes it. */
export type OpenDeploymentDatabase = () => Promise<ConstructorParameters<typeof SqlDeploymentStore>[0] & ConstructorParameters<typeof SqlRegistryStore>[0] & {
  close(): Promise<void>;
  /** Wraps the deployment store with the project's promotion policy (app-promotion.ts). */
  guard?: (store: DeploymentStore) => DeploymentStore;
}>;

/**
 * DeploymentsApi over the project's metadata database: the use-cases `paddock deploy` runs, the
 * database opened per call (as `paddock deploy` does), so a script holds no connection between calls.
 */
export class LocalDeployments implements DeploymentsApi {
  constructor(private readonly open: OpenDeploymentDatabase, private readonly defaultActor: () => string) {}

  list(): Promise<Deployment[]> {
    return this.run((s) => s.list());
  }

  get(name: string): Promise<Deployment> {
    return this.run((s) => s.get(name));
  }

  create(input: CreateDeploymentInput, options: Pick<DeploymentWriteOptions, 'reason' | 'actor'> = {}): Promise<Deployment> {
    const policy = { ...input.policy, candidates: input.policy.candidates ?? [] };
    return this.run((s) => s.create({ ...input, policy }, this.by(options)));
  }

  update(name: string, change: DeploymentChange, options: DeploymentWriteOptions = {}): Promise<Deployment> {
    return this.run((s) => s.update(name, change, this.by(options), guard(options)));
  }

  promote(name: string, options: DeploymentWriteOptions = {}): Promise<Deployment> {
    return this.run((s) => s.promote(name, this.by(options), guard(options)));
  }

  rollback(name: string, options: DeploymentWriteOptions = {}): Promise<Deployment> {
    return this.run((s) => s.rollback(name, this.by(options), guard(options)));
  }

  history(name: string): Promise<DeploymentEvent[]> {
    return this.run((s) => s.history(name));
  }

  delete(name: string, options: Pick<DeploymentWriteOptions, 'reason' | 'actor'> = {}): Promise<void> {
    return this.run((s) => s.delete(name, this.by(options)));
  }

  private by(options: Pick<DeploymentWriteOptions, 'reason' | 'actor'>): Actor {
    return { actor: options.actor || this.defaultActor(), ...(options.reason !== undefined ? { reason: options.reason } : {}) };
  }

  private async run<T>(fn: (service: DeploymentService) => Promise<T>): Promise<T> {
    const database = await this.open();
    try {
      const store = new SqlDeploymentStore(database);
      return await fn(new DeploymentService({ deployments: database.guard ? database.guard(store) : store, registry: new SqlRegistryStore(database) }));
    } finally {
      await database.close();
    }
  }
}

function guard(options: DeploymentWriteOptions): { expectedRevision?: number } {
  return options.expectedRevision !== undefined ? { expectedRevision: options.expectedRevision } : {};
}
