import { artifactStoreConfig, openMetadata, openProject } from '../app.js';
import type { JsonHttp } from '../client/http-json.js';
import { HttpTrackingStore } from '../client/http-tracking-store.js';
import { fail } from '../core/errors.js';
import type { TrackingStore } from '../tracking/index.js';
import type { ArtifactSettings } from './artifact-sink.js';

/** A store picked by URI, with what artifact uploads need. */
export interface OpenedTracking {
  readonly tracking: TrackingStore;
  /** Set when the store is a server: artifact uploads go through its proxy. */
  readonly http?: JsonHttp;
  /** Metric points per store call that the backend accepts comfortably. */
  readonly batchSize: number;
  readonly artifacts: ArtifactSettings;
  close(): Promise<void>;
}

/** Where to find the store. */
export interface TrackingLocation {
  /** `http(s)://…` → a server; `sqlite:…`/`postgres://…` → that database; absent → the project's. */
  readonly trackingUri?: string | undefined;
  readonly cwd: string;
  readonly token?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The one place the SDK and the tracking CLI commands turn a tracking URI into a store: a
 * server by URL (HttpTrackingStore), else the project's metadata database through app.ts.
 */
export async function openTracking(location: TrackingLocation): Promise<OpenedTracking> {
  const uri = location.trackingUri;
  if (uri && /^https?:\/\//i.test(uri)) {
    const store = new HttpTrackingStore({ baseUrl: uri, ...(location.token ? { token: location.token } : {}) });
    // MLflow's servers take 1000 metrics per log-batch; Paddock's take far more, and bigger
    // batches are faster (about 250k points/s at 1000 per call, 570k at 50,000, measured here).
    const batchSize = (await store.serverKind()) === 'paddock' ? 20_000 : 1000;
    return { tracking: store, http: store.http, batchSize, artifacts: { root: location.cwd }, close: () => store.close() };
  }
  const project = openProject({
    cwd: location.cwd,
    logLevel: 'silent',
    ...(location.env ? { env: location.env } : {}),
    ...(uri ? { flags: { 'metadata.uri': checkDatabaseUri(uri) } } : {}),
  });
  const metadata = await openMetadata(project);
  return {
    tracking: metadata.tracking,
    batchSize: 10_000,
    artifacts: {
      root: project.root,
      artifactsRoot: project.config.artifacts.root,
      s3: artifactStoreConfig(project, project.config.artifacts.root),
    },
    close: () => metadata.close(),
  };
}

function checkDatabaseUri(uri: string): string {
  if (/^(sqlite:|postgres(ql)?:\/\/)/i.test(uri)) return uri;
  return fail('INVALID_ARGUMENT', `tracking URI '${uri}' is not supported: use http(s)://host:port for a server, sqlite:<path> or postgres://… for a database, or leave it unset for the project's store`, { field: 'trackingUri', uri });
}
