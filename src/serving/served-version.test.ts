import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPredictor, type ModelPackage, type Predictor } from '../models/index.js';
import { tempDir } from '../test-support/cli.js';
import { MLP_ROWS as ROWS, writeMlpPackage } from '../test-support/mlp-fixture.js';
import { ServedVersion, type ServedVersionHooks } from './served-version.js';

const tmp = tempDir('paddock-served-version-');
let mlp: ModelPackage;

beforeAll(async () => {
  mlp = await writeMlpPackage(path.join(tmp.dir, 'mlp'), { example: false });
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
