import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LockStage } from '../model.js';
import { lookupRunCache, runCacheKey, runCacheValue, saveRunCache } from './run-cache.js';

// Expected hashes computed with CPython's own json.dumps(sort_keys=True) + hashlib.sha256
// over DVC's _get_cache_hash input (size/nfiles dropped; outs reduced to paths for the key).
const ENTRY: LockStage = {
  cmd: 'python train.py',
  deps: [{ path: 'data.csv', hash: 'md5', md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3 }],
  params: { 'params.yaml': { lr: 0.00001, seed: 7 } },
  outs: [{ path: 'model.bin', hash: 'md5', md5: '37b51d194a7513e45b56f6524f2d51f2', size: 3 }],
};
const KEY = '03fa79810f24d9f52d2b78def3d33848eb2b56338e8306bb6310f2df54582cb7';
const VALUE = 'f34984ff693b14745a86be4dffb2cc58244f537702825bc3478d0b62a67ef00f';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('run cache', () => {
  it('computes DVC\'s key and value', () => {
    expect(runCacheKey({ ...ENTRY, outs: [] }, ['model.bin'])).toBe(KEY);
    expect(runCacheValue(ENTRY)).toBe(VALUE);
  });

  it('stores entries at runs/<key[:2]>/<key>/<value> as lock YAML and finds them again', async () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'paddock-runs-'));
    dirs.push(cacheDir);
    expect(await lookupRunCache({ cacheDir }, KEY)).toBeUndefined();
    await saveRunCache({ cacheDir }, KEY, ENTRY);
    const file = path.join(cacheDir, 'runs', KEY.slice(0, 2), KEY, VALUE);
    expect(readFileSync(file, 'utf8')).toBe(
      'cmd: python train.py\ndeps:\n- path: data.csv\n  hash: md5\n  md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\nparams:\n  params.yaml:\n    lr: 1.0e-05\n    seed: 7\nouts:\n- path: model.bin\n  hash: md5\n  md5: 37b51d194a7513e45b56f6524f2d51f2\n  size: 3\n',
    );
    expect(await lookupRunCache({ cacheDir }, KEY)).toEqual(ENTRY);
  });
});
