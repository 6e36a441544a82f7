import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaddockError } from '../../core/errors.js';
import type { ObjectStore } from '../../core/object-store.js';
import { FsObjectStore } from '../../storage/artifacts/fs-object-store.js';
import { openMetadataStore, type MetadataStore } from '../../storage/sql/open-metadata-store.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { tempDir } from '../../test-support/cli.js';
import { MANIFEST_FILE, PACKAGE_CACHE_MARKER, materializePackage, predict, writeModelPackage, type ModelManifestInput, type PackageSourceDeps } from '../index.js';
import { caught } from '../../test-support/caught.js';

// Reference outputs: torch's own for 20 rows of the exported MLP (scripts/make-reference-models.py).
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/models');
const MODEL = readFileSync(path.join(FIXTURES, 'torch-mlp.onnx'));
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'torch-mlp.expected.json'), 'utf8')) as { input: { rows: number[][] }; output: { rows: number[][] } };
const COLS = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];
const ROWS = expected.input.rows.map((xs) => Object.fromEntries(COLS.map((c, i) => [c, xs[i]!])));
const MANIFEST: ModelManifestInput = {
  name: 'torch-mlp', flavor: 'onnx', model: 'model.onnx',
  signature: { inputs: COLS.map((name) => ({ name, type: 'float' as const })), feed: { tensor: 'input' }, outputs: [{ name: 'output', type: 'float' }] },
};
const actor = { actor: 'test' };

const tmp = tempDir('paddock-pkg-source-');
let meta: MetadataStore;
let registry: SqlRegistryStore;
let runId = '';
let artifactUri = '';

/** Deps whose stores are counted, so a test can tell a download from a cache hit. */
function deps(wrap: (store: ObjectStore) => ObjectStore = (s) => s): PackageSourceDeps & { opened: string[] } {
  const opened: string[] = [];
  return {
    registry, tracking: meta.tracking, cacheDir: path.join(tmp.dir, 'cache'), cwd: tmp.dir, opened,
    openStore: (uri) => {
      opened.push(uri);
      return wrap(new FsObjectStore(uri));
    },
  };
}

beforeAll(async () => {
  meta = await openMetadataStore('sqlite:paddock.db', { root: tmp.dir, artifactsRoot: path.join(tmp.dir, 'artifacts') });
  registry = new SqlRegistryStore(meta);
  const run = await meta.tracking.createRun({ experimentId: await meta.tracking.createExperiment({ name: 'e' }) });
  runId = run.info.runId;
  artifactUri = run.info.artifactUri;
  // The run logged the package as its `model` artifact, as a training script would.
  await writeModelPackage(path.join(tmp.dir, 'pkg'), MANIFEST, { 'model.onnx': MODEL, 'extra/notes.txt': 'hello' });
  await mkdir(artifactUri, { recursive: true });
  await cp(path.join(tmp.dir, 'pkg'), path.join(artifactUri, 'model'), { recursive: true });
  await registry.createModel({ name: 'mlp' }, actor);
  await registry.createVersion({ name: 'mlp', source: `runs:/${runId}/model`, runId }, actor);
  await registry.setAlias('mlp', 'champion', 1, actor);
});
afterAll(async () => {
  await meta.close();
  tmp.cleanup();
});

