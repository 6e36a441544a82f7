import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonitoringProfile } from '../../app-model-packages.js';
import { parseTrainerParams, predict, readModelPackage, trainPackage, type InputRow, type ModelPackage, type PredictionRow } from '../../models/index.js';
import { tempDir } from '../../test-support/cli.js';
import { ModelPool } from '../model-pool.js';
import type { PackageResolver } from '../ports.js';
import type { TrafficPolicy } from './deployment.js';
import { DeploymentRouter, internalName } from './router.js';
import type { ShadowRecord } from './shadow.js';
import { prng } from '../../test-support/prng.js';
import { caught } from '../../test-support/caught.js';

/**
 * The router over a real ModelPool serving real packages (trainPackage on generated data):
 * models:/m/1 a boosted classifier, /2 a linear one, /3 a classifier of the inverted label (a
 * known disagreement), /4 the same package as /1 (a known agreement), /5 one that needs a column
 * requests lack (its predictions fail); models:/r/1 and /r/2 two regressions.
 */
const ORIGINS = ['ATL', 'ORD', 'SEA', 'JFK', 'SFO'] as const;

function flights(n: number, seed: number): InputRow[] {
  const rnd = prng(seed);
  return Array.from({ length: n }, () => ({
    hour: Math.floor(rnd() * 24), weekday: Math.floor(rnd() * 7), distance: 100 + Math.floor(rnd() * 2900), origin: ORIGINS[Math.floor(rnd() * ORIGINS.length)]!,
  }));
}

function trainingCsv(rows: readonly InputRow[]): string {
  const rnd = prng(7);
  const lines = rows.map((r) => {
    const f = r as { hour: number; weekday: number; distance: number; origin: string };
    const signal = 0.25 * (f.hour - 14) + (f.origin === 'ORD' ? 1.2 : 0) + f.distance / 2000 - 0.8;
    const late = signal + (rnd() - 0.5) * 2 > 0 ? 1 : 0;
    return `${f.hour},${f.weekday},${f.distance},${f.origin},${late},${1 - late},${Math.round((10 * signal + 20 * rnd()) * 100) / 100}`;
  });
  return `hour,weekday,distance,origin,late,early,delay\n${lines.join('\n')}\n`;
}

const tmp = tempDir('paddock-router-');
const pkgs = new Map<string, ModelPackage>();
const ROWS = flights(16, 99);
const resolver: PackageResolver = {
  async resolve(ref) {
    const pkg = pkgs.get(ref);
    if (!pkg) throw new Error(`no such ref ${ref}`);
    return { pkg: await readModelPackage(pkg.dir), version: ref.split('/').pop()! };
  },
};
const refFor = (model: string, version: string) => `models:/${model}/${version}`;
const pools: ModelPool[] = [];

function newRouter(options: { random?: () => number; onShadow?: (r: ShadowRecord) => void; shadowGatherMs?: number; maxPendingShadows?: number } = {}): { pool: ModelPool; router: DeploymentRouter } {
  const pool = new ModelPool({ resolver });
  pools.push(pool);
  return { pool, router: new DeploymentRouter({ pool, refFor, ...options }) };
}

const noHeaders = { header: () => undefined, rows: ROWS };

