import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fail } from '../core/errors.js';
import { readModelPackage, writeModelPackage, type InputRow, type ModelManifestInput, type PredictionRow } from '../models/index.js';
import { caught } from '../test-support/caught.js';
import { tempDir } from '../test-support/cli.js';
import { ModelPool, type PoolEvent } from './model-pool.js';
import type { PackageResolver } from './ports.js';

// Real packages around the torch.onnx MLP fixture; expected outputs are torch's own
// (scripts/make-reference-models.py), not Paddock's. v2 is the same network behind a stored
// standard scaling, so v1 answers row z with torch's output for z and v2 answers row
// x = z * std + mean with it: every response says which version computed it.
const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/models');
const MODEL = readFileSync(path.join(FIXTURES, 'torch-mlp.onnx'));
const reference = JSON.parse(readFileSync(path.join(FIXTURES, 'torch-mlp.expected.json'), 'utf8')) as {
  input: { rows: number[][] };
  output: { rows: number[][] };
};
const COLS = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];
const MEAN = [1, -2, 0.5, 3, 0, 10];
const STD = [2, 0.5, 1, 4, 3, 0.25];
const toRow = (xs: readonly number[]): InputRow => Object.fromEntries(COLS.map((c, i) => [c, xs[i]!]));
const Z = reference.input.rows.map(toRow);
const X = reference.input.rows.map((z) => toRow(z.map((v, i) => v * STD[i]! + MEAN[i]!)));
const torch = (i: number) => reference.output.rows[i]![0]!;
const out = (row: PredictionRow | undefined) => row!.output as number;

const tmp = tempDir('paddock-pool-');
afterAll(tmp.cleanup);
const dirs = { v1: '', v2: '', badExample: '', notAPackage: path.join(tmp.dir, 'empty') };

function manifest(extra: Partial<ModelManifestInput> = {}): ModelManifestInput {
  return {
    name: 'torch-mlp',
    flavor: 'onnx',
    model: 'model.onnx',
    signature: { inputs: COLS.map((name) => ({ name, type: 'float' as const })), feed: { tensor: 'input' }, outputs: [{ name: 'output', type: 'float' }] },
    input_example: [Z[0]!, Z[1]!],
    ...extra,
  };
}

beforeAll(async () => {
  const scale = Object.fromEntries(COLS.map((c, i) => [c, { mean: MEAN[i]!, std: STD[i]! }]));
  const write = async (name: string, m: ModelManifestInput) => (await writeModelPackage(path.join(tmp.dir, name), m, { 'model.onnx': MODEL })).dir;
  dirs.v1 = await write('v1', manifest());
  dirs.v2 = await write('v2', manifest({ preprocess: { scale } }));
  // A valid package whose input example lacks a signature column: only the warm-up can catch it.
  const { f3: _drop, ...noF3 } = Z[0]!;
  dirs.badExample = await write('bad-example', manifest({ input_example: [noF3] }));
});

/** A registry stand-in with real packages: ref → package dir (and version), moved by the test. */
function registry() {
  const refs = new Map<string, { dir: string; version?: string }>();
  let calls = 0;
  const resolver: PackageResolver = {
    async resolve(ref) {
      calls++;
      const target = refs.get(ref) ?? fail('NOT_FOUND', `registry: no model version for '${ref}'`, { ref });
      return { pkg: await readModelPackage(target.dir), ...(target.version !== undefined && { version: target.version }) };
    },
  };
  return { refs, resolver, calls: () => calls };
}

function pool(resolver: PackageResolver) {
  const events: (PoolEvent & { tick: number })[] = [];
  const clock = { tick: 0 };
  const p = new ModelPool({ resolver, onEvent: (e) => events.push({ ...e, tick: clock.tick++ }) });
  return { pool: p, events, clock };
}

const ALIAS = 'models:/mlp@champion';

