import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caught } from '../../test-support/caught.js';
import { tempDir } from '../../test-support/cli.js';
import { MLP_REFERENCE as reference, MLP_ROWS as ROWS, writeMlpPackage } from '../../test-support/mlp-fixture.js';
import { niceOfThreads } from '../../test-support/thread-nice.js';
import { openPredictor, type ModelPackage } from '../index.js';
import { openPredictorThread } from './predictor-thread.js';

const tmp = tempDir('paddock-predictor-thread-');
let mlp: ModelPackage;

beforeAll(async () => {
  mlp = await writeMlpPackage(path.join(tmp.dir, 'mlp'));
});
afterAll(tmp.cleanup);

describe('predictor thread', () => {
  it('answers what the same package answers on this thread, and numpy to 1e-5', async () => {
    const thread = await openPredictorThread(mlp);
    const here = await openPredictor(mlp);
    try {
      const [apart, alone] = await Promise.all([thread.predict(ROWS), thread.predict(ROWS.slice(0, 1))]);
      expect(apart).toEqual(await here.predict(ROWS));
      expect(alone).toEqual(apart.slice(0, 1));
      apart.forEach((p, i) => (p.probabilities as number[]).forEach((x, j) => expect(x).toBeCloseTo(reference.output.rows[i]![j]!, 5)));
    } finally {
      await Promise.all([thread.close(), here.close()]);
    }
  });

  it("rejects a bad row with the column's name and code, and keeps answering", async () => {
    const thread = await openPredictorThread(mlp);
    try {
      const err = await caught(() => thread.predict([{ ...ROWS[0], f3: 'x' }]));
      expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(err.message).toMatch(/f3/);
      expect(await thread.predict(ROWS.slice(0, 2))).toHaveLength(2);
    } finally {
      await thread.close();
    }
  });

  it('gives its thread the rows as they were: extra keys ignored, a missing or null column refused as here', async () => {
    const thread = await openPredictorThread(mlp);
    const here = await openPredictor(mlp);
    try {
      const extra = ROWS.slice(0, 3).map((row) => ({ note: 'ignored', ...row }));
      expect(await thread.predict(extra)).toEqual(await here.predict(ROWS.slice(0, 3)));
      const { f5: _dropped, ...missing } = ROWS[1]!;
      for (const bad of [[ROWS[0]!, missing], [ROWS[0]!, { ...ROWS[1], f5: null }], [{ ...ROWS[0], f5: undefined }]]) {
        const there = await caught(() => thread.predict(bad));
        expect(there.message).toBe((await caught(() => here.predict(bad))).message);
        expect(there.message).toMatch(/f5/);
      }
    } finally {
      await Promise.all([thread.close(), here.close()]);
    }
  });

  it.runIf(process.platform === 'linux')('runs its model at the lowest priority (nice 19), the process keeping its own', async () => {
    const before = niceOfThreads().filter((nice) => nice === 19).length;
    const thread = await openPredictorThread(mlp);
    try {
      expect(await thread.predict(ROWS.slice(0, 1))).toHaveLength(1);
      expect(niceOfThreads().filter((nice) => nice === 19).length).toBeGreaterThan(before);
      expect(os.getPriority()).toBe(0);
    } finally {
      await thread.close();
    }
  });

  it('rejects calls after close, and a package it cannot open', async () => {
    const thread = await openPredictorThread(mlp);
    await thread.close();
    await expect(thread.predict(ROWS)).rejects.toThrow(/closed/);
    const broken = { ...mlp, dir: path.join(tmp.dir, 'missing') };
    const err = await caught(() => openPredictorThread(broken));
    expect(err).toMatchObject({ code: 'MODEL_NOT_READY' });
    expect(err.message).toContain(path.join(tmp.dir, 'missing'));
  });
});