beforeAll(async () => {
  const data = path.join(tmp.dir, 'flights.csv');
  writeFileSync(data, trainingCsv(flights(300, 1)));
  const train = async (ref: string, task: 'classification' | 'regression', target: string, params: Record<string, unknown>, features = ['hour', 'weekday', 'distance', 'origin']) => {
    const dir = path.join(tmp.dir, ref.replace(/[:/]/g, '_'));
    pkgs.set(ref, (await trainPackage({ data, task, target, features, params: parseTrainerParams(params, 'test'), name: 'm', outDir: dir, lineage: {}, producerVersion: '0.0.0-test', buildMonitoringProfile })).pkg);
  };
  await Promise.all([
    train('models:/m/1', 'classification', 'late', { algorithm: 'gbdt', n_estimators: 10, max_depth: 3 }),
    train('models:/m/2', 'classification', 'late', { algorithm: 'linear' }),
    train('models:/m/3', 'classification', 'early', { algorithm: 'gbdt', n_estimators: 10, max_depth: 3 }),
    train('models:/m/5', 'classification', 'late', { algorithm: 'linear' }, ['hour', 'weekday', 'distance', 'origin', 'delay']),
    train('models:/r/1', 'regression', 'delay', { algorithm: 'gbdt', n_estimators: 10, max_depth: 3 }),
    train('models:/r/2', 'regression', 'delay', { algorithm: 'linear' }),
  ]);
  pkgs.set('models:/m/4', pkgs.get('models:/m/1')!);
});

afterAll(async () => {
  for (const pool of pools) await pool.close();
  tmp.cleanup();
});

describe('weighted routing', () => {
  it('a 10% canary takes 10% ± 2.5% of 2,000 requests, and each lease predicts with its version', async () => {
    const { pool, router } = newRouter({ random: prng(42) });
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [{ version: '2', weight: 10 }] } });
    expect(router.has('dep')).toBe(true);
    expect(pool.list().map((m) => m.name)).toEqual([internalName('dep', '1'), internalName('dep', '2')]);
    const counts = { stable: 0, canary: 0 };
    for (let i = 0; i < 2000; i++) {
      const { variant, version, lease } = router.route('dep', noHeaders);
      expect(version).toBe(variant === 'canary' ? '2' : '1');
      expect(lease.info).toMatchObject({ name: 'dep', version });
      lease.release();
      counts[variant]++;
    }
    expect(Math.abs(counts.canary / 2000 - 0.1)).toBeLessThan(0.025);

    // The versions really differ, and each lease answers as its own package does.
    const [want1, want2] = await Promise.all([predict(pkgs.get('models:/m/1')!, ROWS), predict(pkgs.get('models:/m/2')!, ROWS)]);
    expect(want1).not.toEqual(want2);
    for (const version of ['1', '2']) {
      const lease = router.pin('dep', version).lease;
      expect(await lease.predict(ROWS)).toEqual(version === '1' ? want1 : want2);
      lease.release();
    }
  });

  it('candidates at 0% and 100%, and two candidates, split as weighted', async () => {
    const { router } = newRouter({ random: prng(3) });
    const share = async (policy: TrafficPolicy) => {
      await router.apply({ name: 'dep', model: 'm', policy });
      const seen = new Map<string, number>();
      for (let i = 0; i < 2000; i++) {
        const r = router.route('dep', noHeaders);
        r.lease.release();
        seen.set(r.version, (seen.get(r.version) ?? 0) + 1);
      }
      return (v: string) => (seen.get(v) ?? 0) / 2000;
    };
    expect((await share({ stable: '1', candidates: [{ version: '2', weight: 0 }] }))('1')).toBe(1);
    expect((await share({ stable: '1', candidates: [{ version: '2', weight: 100 }] }))('2')).toBe(1);
    const split = await share({ stable: '1', candidates: [{ version: '2', weight: 30 }, { version: '4', weight: 20 }] });
    expect(Math.abs(split('2') - 0.3)).toBeLessThan(0.03);
    expect(Math.abs(split('4') - 0.2)).toBeLessThan(0.03);
    expect(Math.abs(split('1') - 0.5)).toBeLessThan(0.03);
  });

  it('unknown deployments are NOT_FOUND; bad weights are refused before anything loads; a failing version leaves the old policy routing', async () => {
    const { pool, router } = newRouter();
    expect(() => router.route('nope', noHeaders)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    await expect(router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [{ version: '2', weight: 60 }, { version: '4', weight: 50 }] } }))
      .rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/weights sum to 110/) });
    await expect(router.apply({ name: 'a/b', model: 'm', policy: { stable: '1', candidates: [] } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(pool.list()).toEqual([]);

    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [] } });
    await expect(router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [{ version: '9', weight: 50 }] } }))
      .rejects.toMatchObject({ code: 'MODEL_NOT_READY', message: expect.stringMatching(/version 9 \(models:\/m\/9\) failed to load.*no such ref/) });
    for (let i = 0; i < 50; i++) {
      const r = router.route('dep', noHeaders);
      r.lease.release();
      expect(r.version).toBe('1');
    }
    // Once the version exists, the same apply succeeds (the failed pool name is reloaded, not re-added).
    pkgs.set('models:/m/9', pkgs.get('models:/m/2')!);
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [{ version: '9', weight: 100 }] } });
    const r = router.route('dep', noHeaders);
    r.lease.release();
    expect(r.version).toBe('9');
  });

  it('a lease taken before a policy switch still predicts after it (versions no longer named stay loaded)', async () => {
    const { router } = newRouter();
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [] } });
    const inFlight = router.route('dep', noHeaders).lease;
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '2', candidates: [] } });
    const after = router.route('dep', noHeaders);
    expect(after.version).toBe('2');
    after.lease.release();
    expect(await inFlight.predict(ROWS)).toEqual(await predict(pkgs.get('models:/m/1')!, ROWS));
    inFlight.release();
    expect(() => router.pin('dep', '1')).toThrow(/does not route to version 1: it routes to 2/);
  });
});

