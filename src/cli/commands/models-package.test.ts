import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, writeModelPackage, type ModelManifestInput } from '../../models/index.js';
import { openMetadataStore } from '../../storage/sql/open-metadata-store.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { createClient } from '../../sdk/client.js';
import { runCli, tempDir } from '../../test-support/cli.js';
import { startS3Server, type S3TestServer } from '../../test-support/s3-server.js';

// Reference: torch's own outputs for 20 fixed rows of the exported MLP (scripts/make-reference-models.py).
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/models');
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'torch-mlp.expected.json'), 'utf8')) as {
  input: { rows: number[][] };
  output: { rows: number[][] };
};
const COLS = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];

describe('paddock models inspect / predict', () => {
  const tmp = tempDir('paddock-pkg-cli-');
  afterAll(tmp.cleanup);
  beforeAll(async () => {
    await writeModelPackage(path.join(tmp.dir, 'pkg'), {
      name: 'torch-mlp',
      flavor: 'onnx',
      model: 'model.onnx',
      signature: { inputs: COLS.map((name) => ({ name, type: 'float' as const })), feed: { tensor: 'input' }, outputs: [{ name: 'output', type: 'float' }] },
      metrics: { auc: 0.91 },
      lineage: { run_id: 'r123', git_commit: 'deadbeef' },
    }, { 'model.onnx': readFileSync(path.join(FIXTURES, 'torch-mlp.onnx')) });
    const csv = [COLS.join(','), ...expected.input.rows.map((r) => r.join(','))].join('\n') + '\n';
    writeFileSync(path.join(tmp.dir, 'data.csv'), csv);
  });

  it('inspect prints signature, metrics and lineage, and --json the manifest', async () => {
    const text = await runCli(tmp.dir, ['models', 'inspect', 'pkg']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('torch-mlp (onnx');
    expect(text.stdout).toContain('f5: float');
    expect(text.stdout).toContain('auc: 0.91');
    expect(text.stdout).toContain('run_id: r123');
    const json = await runCli(tmp.dir, ['models', 'inspect', 'pkg', '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { manifest: { signature: { outputs: unknown[] }; lineage: { git_commit: string } } };
    expect(parsed.manifest.signature.outputs).toEqual([{ name: 'output', type: 'float' }]);
    expect(parsed.manifest.lineage.git_commit).toBe('deadbeef');
  });

  it('predict reads a CSV through DuckDB and writes torch-matching predictions', async () => {
    const r = await runCli(tmp.dir, ['models', 'predict', 'pkg', 'data.csv', '-o', 'preds.csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = readFileSync(path.join(tmp.dir, 'preds.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('output');
    expect(lines.slice(1).map(Number).map((v, i) => Math.abs(v - expected.output.rows[i]![0]!))).toSatisfy((d: number[]) => d.length === 20 && d.every((x) => x < 1e-5));
  });

  it('predict names a missing column and writes nothing', async () => {
    writeFileSync(path.join(tmp.dir, 'short.csv'), 'f0,f1,f2,f3,f4\n1,2,3,4,5\n');
    const r = await runCli(tmp.dir, ['models', 'predict', 'pkg', 'short.csv', '-o', 'bad.csv']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("missing column 'f5'");
    expect(() => readFileSync(path.join(tmp.dir, 'bad.csv'))).toThrow();
  });
});

/** A torch-mlp package whose inputs are `cols` (the model takes any 6 float columns). */
function mlpManifest(cols: readonly string[], lineage?: ModelManifestInput['lineage']): ModelManifestInput {
  return {
    name: 'torch-mlp', flavor: 'onnx', model: 'model.onnx',
    signature: { inputs: cols.map((name) => ({ name, type: 'float' as const })), feed: { tensor: 'input' }, outputs: [{ name: 'output', type: 'float' }] },
    ...(lineage ? { lineage } : {}),
  };
}

const MODEL = () => readFileSync(path.join(FIXTURES, 'torch-mlp.onnx'));

async function project(prefix: string): Promise<{ dir: string; cleanup: () => void }> {
  const tmp = tempDir(prefix);
  expect((await runCli(tmp.dir, ['init'])).code).toBe(0);
  await writeModelPackage(path.join(tmp.dir, 'pkg'), mlpManifest(COLS, { run_id: 'r123', git_commit: 'deadbeef', data_hashes: { 'data/train.csv': 'abc' } }), { 'model.onnx': MODEL() });
  writeFileSync(path.join(tmp.dir, 'data.csv'), [COLS.join(','), ...expected.input.rows.map((r) => r.join(','))].join('\n') + '\n');
  return tmp;
}

describe('paddock models register <package-dir> --name, and models:/ URIs in predict / inspect', () => {
  let tmp: { dir: string; cleanup: () => void };
  const cli = (args: string[]) => runCli(tmp.dir, args);
  let firstSource = '';
  /** Version numbers of `name` (none when the model does not exist), read from the project's database. */
  const versions = async (name: string): Promise<number[]> => {
    const meta = await openMetadataStore('sqlite:.paddock/paddock.db', { root: tmp.dir, artifactsRoot: path.join(tmp.dir, '.paddock/artifacts') });
    try {
      return (await new SqlRegistryStore(meta).searchVersions({ filter: `name = '${name}'` })).items.map((v) => v.version).sort();
    } finally {
      await meta.close();
    }
  };
  beforeAll(async () => {
    tmp = await project('paddock-pkg-register-');
  });
  afterAll(() => tmp.cleanup());

  it('registers a package with its signature and predicts through models:/name@alias as from the directory', async () => {
    const reg = await cli(['models', 'register', 'pkg', '--name', 'churn', '--alias', 'challenger', '--description', 'first', '--json']);
    expect(reg.stderr).toBe('');
    expect(reg.code).toBe(0);
    const v = JSON.parse(reg.stdout) as { version: number; source: string; signature: string; runId: string; aliases: string[]; tags: Record<string, string> };
    expect(v).toMatchObject({ version: 1, runId: 'r123', aliases: ['challenger'], tags: { 'paddock.git.commit': 'deadbeef', 'paddock.data_hash.data/train.csv': 'abc' } });
    expect(JSON.parse(v.signature).inputs.map((c: { name: string }) => c.name)).toEqual(COLS);
    // Uploaded, content-addressed, under the project's artifact root.
    expect(v.source).toMatch(new RegExp(`^${tmp.dir}/\\.paddock/artifacts/packages/churn/[0-9a-f]{64}$`));
    expect(readdirSync(v.source).sort()).toEqual(['model.onnx', MANIFEST_FILE]);
    firstSource = v.source;

    expect((await cli(['models', 'predict', 'pkg', 'data.csv', '-o', 'from-dir.csv'])).code).toBe(0);
    const viaUri = await cli(['models', 'predict', 'models:/churn@challenger', 'data.csv', '-o', 'from-uri.csv']);
    expect(viaUri.stderr).toBe('');
    expect(viaUri.code).toBe(0);
    const fromUri = readFileSync(path.join(tmp.dir, 'from-uri.csv'), 'utf8');
    expect(fromUri).toBe(readFileSync(path.join(tmp.dir, 'from-dir.csv'), 'utf8'));
    const values = fromUri.trim().split('\n').slice(1).map(Number);
    expect(values.map((x, i) => Math.abs(x - expected.output.rows[i]![0]!))).toSatisfy((d: number[]) => d.length === 20 && d.every((x) => x < 1e-5));
    expect(existsSync(path.join(tmp.dir, '.paddock/models/churn/1', MANIFEST_FILE))).toBe(true);

    const inspect = await cli(['models', 'inspect', 'models:/churn/latest']);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toContain('models:/churn/1 (@challenger) from');
    expect(inspect.stdout).toContain('f5: float');
  });

  it('reuses the downloaded package: predicting works after the uploaded copy is gone', async () => {
    const source = firstSource;
    const kept = path.join(tmp.dir, 'kept');
    cpSync(source, kept, { recursive: true });
    rmSync(source, { recursive: true });
    try {
      const r = await cli(['models', 'predict', 'models:/churn/1', 'data.csv', '-o', 'cached.csv']);
      expect(r.code).toBe(0);
      expect(readFileSync(path.join(tmp.dir, 'cached.csv'), 'utf8')).toBe(readFileSync(path.join(tmp.dir, 'from-dir.csv'), 'utf8'));
    } finally {
      cpSync(kept, source, { recursive: true });
    }
  });

  it('registers through the SDK as the CLI does (same content-addressed source), locally only', async () => {
    const client = createClient({ cwd: tmp.dir, env: { PADDOCK_ACTOR: 'sdk-user' }, handleExit: false });
    try {
      const v = await client.registerModel('pkg', { name: 'sdk-model', alias: 'champion' });
      // Same files, same content hash: the CLI's upload location under this model's name.
      expect(v).toMatchObject({ name: 'sdk-model', version: 1, aliases: ['champion'], source: firstSource.replace('/packages/churn/', '/packages/sdk-model/'), runId: 'r123' });
      expect(JSON.parse(v.signature!).outputs).toEqual([{ name: 'output', type: 'float' }]);
    } finally {
      await client.close();
    }
    const remote = createClient({ cwd: tmp.dir, trackingUri: 'http://127.0.0.1:9', env: {}, handleExit: false });
    await expect(remote.registerModel('pkg', { name: 'sdk-model' })).rejects.toThrow(/registerModel needs a local store/);
    expect(await versions('sdk-model')).toEqual([1]);
  });

  it('refuses a package with another signature, naming the column, until --force', async () => {
    await writeModelPackage(path.join(tmp.dir, 'pkg2'), mlpManifest(['f0', 'f1', 'f2', 'f3', 'f4', 'amount']), { 'model.onnx': MODEL() });
    const refused = await cli(['models', 'register', 'pkg2', '--name', 'churn']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("input 'f5' (float) is missing");
    expect(refused.stderr).toContain("input 'amount' (float) is new");
    expect(refused.stderr).toContain('--force');
    expect(await versions('churn')).toEqual([1]);
    const forced = await cli(['models', 'register', 'pkg2', '--name', 'churn', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Registered churn version 2');
    expect(await versions('churn')).toEqual([1, 2]);
  });

  it('refuses a corrupt package (manifest garbage, model not ONNX) and registers nothing', async () => {
    cpSync(path.join(tmp.dir, 'pkg'), path.join(tmp.dir, 'garbage'), { recursive: true });
    writeFileSync(path.join(tmp.dir, 'garbage', MANIFEST_FILE), 'name: [unclosed\n');
    const garbage = await cli(['models', 'register', 'garbage', '--name', 'broken']);
    expect(garbage.code).not.toBe(0);
    expect(garbage.stderr).toContain(MANIFEST_FILE);
    cpSync(path.join(tmp.dir, 'pkg'), path.join(tmp.dir, 'not-onnx'), { recursive: true });
    writeFileSync(path.join(tmp.dir, 'not-onnx', 'model.onnx'), 'not a model');
    const notOnnx = await cli(['models', 'register', 'not-onnx', '--name', 'broken']);
    expect(notOnnx.code).toBe(2);
    expect(notOnnx.stderr).toMatch(/model\.onnx: not an ONNX model/);
    expect(await versions('broken')).toEqual([]);
    expect(readdirSync(path.join(tmp.dir, '.paddock/artifacts/packages'))).not.toContain('broken');
  });

  it('answers NOT_FOUND for a models:/ URI that does not exist, and keeps the name-and-source form', async () => {
    const nope = await cli(['models', 'predict', 'models:/nope/1', 'data.csv', '-o', 'nope.csv']);
    expect(nope.code).toBe(66);
    expect(nope.stderr).toContain("models:/nope/1: registered model 'nope' not found");
    const plain = await cli(['models', 'register', 'plain', 'pkg', '--json']);
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ name: 'plain', version: 1, source: 'pkg' });
    expect((await cli(['models', 'predict', 'models:/plain/1', 'data.csv', '-o', 'plain.csv'])).code).toBe(0);
    expect(readFileSync(path.join(tmp.dir, 'plain.csv'), 'utf8')).toBe(readFileSync(path.join(tmp.dir, 'from-dir.csv'), 'utf8'));
    const noSource = await cli(['models', 'register', 'plain']);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toContain('--name <model>');
  });
});

describe('model packages with an s3:// artifact root', () => {
  let server: S3TestServer;
  let tmp: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    server = await startS3Server({ buckets: ['models'] });
    tmp = await project('paddock-pkg-s3-');
    appendFileSync(path.join(tmp.dir, 'paddock.yaml'), `artifacts:\n  root: s3://models/team\n  endpoint: ${server.endpoint}\n  access_key_id: ${server.accessKeyId}\n  secret_access_key: ${server.secretAccessKey}\n`);
  });
  afterAll(async () => {
    await server?.stop();
    tmp?.cleanup();
  });

  it('uploads the package to the bucket and predicts from it through models:/', async () => {
    const reg = await runCli(tmp.dir, ['models', 'register', 'pkg', '--name', 'fraud', '--alias', 'champion', '--json']);
    expect(reg.stderr).toBe('');
    expect(reg.code).toBe(0);
    expect((JSON.parse(reg.stdout) as { source: string }).source).toMatch(/^s3:\/\/models\/team\/packages\/fraud\/[0-9a-f]{64}$/);
    expect(existsSync(path.join(tmp.dir, '.paddock/artifacts'))).toBe(false);
    const r = await runCli(tmp.dir, ['models', 'predict', 'models:/fraud@champion', 'data.csv', '-o', 'preds.csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const values = readFileSync(path.join(tmp.dir, 'preds.csv'), 'utf8').trim().split('\n').slice(1).map(Number);
    expect(values.map((x, i) => Math.abs(x - expected.output.rows[i]![0]!))).toSatisfy((d: number[]) => d.length === 20 && d.every((x) => x < 1e-5));
    expect(readdirSync(path.join(tmp.dir, '.paddock/models/fraud/1')).sort()).toEqual(['.paddock-package-source.json', 'model.onnx', MANIFEST_FILE]);
  });
});
