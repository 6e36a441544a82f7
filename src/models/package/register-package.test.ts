import { readFileSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetadataStore, type MetadataStore } from '../../storage/sql/open-metadata-store.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { tempDir } from '../../test-support/cli.js';
import {
  MANIFEST_FILE, packageContentHash, packageFiles, registerPackage, signatureDifferences, writeModelPackage,
  type ModelManifestInput, type RegisterPackageDeps,
} from '../index.js';
import { caught } from '../../test-support/caught.js';

const MODEL = readFileSync(path.resolve(import.meta.dirname, '../../../test/fixtures/models/torch-mlp.onnx'));
const COLS = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];
const actor = { actor: 'ann', reason: 'test' };

function manifest(cols = COLS, extra: Partial<ModelManifestInput> = {}): ModelManifestInput {
  return {
    name: 'torch-mlp', flavor: 'onnx', model: 'model.onnx',
    signature: { inputs: cols.map((name) => ({ name, type: 'float' as const })), feed: { tensor: 'input' }, outputs: [{ name: 'output', type: 'float' }] },
    ...extra,
  };
}

const tmp = tempDir('paddock-register-pkg-');
let meta: MetadataStore;
let registry: SqlRegistryStore;
let n = 0;
const uploads: string[] = [];
let deps: RegisterPackageDeps;

async function pkg(m: ModelManifestInput = manifest()): Promise<string> {
  const dir = path.join(tmp.dir, `pkg-${n++}`);
  await writeModelPackage(dir, m, { 'model.onnx': MODEL });
  return dir;
}

const versionCount = async (name: string) => (await registry.searchVersions({ filter: `name = '${name}'` })).items.length;

beforeAll(async () => {
  meta = await openMetadataStore('sqlite:paddock.db', { root: tmp.dir, artifactsRoot: path.join(tmp.dir, 'artifacts') });
  registry = new SqlRegistryStore(meta);
  deps = {
    registry,
    async upload(dir, name) {
      uploads.push(dir);
      const target = path.join(tmp.dir, 'store', name, String(uploads.length));
      await cp(dir, target, { recursive: true });
      return target;
    },
  };
});
afterAll(async () => {
  await meta.close();
  tmp.cleanup();
});

describe('registerPackage', () => {
  it('uploads the package and records signature, run, lineage tags and alias', async () => {
    const dir = await pkg(manifest(COLS, { lineage: { run_id: 'r1', git_commit: 'deadbeef', data_hashes: { 'data/train.csv': 'abc123' }, params: { lr: 0.1 } } }));
    const v = await registerPackage({ dir, name: 'churn', alias: 'challenger', description: 'first' }, deps, actor);
    expect(v).toMatchObject({ name: 'churn', version: 1, runId: 'r1', description: 'first', aliases: ['challenger'], source: path.join(tmp.dir, 'store', 'churn', '1') });
    expect(JSON.parse(v.signature!)).toEqual({ inputs: COLS.map((name) => ({ name, type: 'float' })), outputs: [{ name: 'output', type: 'float' }] });
    expect(v.tags).toEqual({ 'paddock.git.commit': 'deadbeef', 'paddock.data_hash.data/train.csv': 'abc123' });
    expect(readFileSync(path.join(v.source, MANIFEST_FILE), 'utf8')).toContain('torch-mlp');
    expect((await registry.getVersion('churn', 1)).signature).toBe(v.signature);
    const audit = await registry.auditLog('churn');
    expect(audit.map((e) => [e.action, e.actor])).toEqual([['model.created', 'ann'], ['version.created', 'ann'], ['alias.set', 'ann']]);
  });

  it('refuses a different signature, naming the columns and --force, and uploads nothing', async () => {
    const dir = await pkg(manifest(['f0', 'f1', 'f2', 'f3', 'f4', 'x5']));
    const before = uploads.length;
    const err = await caught(() => registerPackage({ dir, name: 'churn' }, deps, actor));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain("input 'f5' (float) is missing");
    expect(err.message).toContain("input 'x5' (float) is new");
    expect(err.message).toContain('churn version 1');
    expect(err.message).toContain('--force');
    expect(err.details.columns).toEqual(['f5', 'x5']);
    expect(uploads.length).toBe(before);
    expect(await versionCount('churn')).toBe(1);
    const forced = await registerPackage({ dir, name: 'churn', force: true }, deps, actor);
    expect(forced.version).toBe(2);
    // The next package is compared with version 2, the latest.
    const same = await registerPackage({ dir: await pkg(manifest(['f0', 'f1', 'f2', 'f3', 'f4', 'x5'])), name: 'churn' }, deps, actor);
    expect(same.version).toBe(3);
  });

  it('refuses a corrupt package or a file that is not ONNX, registering nothing', async () => {
    const garbage = path.join(tmp.dir, 'garbage');
    await mkdir(garbage);
    await writeFile(path.join(garbage, MANIFEST_FILE), 'name: x\nflavor: onnx\nmodel: model.onnx\nsignature: 3\n');
    await writeFile(path.join(garbage, 'model.onnx'), MODEL);
    await expect(registerPackage({ dir: garbage, name: 'bad' }, deps, actor)).rejects.toThrow(/signature/);
    const notOnnx = path.join(tmp.dir, 'not-onnx');
    await cp(await pkg(), notOnnx, { recursive: true });
    await writeFile(path.join(notOnnx, 'model.onnx'), 'not a model');
    const err = await caught(() => registerPackage({ dir: notOnnx, name: 'bad' }, deps, actor));
    expect(err.message).toMatch(/model\.onnx: not an ONNX model/);
    expect((await caught(() => registry.getModel('bad'))).code).toBe('NOT_FOUND');
    const noPackage = await caught(() => registerPackage({ dir: tmp.dir, name: 'bad' }, deps, actor));
    expect(noPackage.message).toContain('not a model package');
    expect((await caught(() => registry.getModel('bad'))).code).toBe('NOT_FOUND');
  });

  it('checks the name and alias before reading or uploading', async () => {
    const before = uploads.length;
    expect((await caught(() => registerPackage({ dir: tmp.dir, name: 'a/b' }, deps, actor))).message).toContain("may not contain '/'");
    expect((await caught(() => registerPackage({ dir: tmp.dir, name: 'ok', alias: 'latest' }, deps, actor))).message).toContain('reserved');
    expect(uploads.length).toBe(before);
  });
});

describe('signatureDifferences and packageContentHash', () => {
  it('reports type changes of inputs and outputs, not column order', () => {
    const a = { inputs: [{ name: 'x', type: 'float' as const }, { name: 'y', type: 'int64' as const }], outputs: [{ name: 'p', type: 'float' as const }] };
    const b = { inputs: [{ name: 'y', type: 'int64' as const }, { name: 'x', type: 'double' as const }], outputs: [{ name: 'p', type: 'double' as const }] };
    expect(signatureDifferences(a, { inputs: [...a.inputs].reverse(), outputs: a.outputs })).toEqual([]);
    expect(signatureDifferences(a, b)).toEqual(["input 'x' was float, now double", "output 'p' was float, now double"]);
  });

  it('hashes content and paths, not location', async () => {
    const one = await pkg();
    const two = path.join(tmp.dir, 'copy');
    await cp(one, two, { recursive: true });
    const hash = async (d: string) => packageContentHash(d, await packageFiles(d));
    expect(await packageFiles(one)).toEqual(['model.onnx', MANIFEST_FILE]);
    expect(await hash(two)).toBe(await hash(one));
    await writeFile(path.join(two, 'README.md'), 'notes');
    expect(await hash(two)).not.toBe(await hash(one));
  });
});