describe('unloading versions no policy names', () => {
  /** A router whose grace periods the test ends by hand: `fire()` runs the unloads that are due. */
  function withManualGrace() {
    const timers: { run: () => void; ms: number; cancelled: boolean }[] = [];
    const unloaded: string[] = [];
    const pool = new ModelPool({ resolver });
    pools.push(pool);
    const router = new DeploymentRouter({
      pool, refFor, unloadGraceMs: 1234, onUnloaded: (d, v) => unloaded.push(`${d}@v${v}`),
      schedule: (run, ms) => {
        const t = { run, ms, cancelled: false };
        timers.push(t);
        return () => (t.cancelled = true);
      },
    });
    /** Ends the grace periods; `drain`: also waits for the unloads (their leases released). */
    const fire = async (drain = true) => {
      for (const t of timers.splice(0)) if (!t.cancelled) t.run();
      await new Promise((resolve) => setImmediate(resolve));
      if (drain) await router.idle();
    };
    return { pool, router, timers, unloaded, fire };
  }
  const loaded = (pool: ModelPool) => pool.list().map((m) => m.name).sort();

  it('a rolled-back canary is unloaded after the grace period; versions still named stay loaded', async () => {
    const { pool, router, timers, unloaded, fire } = withManualGrace();
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [{ version: '2', weight: 20 }] } });
    expect(timers).toEqual([]);
    // A request on the canary holds a lease across the rollback and the unload.
    const inFlight = router.pin('dep', '2').lease;
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [] } });
    expect(timers.map((t) => t.ms)).toEqual([1234]);
    expect(loaded(pool)).toEqual(['dep@v1', 'dep@v2']);
    await fire(false);
    expect(loaded(pool)).toEqual(['dep@v1']);
    expect(unloaded).toEqual([]);
    expect(await inFlight.predict(ROWS)).toEqual(await predict(pkgs.get('models:/m/2')!, ROWS));
    inFlight.release();
    await router.idle();
    expect(unloaded).toEqual(['dep@v2']);
    // Stable, still named, keeps serving.
    const after = router.route('dep', noHeaders);
    expect(after.version).toBe('1');
    after.lease.release();
    await fire();
    expect(loaded(pool)).toEqual(['dep@v1']);
  });

  it('a version named again within its grace period is not unloaded, and one named after it is loaded again', async () => {
    const { pool, router, unloaded, fire } = withManualGrace();
    const canary = { stable: '1', candidates: [{ version: '2', weight: 50 }] };
    await router.apply({ name: 'dep', model: 'm', policy: canary });
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [] } });
    await router.apply({ name: 'dep', model: 'm', policy: canary });
    await fire();
    expect(loaded(pool)).toEqual(['dep@v1', 'dep@v2']);
    expect(unloaded).toEqual([]);
    // Promotion: 2 becomes stable, the old stable is unloaded; rolling back to it reloads it.
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '2', candidates: [] } });
    await fire();
    expect(loaded(pool)).toEqual(['dep@v2']);
    expect(unloaded).toEqual(['dep@v1']);
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [] } });
    const back = router.route('dep', noHeaders);
    expect(back.version).toBe('1');
    expect(await back.lease.predict(ROWS)).toEqual(await predict(pkgs.get('models:/m/1')!, ROWS));
    back.lease.release();
  });

  it('a mirror still names its version; a removed deployment has all its versions unloaded', async () => {
    const { pool, router, fire } = withManualGrace();
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [{ version: '2', weight: 10 }] } });
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [], mirror: { version: '2', percent: 100 } } });
    await fire();
    expect(loaded(pool)).toEqual(['dep@v1', 'dep@v2']);
    expect(router.remove('dep')).toBe(true);
    // Its versions are not listed as plain models while they wait for the grace period.
    expect(pool.list().filter((m) => !router.isInternal(m.name))).toEqual([]);
    await fire();
    expect(loaded(pool)).toEqual([]);
    expect((await caught(async () => router.route('dep', noHeaders))).code).toBe('NOT_FOUND');
  });
});

