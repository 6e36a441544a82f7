import type { AnalysisConfig, Deployment, DeploymentChange, DeploymentEvent, TrafficPolicy } from '../serving/index.js';
import type { JsonHttp } from './http-json.js';

/** Why and on which revision a change is made. */
export interface DeploymentWriteOptions {
  /** Recorded in the deployment's history and the model's audit log. */
  readonly reason?: string;
  /** Fail with CONFLICT unless the deployment is still at this revision. */
  readonly expectedRevision?: number;
  /** Who changes it, for a local store (default `PADDOCK_ACTOR`, else the OS user); a server records its token's name. */
  readonly actor?: string;
}

/** A new deployment: the model, its traffic policy (candidates default to none) and an optional canary analysis. */
export interface CreateDeploymentInput {
  readonly name: string;
  readonly model: string;
  readonly policy: Omit<TrafficPolicy, 'candidates'> & { readonly candidates?: TrafficPolicy['candidates'] };
  /** Fields left out take the defaults. */
  readonly analysis?: Partial<AnalysisConfig>;
}

/** The deployment calls of the SDK, the same over a server (HttpDeployments) and the project's database. */
export interface DeploymentsApi {
  list(): Promise<Deployment[]>;
  get(name: string): Promise<Deployment>;
  create(input: CreateDeploymentInput, options?: Pick<DeploymentWriteOptions, 'reason' | 'actor'>): Promise<Deployment>;
  update(name: string, change: DeploymentChange, options?: DeploymentWriteOptions): Promise<Deployment>;
  promote(name: string, options?: DeploymentWriteOptions): Promise<Deployment>;
  rollback(name: string, options?: DeploymentWriteOptions): Promise<Deployment>;
  /** Every change, oldest first. */
  history(name: string): Promise<DeploymentEvent[]>;
  delete(name: string, options?: Pick<DeploymentWriteOptions, 'reason' | 'actor'>): Promise<void>;
}

/** DeploymentsApi over a Paddock server's /api/v1/deployments; errors arrive as the server's catalogue codes. */
export class HttpDeployments implements DeploymentsApi {
  constructor(private readonly http: JsonHttp) {}

  async list(): Promise<Deployment[]> {
    return (await this.http.get<{ items: Deployment[] }>('/api/v1/deployments')).items;
  }

  get(name: string): Promise<Deployment> {
    return this.http.get<Deployment>(path(name));
  }

  create(input: CreateDeploymentInput, options: Pick<DeploymentWriteOptions, 'reason'> = {}): Promise<Deployment> {
    return this.http.post<Deployment>('/api/v1/deployments', { ...input, ...reasonOf(options) });
  }

  update(name: string, change: DeploymentChange, options: DeploymentWriteOptions = {}): Promise<Deployment> {
    return this.send<Deployment>('PATCH', path(name), { ...change, ...guardOf(options) });
  }

  promote(name: string, options: DeploymentWriteOptions = {}): Promise<Deployment> {
    return this.http.post<Deployment>(`${path(name)}/promote`, guardOf(options));
  }

  rollback(name: string, options: DeploymentWriteOptions = {}): Promise<Deployment> {
    return this.http.post<Deployment>(`${path(name)}/rollback`, guardOf(options));
  }

  async history(name: string): Promise<DeploymentEvent[]> {
    return (await this.http.get<{ events: DeploymentEvent[] }>(`${path(name)}/history`)).events;
  }

  async delete(name: string, options: Pick<DeploymentWriteOptions, 'reason'> = {}): Promise<void> {
    await this.http.raw('DELETE', path(name), { body: JSON.stringify(reasonOf(options)), headers: { 'content-type': 'application/json' } });
  }

  private async send<T>(method: string, route: string, body: unknown): Promise<T> {
    const res = await this.http.raw(method, route, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return (await res.json()) as T;
  }
}

const path = (name: string) => `/api/v1/deployments/${encodeURIComponent(name)}`;
const reasonOf = (o: { reason?: string }) => (o.reason !== undefined ? { reason: o.reason } : {});
const guardOf = (o: DeploymentWriteOptions) => ({ ...reasonOf(o), ...(o.expectedRevision !== undefined ? { expectedRevision: o.expectedRevision } : {}) });