describe('materializePackage', () => {
  it('reads a plain directory in place', async () => {
    const { pkg, version } = await materializePackage('pkg', deps());
    expect(pkg.dir).toBe(path.join(tmp.dir, 'pkg'));
    expect(version).toBeUndefined();
  });

  it('downloads a runs:/ source into <cache>/<name>/<version> and predicts what torch predicted', async () => {
    const d = deps();
    const { pkg, version } = await materializePackage('models:/mlp@champion', d);
    expect(version).toMatchObject({ name: 'mlp', version: 1 });
    expect(d.opened).toEqual([path.join(artifactUri, 'model')]);
    expect(pkg.dir).toBe(path.join(tmp.dir, 'cache', 'mlp', '1'));
    expect(pkg.modelPath).toBe(path.join(pkg.dir, 'model.onnx'));
    expect(readFileSync(path.join(pkg.dir, 'extra/notes.txt'), 'utf8')).toBe('hello');
    const out = await predict(pkg, ROWS);
    out.forEach((row, i) => expect(row.output as number).toBeCloseTo(expected.output.rows[i]![0]!, 5));
  });

  it('reuses a complete cache entry without opening the store, and re-downloads a stale one', async () => {
    await materializePackage('models:/mlp/1', deps());
    const again = deps();
    expect((await materializePackage('models:/mlp/latest', again)).pkg.dir).toBe(path.join(tmp.dir, 'cache', 'mlp', '1'));
    expect(again.opened).toEqual([]);
    // Same name and number, other version (as after deleting and re-creating the model).
    const marker = path.join(tmp.dir, 'cache', 'mlp', '1', PACKAGE_CACHE_MARKER);
    await writeFile(marker, JSON.stringify({ source: 'elsewhere', created: 1 }));
    const stale = deps();
    await materializePackage('models:/mlp/1', stale);
    expect(stale.opened).toHaveLength(1);
    expect(JSON.parse(readFileSync(marker, 'utf8'))).toMatchObject({ source: `runs:/${runId}/model` });
  });

  it('never leaves or uses a half download', async () => {
    await registry.createVersion({ name: 'mlp', source: path.join(tmp.dir, 'pkg') }, actor);
    let calls = 0;
    const flaky = deps((store) => ({
      ...store, url: store.url, list: (p) => store.list(p),
      getFile: async (key, local) => {
        if (++calls === 2) throw new PaddockError('REMOTE_UNREACHABLE', 'connection reset');
        await store.getFile(key, local);
      },
    }));
    const err = await caught(() => materializePackage('models:/mlp/2', flaky));
    expect(err.message).toBe('connection reset');
    expect(readdirSync(path.join(tmp.dir, 'cache', 'mlp')).sort()).toEqual(['1']);
    const { pkg } = await materializePackage('models:/mlp/2', deps());
    expect(existsSync(path.join(pkg.dir, MANIFEST_FILE))).toBe(true);
  });

  it('names the version and source when the source is not a package, or a broken one', async () => {
    const data = path.join(tmp.dir, 'not-a-package');
    await mkdir(data);
    await writeFile(path.join(data, 'train.csv'), 'a,b\n1,2\n');
    const v3 = await registry.createVersion({ name: 'mlp', source: data }, actor);
    const e1 = await caught(() => materializePackage('models:/mlp/3', deps()));
    expect(e1.code).toBe('INVALID_ARGUMENT');
    expect(e1.message).toContain(`models:/mlp/${v3.version}: its source ${data} is not a model package`);
    expect(e1.message).toContain(`no ${MANIFEST_FILE}`);

    const broken = path.join(tmp.dir, 'broken');
    await mkdir(broken);
    await writeFile(path.join(broken, MANIFEST_FILE), 'name: [unclosed\n');
    await writeFile(path.join(broken, 'model.onnx'), MODEL);
    await registry.createVersion({ name: 'mlp', source: broken }, actor);
    const e2 = await caught(() => materializePackage('models:/mlp/4', deps()));
    expect(e2.code).toBe('INVALID_ARGUMENT');
    expect(e2.message).toContain(`models:/mlp/4: the package at ${broken} is broken`);
    expect(e2.message).toContain(MANIFEST_FILE);
    expect(existsSync(path.join(tmp.dir, 'cache', 'mlp', '4'))).toBe(false);
  });

  it('NOT_FOUND for a model, version or alias that does not exist, and for a purged run', async () => {
    expect((await caught(() => materializePackage('models:/nope/1', deps()))).code).toBe('NOT_FOUND');
    expect((await caught(() => materializePackage('models:/mlp/99', deps()))).code).toBe('NOT_FOUND');
    expect((await caught(() => materializePackage('models:/mlp@gone', deps()))).message).toContain('models:/mlp@gone');
    await registry.createModel({ name: 'orphan' }, actor);
    await registry.createVersion({ name: 'orphan', source: 'runs:/0123456789abcdef0123456789abcdef/model' }, actor);
    const err = await caught(() => materializePackage('models:/orphan/1', deps()));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain("models:/orphan/1: its source runs:/0123456789abcdef0123456789abcdef/model names run '0123456789abcdef0123456789abcdef'");
  });
});