describe('sticky routing', () => {
  const keys = Array.from({ length: 400 }, (_, i) => `user-${i}`);
  const byKey = (key: string) => ({ header: (n: string) => (n.toLowerCase() === 'x-user' ? key : undefined), rows: ROWS });

  it('one key always gets the same version, whatever the random source says', async () => {
    const { router } = newRouter({ random: Math.random });
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [{ version: '2', weight: 50 }], sticky: { header: 'X-User' } } });
    for (const key of keys.slice(0, 50)) {
      const versions = new Set(Array.from({ length: 8 }, () => {
        const r = router.route('dep', byKey(key));
        r.lease.release();
        return r.version;
      }));
      expect(versions.size, key).toBe(1);
    }
  });

  it('10 → 25 → 50: keys in the canary stay in it as its weight grows, and the share follows the weight', async () => {
    const { router } = newRouter({ random: Math.random });
    const canaryKeys: Set<string>[] = [];
    for (const weight of [10, 25, 50]) {
      await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [{ version: '2', weight }], sticky: { header: 'x-user' } } });
      const inCanary = new Set(keys.filter((key) => {
        const r = router.route('dep', byKey(key));
        r.lease.release();
        return r.variant === 'canary';
      }));
      expect(Math.abs(inCanary.size / keys.length - weight / 100), `weight ${weight}`).toBeLessThan(0.07);
      canaryKeys.push(inCanary);
    }
    for (const key of canaryKeys[0]!) expect(canaryKeys[1]!.has(key)).toBe(true);
    for (const key of canaryKeys[1]!) expect(canaryKeys[2]!.has(key)).toBe(true);
    expect(canaryKeys[2]!.size).toBeGreaterThan(canaryKeys[0]!.size);
  });

  it('a sticky column uses the first row\'s value', async () => {
    const { router } = newRouter({ random: Math.random });
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [{ version: '2', weight: 50 }], sticky: { column: 'origin' } } });
    expect(router.readsRows('dep')).toBe(true);
    const versionsByOrigin = new Map<string, Set<string>>();
    for (const origin of ORIGINS) {
      for (let i = 0; i < 10; i++) {
        const r = router.route('dep', { header: () => undefined, rows: [{ ...ROWS[i]!, origin }, { ...ROWS[0]!, origin: 'XXX' }] });
        r.lease.release();
        versionsByOrigin.set(origin, (versionsByOrigin.get(origin) ?? new Set()).add(r.version));
      }
    }
    for (const [origin, versions] of versionsByOrigin) expect(versions.size, origin).toBe(1);
  });
});

