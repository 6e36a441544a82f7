/**
 * Turning a package reference into a package on local disk: a directory is read where it is; a
 * registry URI (`models:/name/3`, `models:/name@alias`, `models:/name/latest`) is resolved to its
 * version's source, and the files under that source are downloaded into a per-version cache.
 * A cache entry appears only whole (download to a temp directory, check, rename), so an
 * interrupted download is never used; a complete entry is reused.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fail, isPaddockError } from '../../core/errors.js';
import type { ObjectStore } from '../../core/object-store.js';
import { modelVersionUri, resolveModelUri, type ModelVersion, type RegistryStore } from '../../registry/index.js';
import type { TrackingStore } from '../../tracking/index.js';
import { MANIFEST_FILE } from './manifest.js';
import { readModelPackage, type ModelPackage } from './package-io.js';

/** What resolving a registry URI needs; the caller (CLI, SDK, server) builds these from its project. */
export interface PackageSourceDeps {
  readonly registry: RegistryStore;
  /** For `runs:/<run_id>/<path>` sources: the run's artifact URI. */
  readonly tracking: Pick<TrackingStore, 'getRun'>;
  /** The object store an artifact URI names (a directory, `file:`, `s3://`, `mlflow-artifacts:/`). */
  openStore(uri: string): ObjectStore;
  /** Where downloaded packages are kept: `<cacheDir>/<name>/<version>/`. */
  readonly cacheDir: string;
  /** Plain paths resolve from here. */
  readonly cwd: string;
}

/** A package on local disk, and the registry version it came from (for `models:/` references). */
export interface MaterializedPackage {
  readonly pkg: ModelPackage;
  readonly version?: ModelVersion;
}

/**
 * Written into each cache entry: which source the files came from. A model deleted and created
 * again reuses version numbers, so the name and number alone could name stale files.
 */
export const PACKAGE_CACHE_MARKER = '.paddock-package-source.json';

const MODEL_URI = 'models:/';
/** Files downloaded at once: enough to hide per-request latency of S3, few enough to stay polite. */
const DOWNLOAD_CONCURRENCY = 8;

/** True when `ref` is a registry URI rather than a directory. */
export function isModelUri(ref: string): boolean {
  return ref.startsWith(MODEL_URI);
}

/**
 * Resolves `ref` to a checked package on local disk. A plain path → readModelPackage. A
 * `models:/` URI → its version (NOT_FOUND names what is missing) → the version's source
 * (`runs:/<run_id>/<path>` through the run's artifact URI) → downloaded into the cache. A source
 * without a package, or with a broken one, → INVALID_ARGUMENT naming the version and the source.
 */
export async function materializePackage(ref: string, deps: PackageSourceDeps): Promise<MaterializedPackage> {
  if (!isModelUri(ref)) return { pkg: await readModelPackage(path.resolve(deps.cwd, ref)) };
  const version = await resolveModelUri(deps.registry, ref);
  const dir = cacheEntry(deps.cacheDir, version);
  const cached = await readCached(dir, version);
  if (cached) return { pkg: cached, version };
  const uri = await sourceUri(version, deps.tracking);
  const store = deps.openStore(uri);
  try {
    return { pkg: await download(store, version, uri, dir), version };
  } finally {
    await store.close?.();
  }
}

/** `<cacheDir>/<name>/<version>`, with the name made safe as one path segment. */
function cacheEntry(cacheDir: string, version: ModelVersion): string {
  // Names cannot hold '/' or '@' (checkModelName), but may be '.'-led or hold '\' or ':'.
  const segment = encodeURIComponent(version.name).replace(/^\./, '%2E');
  return path.resolve(cacheDir, segment, String(version.version));
}

interface CacheMarker {
  readonly source: string;
  readonly created: number;
}

/** The cached package when the entry is complete and from this very version; else undefined. */
async function readCached(dir: string, version: ModelVersion): Promise<ModelPackage | undefined> {
  let marker: CacheMarker;
  try {
    marker = JSON.parse(await fs.readFile(path.join(dir, PACKAGE_CACHE_MARKER), 'utf8')) as CacheMarker;
  } catch {
    return undefined;
  }
  if (marker.source !== version.source || marker.created !== version.creationTimestamp) return undefined;
  // A cache entry edited by hand is downloaded again rather than trusted.
  return readModelPackage(dir).catch(() => undefined);
}

