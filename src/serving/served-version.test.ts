import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPredictor, writeModelPackage, type InputRow, type ModelPackage, type Predictor } from '../models/index.js';
import { tempDir } from '../test-support/cli.js';
import { ServedVersion, type ServedVersionHooks } from './served-version.js';

// The 300k-parameter MLP fixture (an onnxruntime model: no JavaScript evaluator answers it).
const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/models');
const reference = JSON.parse(readFileSync(path.join(FIXTURES, 'mlp-300k.expected.json'), 'utf8')) as { input: { rows: number[][] } };
const COLS = Array.from({ length: 64 }, (_, i) => `f${i}`);
const ROWS: InputRow[] = reference.input.rows.map((xs) => Object.fromEntries(COLS.map((c, i) => [c, xs[i]!])));

const tmp = tempDir('paddock-served-version-');
let mlp: ModelPackage;

beforeAll(async () => {
  mlp = await writeModelPackage(path.join(tmp.dir, 'mlp'), {
    name: 'mlp-300k', flavor: 'onnx', model: 'model.onnx',
    signature: { inputs: COLS.map((name) => ({ name, type: 'double' as const })), feed: { tensor: 'features' }, outputs: [{ name: 'probabilities', type: 'float' }] },
  }, { 'model.onnx': readFileSync(path.join(FIXTURES, 'mlp-300k.onnx')) });
});
afterAll(tmp.cleanup);

/** A real predictor whose calls on this thread are counted. */
async function counted(pkg: ModelPackage): Promise<{ predictor: Predictor; calls: number[] }> {
  const inner = await openPredictor(pkg);
  const calls: number[] = [];
  return { predictor: { pkg, predict: (rows) => (calls.push(rows.length), inner.predict(rows)), close: () => inner.close() }, calls };
}

function served(predictor: Predictor, hooks: Partial<ServedVersionHooks> = {}): ServedVersion {
  const info = { name: 'mlp', ref: predictor.pkg.dir, version: '1', ready: true, manifest: predictor.pkg.manifest, loadedAt: 0 };
  return new ServedVersion(info, predictor, { acquired: () => undefined, released: () => undefined, closed: () => undefined, ...hooks });
}

describe('ServedVersion off the serving thread', () => {
  it("predictOffThread answers as predict, on the version's thread: its own predictor is never called", async () => {
    const { predictor, calls } = await counted(mlp);
    const version = served(predictor);
    const lease = version.lease();
    try {
      const [all, one] = await Promise.all([lease.predictOffThread!(ROWS), lease.predictOffThread!(ROWS.slice(0, 1))]);
      expect(calls).toEqual([]);
      expect(all).toEqual(await lease.predict(ROWS));
      expect(one).toEqual(all.slice(0, 1));
      expect(calls).toEqual([ROWS.length]);
    } finally {
      lease.release();
      await version.close();
    }
  });

  it('a thread that cannot start is reported once, and its predictions run on the version\'s predictor', async () => {
    const { predictor, calls } = await counted(mlp);
    // The package's files are gone from disk: the thread cannot read them; the loaded predictor still runs.
    const gone = { ...predictor, pkg: { ...mlp, dir: path.join(tmp.dir, 'gone') } };
    const failures: unknown[] = [];
    const version = served(gone, { threadFailed: (err) => failures.push(err) });
    const lease = version.lease();
    try {
      const answers = await Promise.all([lease.predictOffThread!(ROWS), lease.predictOffThread!(ROWS)]);
      expect(answers[0]).toEqual(answers[1]);
      expect(calls).toEqual([ROWS.length, ROWS.length]);
      expect(failures).toHaveLength(1);
      expect(String(failures[0])).toContain(path.join(tmp.dir, 'gone'));
    } finally {
      lease.release();
      await version.close();
    }
  });
});