describe('ModelPool', () => {
  it('serves a package directory as version 1: add, list, info, lease, predict', async () => {
    const reg = registry();
    reg.refs.set(dirs.v1, { dir: dirs.v1 });
    const { pool: p, events } = pool(reg.resolver);
    const info = await p.add('mlp', dirs.v1);
    expect(info).toMatchObject({ name: 'mlp', ref: dirs.v1, version: '1', ready: true });
    expect(info.manifest.signature.inputs).toHaveLength(6);
    expect(p.list()).toEqual([expect.objectContaining({ name: 'mlp', state: 'ready', ready: true, version: '1', info })]);
    expect(p.info('mlp')).toBe(info);
    expect(events).toEqual([expect.objectContaining({ type: 'loaded', name: 'mlp', version: '1', ms: expect.any(Number) })]);

    const lease = p.lease('mlp');
    const rows = await lease.predict(Z);
    lease.release();
    lease.release(); // a second release is ignored, not double-counted
    rows.forEach((row, i) => expect(out(row)).toBeCloseTo(torch(i), 5));
    expect((await caught(() => lease.predict(Z))).code).toBe('INVALID_STATE');

    const unknown = await caught(async () => p.lease('nope'));
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toContain("'nope'");
    expect(unknown.message).toContain('served: mlp');
    expect((await caught(async () => p.info('nope'))).code).toBe('NOT_FOUND');
    expect((await caught(() => p.refresh('nope'))).code).toBe('NOT_FOUND');
    const version = await caught(async () => p.lease('mlp', '7'));
    expect(version.code).toBe('NOT_FOUND');
    expect(version.message).toContain('serves version 1');
    p.lease('mlp', '1').release();
    expect((await caught(() => p.add('mlp', dirs.v2))).code).toBe('ALREADY_EXISTS');
    await p.close();
  });

  it('answers MODEL_NOT_READY while loading and, with the cause, after a failed load, until a refresh loads it', async () => {
    const reg = registry();
    const { pool: p, events } = pool(reg.resolver);
    reg.refs.set('models:/other@prod', { dir: dirs.v1, version: '5' });
    const adding = p.add('other', 'models:/other@prod');
    const loading = await caught(async () => p.lease('other'));
    expect(loading.code).toBe('MODEL_NOT_READY');
    expect(loading.message).toContain('still loading');
    expect(p.status('other').state).toBe('loading');
    await adding;

    const addErr = await caught(() => p.add('mlp', ALIAS));
    expect(addErr.code).toBe('NOT_FOUND');
    expect(p.status('mlp')).toMatchObject({ state: 'failed', ready: false, error: expect.stringContaining("no model version for 'models:/mlp@champion'") });
    const err = await caught(async () => p.lease('mlp'));
    expect(err.code).toBe('MODEL_NOT_READY');
    expect(err.spec.status).toBe(503);
    expect(err.message).toContain("no model version for 'models:/mlp@champion'");
    expect(err.cause).toBe(addErr);
    expect((await caught(async () => p.info('mlp'))).code).toBe('MODEL_NOT_READY');
    expect(events.filter((e) => e.type === 'load-failed')).toEqual([expect.objectContaining({ name: 'mlp', error: addErr })]);

    reg.refs.set(ALIAS, { dir: dirs.v1, version: '3' });
    expect(await p.refresh()).toEqual([{ name: 'mlp', to: '3' }]);
    expect(p.status('mlp')).toMatchObject({ state: 'ready', version: '3' });
    expect(p.status('mlp').error).toBeUndefined();
    const lease = p.lease('mlp');
    expect(lease.info.version).toBe('3');
    expect(out((await lease.predict([Z[4]!]))[0])).toBeCloseTo(torch(4), 5);
    lease.release();
    await p.close();
  });

  it('hot-swaps under load: no failed request, v1 before the switch, v2 after, v1 closed after its last lease', async () => {
    const reg = registry();
    reg.refs.set(ALIAS, { dir: dirs.v1, version: '1' });
    const { pool: p, events, clock } = pool(reg.resolver);
    await p.add('mlp', ALIAS);
    const held = p.lease('mlp'); // a slow request spanning the swap

    const records: { version: string; leased: number; released: number; i: number; rows: PredictionRow[] }[] = [];
    const errors: unknown[] = [];
    let stop = false;
    // Rows where torch's output is far from 1: the MLP ends in a sigmoid that the unscaled x rows
    // saturate, so on these rows the version that did not compute a response is visibly wrong.
    const telling = reference.output.rows.flatMap((o, i) => (o[0]! < 0.9 ? [i] : []));
    expect(telling.length).toBeGreaterThanOrEqual(5);
    const loop = async (k: number) => {
      for (let n = 0; !stop; n++) {
        const i = telling[(k * 3 + n) % telling.length]!;
        try {
          const lease = p.lease('mlp');
          const leased = clock.tick++;
          const rows = await lease.predict([Z[i]!, X[i]!]);
          lease.release();
          records.push({ version: lease.info.version, leased, released: clock.tick++, i, rows });
        } catch (err) {
          errors.push(err);
        }
      }
    };
    const loops = [0, 1, 2, 3].map(loop);
    await sleep(300);
    reg.refs.set(ALIAS, { dir: dirs.v2, version: '2' });
    expect(await p.refresh()).toEqual([{ name: 'mlp', from: '1', to: '2' }]);
    await sleep(600);
    stop = true;
    await Promise.all(loops);

    expect(errors).toEqual([]);
    const swapped = events.find((e) => e.type === 'swapped')!;
    expect(swapped).toMatchObject({ name: 'mlp', from: '1', version: '2' });
    const v1 = records.filter((r) => r.version === '1');
    const v2 = records.filter((r) => r.version === '2');
    expect(v1.length).toBeGreaterThan(20);
    expect(v2.length).toBeGreaterThan(20);
    for (const r of records) {
      // The switch is one assignment: every lease taken before it is v1, every one after is v2.
      expect(r.version).toBe(r.leased < swapped.tick ? '1' : '2');
      const [z, x] = r.rows;
      if (r.version === '1') {
        expect(out(z)).toBeCloseTo(torch(r.i), 5);
        // v2 answers x with torch's output for z; v1 does not, so the x row tells them apart.
        expect(Math.abs(out(x) - torch(r.i))).toBeGreaterThan(1e-3);
      } else {
        expect(out(x)).toBeCloseTo(torch(r.i), 5);
      }
    }

    // v1 is retired but still loaded for the request holding it; it takes no new leases.
    expect(events.some((e) => e.type === 'unloaded')).toBe(false);
    expect((await caught(async () => p.lease('mlp', '1'))).code).toBe('NOT_FOUND');
    expect(out((await held.predict([Z[2]!]))[0])).toBeCloseTo(torch(2), 5);
    const heldReleased = clock.tick++;
    held.release();
    await vi.waitFor(() => expect(events.some((e) => e.type === 'unloaded')).toBe(true));
    const unloaded = events.find((e) => e.type === 'unloaded')!;
    expect(unloaded).toMatchObject({ name: 'mlp', version: '1' });
    expect(unloaded.tick).toBeGreaterThan(Math.max(heldReleased, ...v1.map((r) => r.released)));
    expect(p.info('mlp').version).toBe('2');
    await p.close();
  });

  it('keeps the old version serving when the new one fails to load or warm up', async () => {
    const reg = registry();
    reg.refs.set(ALIAS, { dir: dirs.v1, version: '1' });
    const { pool: p, events } = pool(reg.resolver);
    await p.add('mlp', ALIAS);

    reg.refs.set(ALIAS, { dir: dirs.badExample, version: '2' });
    expect(await p.refresh('mlp')).toEqual([]);
    const failed = events.find((e) => e.type === 'load-failed')!;
    expect(failed).toMatchObject({ name: 'mlp', version: '2' });
    expect(String((failed.error as Error).message)).toMatch(/cannot predict its own input_example: row 1: missing column 'f3'/);
    expect(p.status('mlp')).toMatchObject({ state: 'ready', version: '1', error: expect.stringContaining('input_example') });

    reg.refs.set(ALIAS, { dir: dirs.notAPackage, version: '3' });
    expect(await p.refresh()).toEqual([]);
    expect(p.status('mlp').error).toContain('not a model package');
    const lease = p.lease('mlp');
    expect(lease.info.version).toBe('1');
    expect(out((await lease.predict([Z[0]!]))[0])).toBeCloseTo(torch(0), 5);
    lease.release();

    reg.refs.set(ALIAS, { dir: dirs.v2, version: '4' });
    expect(await p.refresh()).toEqual([{ name: 'mlp', from: '1', to: '4' }]);
    expect(p.status('mlp').error).toBeUndefined();
    await p.close();

    // Without the warm-up the same package would have been served: the warm-up is what caught it.
    const reg2 = registry();
    reg2.refs.set(ALIAS, { dir: dirs.badExample, version: '2' });
    const coldPool = new ModelPool({ resolver: reg2.resolver, warmup: false });
    expect((await coldPool.add('mlp', ALIAS)).version).toBe('2');
    await coldPool.close();
  });

  it('coalesces concurrent refreshes and follows alias moves with watch', async () => {
    const reg = registry();
    reg.refs.set(ALIAS, { dir: dirs.v1, version: '1' });
    const { pool: p, events } = pool(reg.resolver);
    await p.add('mlp', ALIAS);
    const before = reg.calls();
    reg.refs.set(ALIAS, { dir: dirs.v2, version: '2' });
    const results = await Promise.all([p.refresh(), p.refresh('mlp'), p.refresh(), p.refresh('mlp')]);
    // One load runs, one more is queued behind it for all the callers that came meanwhile.
    expect(reg.calls() - before).toBe(2);
    expect(results.flat()).toEqual([{ name: 'mlp', from: '1', to: '2' }]);
    expect(events.filter((e) => e.type === 'swapped')).toHaveLength(1);

    const stopWatching = p.watch(20);
    reg.refs.set(ALIAS, { dir: dirs.v1, version: '3' });
    await vi.waitFor(() => expect(p.info('mlp').version).toBe('3'), { timeout: 3000, interval: 10 });
    stopWatching();
    await p.close();
  });

  it('remove: a request holding a lease finishes on it, new leases are NOT_FOUND, the version closes after the last release', async () => {
    const reg = registry();
    reg.refs.set(ALIAS, { dir: dirs.v1, version: '1' });
    reg.refs.set(dirs.v2, { dir: dirs.v2 });
    const { pool: p, events } = pool(reg.resolver);
    await p.add('mlp', ALIAS);
    await p.add('other', dirs.v2);
    const held = [p.lease('mlp'), p.lease('mlp')];
    let removed = false;
    const removing = p.remove('mlp').then(() => (removed = true));
    // Gone for new requests at once, still computing for the ones holding a lease.
    const refused = await caught(async () => p.lease('mlp'));
    expect(refused.code).toBe('NOT_FOUND');
    expect(refused.message).toContain('served: other');
    expect(p.list().map((m) => m.name)).toEqual(['other']);
    expect(out((await held[0]!.predict([Z[2]!]))[0])).toBeCloseTo(torch(2), 5);
    held[0]!.release();
    await sleep(20);
    expect(removed).toBe(false);
    expect(events.some((e) => e.type === 'unloaded')).toBe(false);
    expect(out((await held[1]!.predict([Z[3]!]))[0])).toBeCloseTo(torch(3), 5);
    held[1]!.release();
    await removing;
    expect(events.filter((e) => e.type === 'unloaded')).toEqual([expect.objectContaining({ name: 'mlp', version: '1' })]);
    // The other model is untouched, the name can be served again, and an unknown name is NOT_FOUND.
    const other = p.lease('other');
    expect(out((await other.predict([X[0]!]))[0])).toBeCloseTo(torch(0), 5);
    other.release();
    expect((await caught(() => p.remove('mlp'))).code).toBe('NOT_FOUND');
    expect(await p.add('mlp', ALIAS)).toMatchObject({ version: '1' });
    const again = p.lease('mlp');
    expect(out((await again.predict([Z[0]!]))[0])).toBeCloseTo(torch(0), 5);
    again.release();
    await p.close();
  });

  it('remove during a load: the loading version is closed when it arrives and never served', async () => {
    const reg = registry();
    reg.refs.set(ALIAS, { dir: dirs.v1, version: '1' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: PackageResolver = { resolve: async (ref) => { await gate; return reg.resolver.resolve(ref); } };
    const { pool: p, events } = pool(slow);
    const adding = p.add('mlp', ALIAS).then(() => 'served', (err: { code?: string }) => err.code);
    expect(p.status('mlp').state).toBe('loading');
    const removing = p.remove('mlp');
    expect(p.list()).toEqual([]);
    release();
    await removing;
    expect(await adding).toBe('MODEL_NOT_READY');
    expect(events.filter((e) => e.type === 'loaded' || e.type === 'swapped')).toEqual([]);
    expect((await caught(async () => p.lease('mlp'))).code).toBe('NOT_FOUND');
    await p.close();
  });

  it('close waits for a request in flight, refuses new ones, then closes every version', async () => {
    const reg = registry();
    reg.refs.set(ALIAS, { dir: dirs.v1, version: '1' });
    const { pool: p, events } = pool(reg.resolver);
    await p.add('mlp', ALIAS);
    const inFlight = p.lease('mlp');
    let closed = false;
    const closing = p.close(5000).then(() => (closed = true));
    await sleep(100);
    expect(closed).toBe(false);
    const refused = await caught(async () => p.lease('mlp'));
    expect(refused.code).toBe('MODEL_NOT_READY');
    expect(refused.message).toContain('shutting down');
    expect(out((await inFlight.predict([Z[1]!]))[0])).toBeCloseTo(torch(1), 5);
    expect(events.some((e) => e.type === 'unloaded')).toBe(false);
    inFlight.release();
    await closing;
    expect(events.filter((e) => e.type === 'unloaded')).toEqual([expect.objectContaining({ name: 'mlp', version: '1' })]);
    expect(p.status('mlp').state).toBe('closed');
    expect((await caught(() => p.refresh())).code).toBe('MODEL_NOT_READY');

    // A request that never ends does not hold the shutdown past the grace period.
    const reg2 = registry();
    reg2.refs.set(ALIAS, { dir: dirs.v1, version: '1' });
    const p2 = new ModelPool({ resolver: reg2.resolver });
    await p2.add('mlp', ALIAS);
    p2.lease('mlp');
    const started = Date.now();
    await p2.close(150);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
