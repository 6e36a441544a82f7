import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { withPromotionPolicy, withPromotionPolicyDeployments, type PromotionConfig } from '../automation/promotion/index.js';
import { SqlPromotionStore } from '../storage/sql/promotion/sql-promotion-store.js';
import { openMetadataStore } from '../storage/sql/open-metadata-store.js';
import { SqlRegistryStore } from '../storage/sql/registry/sql-registry-store.js';
import { SqlDeploymentStore } from '../storage/sql/deployments/sql-deployment-store.js';
import { FsObjectStore } from '../storage/artifacts/fs-object-store.js';
import type { TrackingStore } from '../tracking/index.js';
import type { RegistryStore } from '../registry/index.js';
import { SqlTokenStore } from './auth/token-store.js';
import type { Limits } from './context.js';
import type { ObjectStore } from '../core/object-store.js';
import { cachedArtifactStores, type StoreOpener } from './open-artifacts.js';
import { buildServer } from './server.js';

/** A real server on loopback, by default over a fresh SQLite store and artifact directory (tests, benches). */
export interface TestServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly dir: string;
  readonly artifactRoot: string;
  readonly tracking: TrackingStore;
  readonly registry: RegistryStore;
  readonly deployments: SqlDeploymentStore;
  readonly tokens: SqlTokenStore;
  close(): Promise<void>;
}

/** What a test server runs over; by default a fresh SQLite file and artifact directory. */
export interface TestServerOptions {
  readonly auth?: boolean;
  readonly limits?: Partial<Limits>;
  /** Metadata database URI (e.g. `postgres://…` with a fresh schema); default a SQLite file in the temp dir. */
  readonly metadataUri?: string;
  /** Artifact root (a directory or `s3://bucket/prefix`); default `<temp dir>/artifacts`. */
  readonly artifactRoot?: string;
  /** Opens the object store under an artifact URI; default FsObjectStore. Stores are closed with the server. */
  readonly artifacts?: StoreOpener;
  /** Promotion policies guarding alias and deployment moves (paddock.yaml `promotion`); default none. */
  readonly promotion?: PromotionConfig;
}

/** Starts the server on 127.0.0.1, port 0. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paddock-http-'));
  const artifactRoot = options.artifactRoot ?? path.join(dir, 'artifacts');
  const meta = await openMetadataStore(options.metadataUri ?? 'sqlite:paddock.db', { root: dir, artifactsRoot: artifactRoot });
  // Remember every store opened, so S3 clients and their keep-alive sockets end with the server.
  const opened: ObjectStore[] = [];
  const open = options.artifacts ?? ((uri: string) => new FsObjectStore(uri));
  const registry = new SqlRegistryStore({ db: meta.db as never, dialect: meta.dialect, close: async () => undefined });
  const tokens = new SqlTokenStore(meta.db);
  const deployments = new SqlDeploymentStore({ db: meta.db, dialect: meta.dialect });
  const promotion = new SqlPromotionStore(meta);
  const guard = { registry, tracking: meta.tracking, store: promotion, config: options.promotion ?? { policies: {} } };
  const app = await buildServer({
    tracking: meta.tracking,
    registry: withPromotionPolicy(registry, guard),
    deployments: withPromotionPolicyDeployments(deployments, guard),
    promotion,
    artifacts: cachedArtifactStores((uri) => {
      const store = open(uri);
      opened.push(store);
      return store;
    }),
    artifactRoot,
    auth: options.auth ? { tokens } : false,
    limits: options.limits,
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address,
    app,
    dir,
    artifactRoot,
    tracking: meta.tracking,
    registry,
    deployments,
    tokens,
    async close() {
      await app.close();
      await Promise.allSettled(opened.map((store) => store.close?.()));
      await meta.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One HTTP exchange's outcome, body parsed as JSON when it is JSON. */
export interface Reply {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
  readonly headers: Headers;
}

/**
 * Calls the server as MLflow's Python client does: GET with the fields in the query string
 * (lists as repeated keys), any other method with a JSON body.
 */
export async function call(server: { url: string }, method: string, route: string, fields: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Reply> {
  let url = `${server.url}${route}`;
  const init: RequestInit = { method, headers: { ...headers } };
  if (method === 'GET') {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) qs.append(k, String(item));
    if ([...qs].length) url += `?${qs}`;
  } else {
    init.body = JSON.stringify(fields);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, body: isJson && text ? JSON.parse(text) : text, headers: res.headers };
}
