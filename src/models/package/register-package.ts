/**
 * Registering a model package as a new registry version: the package is read and checked
 * against its ONNX model, its signature is compared with the model's latest version (a changed
 * signature breaks callers, so it needs `force`), its files are uploaded by the caller's
 * uploader, and the version records the signature and the package's lineage.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fail, fromSystemError, isPaddockError } from '../../core/errors.js';
import { checkAliasName, checkModelName, MAX_TAG_KEY_LENGTH, registerVersion, type Actor, type ModelVersion, type RegistryStore } from '../../registry/index.js';
import type { Tags } from '../../tracking/index.js';
import type { ModelManifest, SignatureColumn } from './manifest.js';
import { readModelPackage } from './package-io.js';
import { PACKAGE_CACHE_MARKER } from './package-source.js';

/** What to register. */
export interface RegisterPackageInput {
  /** The package directory. */
  readonly dir: string;
  /** The registered model (created on first use). */
  readonly name: string;
  /** Point this alias (e.g. `challenger`) at the new version. */
  readonly alias?: string;
  readonly description?: string;
  /** Register even when the signature differs from the latest version's. */
  readonly force?: boolean;
  /** Version tags besides the package's lineage tags (e.g. the retraining job that registers it). */
  readonly tags?: Tags;
}

/** The ports registering needs. */
export interface RegisterPackageDeps {
  readonly registry: RegistryStore;
  /** Stores the package's files somewhere lasting and returns their URI (the version's source). */
  upload(dir: string, name: string): Promise<string>;
}

/** The part of a signature callers depend on: input and output names and types. */
export interface PackageSignature {
  readonly inputs: readonly SignatureColumn[];
  readonly outputs: readonly SignatureColumn[];
}

/**
 * Registers the package at `input.dir` as a new version of `input.name`. A broken package, a
 * model that does not match its signature, or (without `force`) a signature that differs from
 * the latest version's → an error, and nothing is uploaded or registered.
 */
export async function registerPackage(input: RegisterPackageInput, deps: RegisterPackageDeps, by: Actor): Promise<ModelVersion> {
  checkModelName(input.name);
  if (input.alias !== undefined) checkAliasName(input.alias);
  const pkg = await readModelPackage(input.dir);
  const signature = packageSignature(pkg.manifest);
  if (!input.force) await checkSignatureUnchanged(deps.registry, input.name, signature);
  const source = await deps.upload(pkg.dir, input.name);
  return registerVersion(deps.registry, {
    name: input.name,
    source,
    runId: pkg.manifest.lineage?.run_id,
    description: input.description,
    alias: input.alias,
    tags: { ...lineageTags(pkg.manifest), ...input.tags },
    signature: JSON.stringify(signature),
  }, by);
}

/** The signature stored with a version: `{ inputs: [{name, type}], outputs: [{name, type}] }`. */
export function packageSignature(manifest: ModelManifest): PackageSignature {
  const cols = (xs: readonly SignatureColumn[]) => xs.map((c) => ({ name: c.name, type: c.type }));
  return { inputs: cols(manifest.signature.inputs), outputs: cols(manifest.signature.outputs) };
}

/** A stored signature JSON string, or undefined when absent or not in the shape packageSignature writes. */
export function parseStoredSignature(text: string | undefined): PackageSignature | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const isCols = (xs: unknown): xs is SignatureColumn[] => Array.isArray(xs) && xs.every((c) => typeof c?.name === 'string' && typeof c?.type === 'string');
  const v = value as { inputs?: unknown; outputs?: unknown } | null;
  return v && isCols(v.inputs) && isCols(v.outputs) ? { inputs: v.inputs, outputs: v.outputs } : undefined;
}

/**
 * How `next` differs from `previous`, one line per column: `input 'f5' (float) is missing`,
 * `input 'g' (double) is new`, `output 'p' was float, now double`. Column order is not compared:
 * callers pass rows by column name.
 */