describe('shadow traffic', () => {
  /** Routes `n` requests, answers them with their lease, and mirrors each, as the serving routes do. */
  async function serve(router: DeploymentRouter, n: number): Promise<{ version: string; predictions: PredictionRow[]; id: string }[]> {
    const answered = [];
    for (let i = 0; i < n; i++) {
      const { version, lease } = router.route('dep', noHeaders);
      const predictions = await lease.predict(ROWS).finally(() => lease.release());
      router.shadow('dep', ROWS, { version, predictions, correlationId: `req-${i}` });
      answered.push({ version, predictions, id: `req-${i}` });
    }
    await router.idle();
    return answered;
  }

  it('mirror 100%: stable answers every request; each is shadowed once, with its id and the label agreement predict() gives', async () => {
    const records: ShadowRecord[] = [];
    const { router } = newRouter({ onShadow: (r) => records.push(r) });
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [], mirror: { version: '3', percent: 100 } } });
    const answered = await serve(router, 12);
    const [want1, want3] = await Promise.all([predict(pkgs.get('models:/m/1')!, ROWS), predict(pkgs.get('models:/m/3')!, ROWS)]);
    for (const a of answered) {
      expect(a.version).toBe('1');
      expect(a.predictions).toEqual(want1);
    }
    const agreed = want1.filter((p, i) => p.label === want3[i]!.label).length;
    // The inverted-label model disagrees on most rows: a known disagreement.
    expect(agreed).toBeLessThan(ROWS.length / 2);
    expect(records.map((r) => r.correlationId)).toEqual(answered.map((a) => a.id));
    for (const r of records) {
      expect(r).toMatchObject({ deployment: 'dep', model: 'm', primaryVersion: '1', shadowVersion: '3', kind: 'classification', outcome: 'disagree', rows: ROWS.length, agreedRows: agreed });
      expect(r.agreement).toBeCloseTo(agreed / ROWS.length, 12);
    }
  });

  it('requests mirrored in one turn share one shadow run, and each is compared with its own rows', async () => {
    const records: ShadowRecord[] = [];
    const { router } = newRouter({ onShadow: (r) => records.push(r) });
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [], mirror: { version: '3', percent: 100 } } });
    const [want1, want3] = await Promise.all([predict(pkgs.get('models:/m/1')!, ROWS), predict(pkgs.get('models:/m/3')!, ROWS)]);
    // One request per row, all mirrored before the turn ends.
    ROWS.forEach((row, i) => router.shadow('dep', [row], { version: '1', predictions: [want1[i]!], correlationId: `r${i}` }));
    await router.idle();
    expect(records.map((r) => r.correlationId)).toEqual(ROWS.map((_, i) => `r${i}`));
    records.forEach((r, i) => expect(r, `row ${i}`).toMatchObject({ rows: 1, agreedRows: want1[i]!.label === want3[i]!.label ? 1 : 0 }));
    // The batch's timing is shared by the requests that ran together.
    expect(new Set(records.map((r) => r.ms)).size).toBe(1);
  });

  it('the same package mirrored agrees on every row', async () => {
    const records: ShadowRecord[] = [];
    const { router } = newRouter({ onShadow: (r) => records.push(r) });
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [], mirror: { version: '4', percent: 100 } } });
    await serve(router, 3);
    expect(records).toHaveLength(3);
    for (const r of records) expect(r).toMatchObject({ outcome: 'agree', agreedRows: ROWS.length, agreement: 1 });
  });

  it('regression: |Δ| per row is |shadow − primary| of predict()', async () => {
    const records: ShadowRecord[] = [];
    const { router } = newRouter({ onShadow: (r) => records.push(r) });
    await router.apply({ name: 'dep', model: 'r', policy: { stable: '1', candidates: [], mirror: { version: '2', percent: 100 } } });
    await serve(router, 2);
    const [want1, want2] = await Promise.all([predict(pkgs.get('models:/r/1')!, ROWS), predict(pkgs.get('models:/r/2')!, ROWS)]);
    const deltas = want1.map((p, i) => Math.abs(Number(want2[i]!.prediction) - Number(p.prediction)));
    expect(Math.max(...deltas)).toBeGreaterThan(0.01);
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r).toMatchObject({ kind: 'regression', outcome: 'disagree' });
      r.absDeltas!.forEach((d, i) => expect(d).toBeCloseTo(deltas[i]!, 9));
      expect(r.maxAbsDelta).toBeCloseTo(Math.max(...deltas), 9);
      expect(r.meanAbsDelta).toBeCloseTo(deltas.reduce((a, b) => a + b, 0) / deltas.length, 9);
    }
  });

  /** Spies on how the router asks each leased version for shadow predictions; `hold` makes off-thread calls wait for `release`. */
  function spyLeases(pool: ModelPool, hold = false): { asked: string[]; release: () => void } {
    const asked: string[] = [];
    let open: () => void = () => undefined;
    let gate = hold ? new Promise<void>((resolve) => (open = resolve)) : Promise.resolve();
    const lease = pool.lease.bind(pool);
    pool.lease = (name, version) => {
      const l = lease(name, version);
      return {
        info: l.info, release: () => l.release(), predictNow: (rows) => (asked.push(`${name} now`), l.predictNow!(rows)),
        predict: (rows) => (asked.push(`${name} predict`), l.predict(rows)),
        predictOffThread: (rows) => (asked.push(`${name} off-thread ${rows.length}`), gate.then(() => l.predictOffThread!(rows))),
      };
    };
    return { asked, release: () => { open(); gate = Promise.resolve(); } };
  }

  it('every mirror predicts on its predictor thread, onnxruntime and tree models alike', async () => {
    const records: ShadowRecord[] = [];
    const { pool, router } = newRouter({ onShadow: (r) => records.push(r) });
    const { asked } = spyLeases(pool);
    await router.apply({ name: 'dep', model: 'r', policy: { stable: '1', candidates: [], mirror: { version: '2', percent: 100 } } });
    const want1 = await predict(pkgs.get('models:/r/1')!, ROWS);
    router.shadow('dep', ROWS, { version: '1', predictions: want1, correlationId: 'linear' });
    await router.idle();
    await router.apply({ name: 'dep', model: 'r', policy: { stable: '2', candidates: [], mirror: { version: '1', percent: 100 } } });
    router.shadow('dep', ROWS, { version: '2', predictions: await predict(pkgs.get('models:/r/2')!, ROWS), correlationId: 'trees' });
    await router.idle();
    expect(asked).toEqual([`${internalName('dep', '2')} off-thread ${ROWS.length}`, `${internalName('dep', '1')} off-thread ${ROWS.length}`]);
    expect(records.map((r) => [r.correlationId, r.outcome])).toEqual([['linear', 'disagree'], ['trees', 'disagree']]);
  });

  it('requests mirrored within the gathering time share one call', async () => {
    const records: ShadowRecord[] = [];
    const { pool, router } = newRouter({ onShadow: (r) => records.push(r), shadowGatherMs: 200 });
    const spy = spyLeases(pool);
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [], mirror: { version: '3', percent: 100 } } });
    const want1 = await predict(pkgs.get('models:/m/1')!, ROWS);
    // Three requests, each in its own turn, well within 200 ms.
    for (let i = 0; i < 3; i++) {
      router.shadow('dep', [ROWS[i]!], { version: '1', predictions: [want1[i]!], correlationId: `r${i}` });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await router.idle();
    expect(spy.asked).toEqual([`${internalName('dep', '3')} off-thread 3`]);
    expect(records.map((r) => r.correlationId)).toEqual(['r0', 'r1', 'r2']);
  });

  it('requests mirrored while the version\'s shadow call runs wait, then share the next call; each is compared with its own rows', async () => {
    const records: ShadowRecord[] = [];
    // Gathering only for the turn: each request below, in its own turn, would have its own call.
    const { pool, router } = newRouter({ onShadow: (r) => records.push(r), shadowGatherMs: 0 });
    const spy = spyLeases(pool, true);
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [], mirror: { version: '3', percent: 100 } } });
    const [want1, want3] = await Promise.all([predict(pkgs.get('models:/m/1')!, ROWS), predict(pkgs.get('models:/m/3')!, ROWS)]);
    const mirror = (i: number) => router.shadow('dep', [ROWS[i]!], { version: '1', predictions: [want1[i]!], correlationId: `r${i}` });
    mirror(0);
    await new Promise((resolve) => setImmediate(resolve));
    // The first call is held: the next five requests, each in its own turn, wait behind it.
    for (let i = 1; i <= 5; i++) {
      mirror(i);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const name = internalName('dep', '3');
    expect(spy.asked).toEqual([`${name} off-thread 1`]);
    spy.release();
    await router.idle();
    expect(spy.asked).toEqual([`${name} off-thread 1`, `${name} off-thread 5`]);
    expect(records.map((r) => r.correlationId)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `r${i}`));
    records.forEach((r, i) => expect(r, `row ${i}`).toMatchObject({ rows: 1, agreedRows: want1[i]!.label === want3[i]!.label ? 1 : 0 }));
  });

  it('beyond maxPendingShadows waiting, requests are not mirrored; the ones taken are all compared', async () => {
    const records: ShadowRecord[] = [];
    const { pool, router } = newRouter({ maxPendingShadows: 3, shadowGatherMs: 0, onShadow: (r) => records.push(r) });
    const spy = spyLeases(pool, true);
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [], mirror: { version: '4', percent: 100 } } });
    const want1 = await predict(pkgs.get('models:/m/1')!, ROWS);
    for (let i = 0; i < 6; i++) {
      router.shadow('dep', [ROWS[i]!], { version: '1', predictions: [want1[i]!], correlationId: `r${i}` });
      await new Promise((resolve) => setImmediate(resolve));
    }
    spy.release();
    await router.idle();
    expect(records.map((r) => [r.correlationId, r.outcome])).toEqual([['r0', 'agree'], ['r1', 'agree'], ['r2', 'agree']]);
    // Once they are compared, mirroring resumes.
    router.shadow('dep', [ROWS[6]!], { version: '1', predictions: [want1[6]!], correlationId: 'r6' });
    await router.idle();
    expect(records.map((r) => r.correlationId)).toContain('r6');
  });

  it('a mirror percent samples requests', async () => {
    const records: ShadowRecord[] = [];
    const { router } = newRouter({ random: prng(11), onShadow: (r) => records.push(r) });
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [], mirror: { version: '4', percent: 20 } } });
    const rows = ROWS.slice(0, 1);
    for (let i = 0; i < 500; i++) router.shadow('dep', rows, { version: '1', predictions: [{ label: 0 }], correlationId: String(i) });
    await router.idle();
    expect(Math.abs(records.length / 500 - 0.2)).toBeLessThan(0.06);
  });

  it('shadow failures (a mirror that cannot predict, a throwing listener) are error records, never the primary\'s failure', async () => {
    const records: ShadowRecord[] = [];
    const { router } = newRouter({ onShadow: () => { throw new Error('listener broke'); } });
    router.addShadowListener((r) => records.push(r));
    await router.apply({ name: 'dep', model: 'm', policy: { stable: '1', candidates: [], mirror: { version: '5', percent: 100 } } });
    const answered = await serve(router, 4);
    const want1 = await predict(pkgs.get('models:/m/1')!, ROWS);
    for (const a of answered) expect(a.predictions).toEqual(want1);
    expect(records).toHaveLength(4);
    for (const r of records) expect(r).toMatchObject({ outcome: 'error', shadowVersion: '5', error: expect.stringMatching(/delay/) });
  });
});
