import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { JsonHttp } from '../client/http-json.js';
import type { RemoteConfig } from '../core/config.js';
import { fail, fromSystemError } from '../core/errors.js';
import type { ObjectStore } from '../core/object-store.js';
import { openObjectStore } from '../storage/artifacts/open-object-store.js';

/** Where one run's artifact files go: the key is relative to the run's artifact root. */
export interface ArtifactSink {
  upload(key: string, localPath: string): Promise<void>;
}

const PROXY_SCHEME = 'mlflow-artifacts:';

/** How to open artifact roots that are not proxied: the project's settings. */
export interface ArtifactSettings {
  /** Project root, against which relative paths resolve. */
  readonly root: string;
  /** config `artifacts.root` (where `mlflow-artifacts:/…` points when no server is used). */
  readonly artifactsRoot?: string;
  /** S3 settings for s3:// roots (config `artifacts.*`): endpoint, region, credentials. */
  readonly s3?: Omit<RemoteConfig, 'url'>;
}

/**
 * Picks how to write under a run's artifact URI: `mlflow-artifacts:/…` through the server's
 * proxy (MLflow's `--serve-artifacts`) when there is a server, else the object store the URI
 * names (a directory, `file:`, or `s3://`), as MLflow's client writes straight to the store.
 */
export function artifactSinkFor(artifactUri: string, options: { http?: JsonHttp; settings: ArtifactSettings }): ArtifactSink {
  if (artifactUri.startsWith(PROXY_SCHEME)) {
    const rest = artifactUri.slice(PROXY_SCHEME.length).replace(/^\/\/[^/]*/, '').replace(/^\/+/, '');
    if (options.http) return proxySink(options.http, rest);
    const base = options.settings.artifactsRoot ?? '.paddock/artifacts';
    return storeSink(openStore(rest ? `${base.replace(/\/+$/, '')}/${rest}` : base, options.settings));
  }
  return storeSink(openStore(artifactUri, options.settings));
}

function openStore(url: string, settings: ArtifactSettings): ObjectStore {
  return openObjectStore(
    { region: 'us-east-1', force_path_style: true, ...settings.s3, url },
    { root: settings.root, name: 'artifacts' },
  );
}

function storeSink(store: ObjectStore): ArtifactSink {
  return { upload: (key, localPath) => store.putFile(key, localPath) };
}

/** MLflow's proxied upload: `PUT /api/2.0/mlflow-artifacts/artifacts/<root>/<key>` with the bytes. */
function proxySink(http: JsonHttp, rootPath: string): ArtifactSink {
  return {
    async upload(key, localPath) {
      const full = [rootPath, key].filter(Boolean).join('/').split('/').map(encodeURIComponent).join('/');
      const info = await stat(localPath).catch((err) => { throw fromSystemError(err, localPath); });
      const body = Readable.toWeb(createReadStream(localPath)) as unknown as ReadableStream;
      await http.raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/${full}`, {
        body,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(info.size) },
      });
    },
  };
}

/**
 * Checks a run-relative artifact path: relative, `/`-separated, no `..` or `.` segments, so no
 * upload escapes the run's root. Empty means the root itself.
 */
export function checkArtifactPath(artifactPath: string | undefined): string {
  if (artifactPath === undefined || artifactPath === '') return '';
  const p = artifactPath.replace(/\\/g, '/').replace(/\/+$/, '');
  if (p.startsWith('/') || /^[a-z]:/i.test(p) || p.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    fail('INVALID_ARGUMENT', `artifactPath '${artifactPath}' must be a relative path inside the run (no '..', '.', empty or absolute segments)`, { field: 'artifactPath', artifactPath });
  }
  return p;
}

/** Every regular file under `dir`, as posix paths relative to it. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch((err) => { throw fromSystemError(err, path.join(dir, rel)); });
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(child);
      else if (e.isFile()) out.push(child);
    }
  };
  await walk('');
  return out.sort();
}