export function signatureDifferences(previous: PackageSignature, next: PackageSignature): string[] {
  const diff = (kind: string, before: readonly SignatureColumn[], after: readonly SignatureColumn[]): string[] => {
    const now = new Map(after.map((c) => [c.name, c.type]));
    const was = new Map(before.map((c) => [c.name, c.type]));
    return [
      ...before.flatMap((c) => {
        const t = now.get(c.name);
        if (t === undefined) return [`${kind} '${c.name}' (${c.type}) is missing`];
        return t === c.type ? [] : [`${kind} '${c.name}' was ${c.type}, now ${t}`];
      }),
      ...after.filter((c) => !was.has(c.name)).map((c) => `${kind} '${c.name}' (${c.type}) is new`),
    ];
  };
  return [...diff('input', previous.inputs, next.inputs), ...diff('output', previous.outputs, next.outputs)];
}

/** INVALID_ARGUMENT listing the differing columns when the model's latest version has another signature. */
async function checkSignatureUnchanged(registry: RegistryStore, name: string, signature: PackageSignature): Promise<void> {
  let latest: ModelVersion | undefined;
  try {
    latest = (await registry.getModel(name)).latestVersion;
  } catch (err) {
    if (isPaddockError(err, 'NOT_FOUND')) return;
    throw err;
  }
  // A version registered without a (readable) signature gives nothing to compare against.
  const previous = parseStoredSignature(latest?.signature);
  if (!latest || !previous) return;
  const differences = signatureDifferences(previous, signature);
  if (differences.length === 0) return;
  fail('INVALID_ARGUMENT',
    `the package's signature differs from ${name} version ${latest.version} (the latest): ${differences.join('; ')}. Callers of ${name} may break; pass --force (SDK: force: true) to register it anyway`,
    { name, version: latest.version, differences, columns: [...new Set(differences.map((d) => /'([^']*)'/.exec(d)![1]!))] });
}

/**
 * Version tags from the package's lineage, so versions can be searched by commit or data
 * version: `paddock.git.commit`, `paddock.data_hash.<path>`, `paddock.lock_file_hash`,
 * `paddock.paddock_version`, `paddock.node_version`. Params stay in the manifest and the run.
 */
export function lineageTags(manifest: ModelManifest): Tags {
  const l = manifest.lineage;
  if (!l) return {};
  const tags: Record<string, string> = {};
  if (l.git_commit) tags['paddock.git.commit'] = l.git_commit;
  if (l.lock_file_hash) tags['paddock.lock_file_hash'] = l.lock_file_hash;
  if (l.paddock_version) tags['paddock.paddock_version'] = l.paddock_version;
  if (l.node_version) tags['paddock.node_version'] = l.node_version;
  for (const [file, hash] of Object.entries(l.data_hashes ?? {})) {
    const key = `paddock.data_hash.${file}`;
    // The manifest keeps the full lineage; a path too long for a tag key is only left out of search.
    if (key.length <= MAX_TAG_KEY_LENGTH) tags[key] = hash;
  }
  return tags;
}

/** Every file of a package directory (posix paths relative to it, sorted), without cache bookkeeping. */
export async function packageFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const at = path.join(dir, rel);
    const entries = await readdir(at, { withFileTypes: true }).catch((err) => { throw fromSystemError(err, at); });
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(child);
      else if (e.isFile() && child !== PACKAGE_CACHE_MARKER) out.push(child);
    }
  };
  await walk('');
  return out.sort();
}

/**
 * A content hash of a package: sha256 over `<sha256 of file>  <path>` lines in path order, so
 * the same files give the same hash (and the same upload location) wherever they are.
 */
export async function packageContentHash(dir: string, files: readonly string[]): Promise<string> {
  const all = createHash('sha256');
  for (const rel of files) all.update(`${await fileSha256(path.join(dir, ...rel.split('/')))}  ${rel}\n`);
  return all.digest('hex');
}

function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => h.update(chunk))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', (err) => reject(fromSystemError(err, file)));
  });
}