/** A version's source as an artifact URI: `runs:/<id>/<path>` joined onto the run's artifact URI. */
async function sourceUri(version: ModelVersion, tracking: Pick<TrackingStore, 'getRun'>): Promise<string> {
  const m = /^runs:\/([^/]+)\/?(.*)$/.exec(version.source);
  if (!m) return version.source;
  const runId = m[1]!;
  try {
    const base = (await tracking.getRun(runId)).info.artifactUri.replace(/\/+$/, '');
    return m[2] ? `${base}/${m[2].replace(/\/+$/, '')}` : base;
  } catch (err) {
    if (isPaddockError(err, 'NOT_FOUND')) {
      fail('NOT_FOUND', `${label(version)}: its source ${version.source} names run '${runId}', which the tracking store does not have`, { ...err.details, model: version.name, version: version.version, source: version.source }, err);
    }
    throw err;
  }
}

function label(version: ModelVersion): string {
  return modelVersionUri(version.name, version.version);
}

/** Lists the package under the store's root, downloads it to a temp dir, checks it, renames it into the cache. */
async function download(store: ObjectStore, version: ModelVersion, uri: string, dir: string): Promise<ModelPackage> {
  const where = version.source === uri ? version.source : `${version.source} (${uri})`;
  const keys: string[] = [];
  for await (const info of store.list('')) keys.push(info.key);
  if (!keys.includes(MANIFEST_FILE)) {
    fail('INVALID_ARGUMENT', `${label(version)}: its source ${where} is not a model package (${keys.length === 0 ? 'no files there' : `no ${MANIFEST_FILE} among its ${keys.length} files`}); register a package directory with \`paddock models register <package-dir> --name ${version.name}\``, { model: version.name, version: version.version, source: version.source, uri });
  }
  const tmp = path.join(path.dirname(dir), `.${path.basename(dir)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.mkdir(tmp, { recursive: true });
    await forEachLimited(keys, DOWNLOAD_CONCURRENCY, (key) => store.getFile(key, localPath(tmp, key, where)));
    const marker: CacheMarker = { source: version.source, created: version.creationTimestamp };
    await fs.writeFile(path.join(tmp, PACKAGE_CACHE_MARKER), JSON.stringify(marker));
    const pkg = await readModelPackage(tmp).catch((err: unknown) => brokenPackage(err, version, where));
    await install(tmp, dir);
    const root = path.resolve(dir);
    return { dir: root, manifest: pkg.manifest, modelPath: path.join(root, path.relative(pkg.dir, pkg.modelPath)) };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The local file for a store key; a key that would leave the download directory is refused. */
function localPath(root: string, key: string, where: string): string {
  const parts = key.split('/');
  if (key.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) {
    fail('INVALID_ARGUMENT', `${where}: file '${key}' has a name that cannot be stored locally`, { key });
  }
  return path.join(root, ...parts);
}

/** A package that fails its checks: the reader's message, prefixed with the version and source. */
function brokenPackage(err: unknown, version: ModelVersion, where: string): never {
  if (isPaddockError(err) && ['INVALID_ARGUMENT', 'CONFIG_INVALID', 'YAML_INVALID', 'PATH_NOT_FOUND'].includes(err.code)) {
    fail('INVALID_ARGUMENT', `${label(version)}: the package at ${where} is broken: ${err.message}`, { ...err.details, model: version.name, version: version.version, source: version.source }, err);
  }
  throw err;
}

/**
 * Renames the finished download into place. An entry already there is stale (its marker did not
 * match) or was just installed by a concurrent download of the same version: either way it is
 * moved aside first, so the entry is always one whole download.
 */
async function install(tmp: string, dir: string): Promise<void> {
  try {
    await fs.rename(tmp, dir);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  }
  const aside = `${dir}.${randomBytes(4).toString('hex')}.old`;
  await fs.rename(dir, aside).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  try {
    await fs.rename(tmp, dir);
  } finally {
    await fs.rm(aside, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Runs `fn` over `items`, `limit` at a time; on a failure the rest are skipped and all in flight finish first. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      try {
        await fn(items[next++]!);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  // Every worker settles before we return, so nothing writes into a directory being removed.
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.err;
}
