import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonitoringProfile } from '../../app-model-packages.js';
import { parseTrainerParams, predict, readModelPackage, trainPackage, type ModelPackage, type PredictionRow } from '../../models/index.js';
import type { PredictionRecord, PredictionSink } from '../../monitoring/index.js';
import { DeploymentRouter, ModelPool, type PackageResolver, type ShadowRecord, type TrafficPolicy } from '../../serving/index.js';
import { tempDir } from '../../test-support/cli.js';
import { ServingMetrics } from './serving-metrics.js';
import { buildServingServer } from './serving-server.js';
import { prng } from '../../test-support/prng.js';
import { oipTensors } from '../../test-support/oip.js';
import { flightRows, flightsCsv, ORIGINS, type Flight } from '../../test-support/flights.js';

/**
 * Deployments over real HTTP on loopback: a DeploymentRouter in buildServingServer, real packages
 * (trainPackage on generated data) behind models:/m/1 (boosted classifier), /2 (linear), /3 (the
 * inverted label: a known disagreement), models:/r/1 and /r/2 (regressions). Answers are checked
 * against predict() of the version the response names.
 */




const tmp = tempDir('paddock-deploy-routing-');
const pkgs = new Map<string, ModelPackage>();
const want = new Map<string, PredictionRow[]>();
const ROWS = flightRows(8, 99);
const resolver: PackageResolver = {
  async resolve(ref) {
    const pkg = pkgs.get(ref);
    if (!pkg) throw new Error(`no such ref ${ref}`);
    return { pkg: await readModelPackage(pkg.dir), version: ref.split('/').pop()! };
  },
};
const pools: ModelPool[] = [];
const apps: FastifyInstance[] = [];

/** A listening server whose router applies `policy` to deployment `dep` of `model`; `plain` is also served as a plain pool model. */
async function serve(model: string, policy: TrafficPolicy, options: { random?: () => number; onShadow?: (r: ShadowRecord) => void; predictionLog?: PredictionSink } = {}) {
  const { predictionLog, ...routing } = options;
  const pool = new ModelPool({ resolver });
  pools.push(pool);
  await pool.add('plain', 'models:/m/1');
  const router = new DeploymentRouter({ pool, refFor: (m, v) => `models:/${m}/${v}`, ...routing });
  await router.apply({ name: 'dep', model, policy });
  const metrics = new ServingMetrics();
  const app = await buildServingServer({ pool, router, metrics, version: '9.9.9-test', ...(predictionLog && { predictionLog }) });
  apps.push(app);
  return { url: await app.listen({ host: '127.0.0.1', port: 0 }), router, metrics };
}

const tensors = (rows: readonly Flight[]) => oipTensors(rows);

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: await res.json() as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON from the wire, checked by the assertions
}

/** One sample's value from the Prometheus text, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

const labelsOf = (body: { outputs: { name: string; data: number[] }[] }) => body.outputs.find((o) => o.name === 'label')!.data;

beforeAll(async () => {
  const data = path.join(tmp.dir, 'flights.csv');
  writeFileSync(data, flightsCsv(flightRows(300, 1), ['hour', 'weekday', 'distance', 'origin', 'late', 'early', 'delay']));
  const train = async (ref: string, task: 'classification' | 'regression', target: string, params: Record<string, unknown>) => {
    const outDir = path.join(tmp.dir, ref.replace(/[:/]/g, '_'));
    const { pkg } = await trainPackage({ data, task, target, features: ['hour', 'weekday', 'distance', 'origin'], params: parseTrainerParams(params, 'test'), name: 'm', outDir, lineage: {}, producerVersion: '0.0.0-test', buildMonitoringProfile });
    pkgs.set(ref, pkg);
    want.set(ref, await predict(pkg, ROWS));
  };
  await Promise.all([
    train('models:/m/1', 'classification', 'late', { algorithm: 'gbdt', n_estimators: 10, max_depth: 3 }),
    train('models:/m/2', 'classification', 'late', { algorithm: 'linear' }),
    train('models:/m/3', 'classification', 'early', { algorithm: 'gbdt', n_estimators: 10, max_depth: 3 }),
    train('models:/r/1', 'regression', 'delay', { algorithm: 'gbdt', n_estimators: 10, max_depth: 3 }),
    train('models:/r/2', 'regression', 'delay', { algorithm: 'linear' }),
  ]);
  // The versions must answer differently, or routing to the wrong one would go unseen.
  expect(want.get('models:/m/1')!.map((p) => p.probabilities)).not.toEqual(want.get('models:/m/2')!.map((p) => p.probabilities));
});

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const pool of pools) await pool.close();
  tmp.cleanup();
});

describe('canary over HTTP', () => {
  let url = '';
  let metrics: ServingMetrics;
  beforeAll(async () => {
    ({ url, metrics } = await serve('m', { stable: '1', candidates: [{ version: '2', weight: 20 }] }, { random: prng(5) }));
  });

  it('20% of requests go to the canary; x-paddock-variant and model_version name who answered, and the answer is that version\'s', async () => {
    const counts = { stable: 0, canary: 0 };
    for (let i = 0; i < 300; i++) {
      const res = await post(`${url}/v2/models/dep/infer`, { inputs: tensors(ROWS) });
      expect(res.status).toBe(200);
      const variant = res.headers.get('x-paddock-variant') as 'stable' | 'canary';
      expect(res.body.model_name).toBe('dep');
      expect(res.body.model_version).toBe(variant === 'canary' ? '2' : '1');
      expect(labelsOf(res.body)).toEqual(want.get(`models:/m/${res.body.model_version}`)!.map((p) => p.label));
      const probs = res.body.outputs.find((o: { name: string }) => o.name === 'probabilities').data as number[];
      want.get(`models:/m/${res.body.model_version}`)!.flatMap((p) => p.probabilities as number[]).forEach((v, j) => expect(Math.abs(v - probs[j]!)).toBeLessThan(1e-6));
      counts[variant]++;
    }
    expect(Math.abs(counts.canary / 300 - 0.2)).toBeLessThan(0.06);

    const text = await metrics.render();
    const requests = (variant: string, version: string) => sample(text, 'paddock_inference_requests_total', { model: 'dep', version, variant, protocol: 'v2', code: '200' });
    expect(requests('canary', '2')).toBe(counts.canary);
    expect(requests('stable', '1')).toBe(counts.stable);
    expect(sample(text, 'paddock_inference_request_duration_seconds_count', { model: 'dep', version: '2', variant: 'canary' })).toBe(counts.canary);
  });

  it('KServe V1 :predict and /invocations?model= are routed too; a plain pool model is not', async () => {
    const v1 = await post(`${url}/v1/models/dep:predict`, { instances: ROWS });
    expect(v1.status).toBe(200);
    expect(['stable', 'canary']).toContain(v1.headers.get('x-paddock-variant'));
    const version = v1.headers.get('x-paddock-variant') === 'canary' ? '2' : '1';
    expect(v1.body.predictions.map((p: { label: number }) => p.label)).toEqual(want.get(`models:/m/${version}`)!.map((p) => p.label));
    const mlflow = await post(`${url}/invocations?model=dep`, { dataframe_records: ROWS });
    expect(mlflow.status).toBe(200);
    expect(['stable', 'canary']).toContain(mlflow.headers.get('x-paddock-variant'));
    const plain = await post(`${url}/v2/models/plain/infer`, { inputs: tensors(ROWS) });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('x-paddock-variant')).toBeNull();
    expect(plain.body).toMatchObject({ model_name: 'plain', model_version: '1' });
    const text = await metrics.render();
    expect(sample(text, 'paddock_inference_requests_total', { model: 'plain', variant: 'default', code: '200' })).toBe(1);
    expect(sample(text, 'paddock_inference_requests_total', { model: 'dep', protocol: 'v1', code: '200' })).toBe(1);
  });

  it('a pinned version answers as that version; versions the policy does not route to are 404s', async () => {
    const pinned = await post(`${url}/v2/models/dep/versions/2/infer`, { inputs: tensors(ROWS) });
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get('x-paddock-variant')).toBe('canary');
    expect(pinned.body.model_version).toBe('2');
    const missing = await post(`${url}/v2/models/dep/versions/7/infer`, { inputs: tensors(ROWS) });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/deployment 'dep' does not route to version 7: it routes to 1, 2/);
  });

  it('the model list shows the deployment, not its internal pool names; its metadata lists the routed versions', async () => {
    const list = await (await fetch(`${url}/v2/models`)).json() as { models: { name: string }[] };
    expect(list.models.map((m) => m.name)).toEqual(['plain', 'dep']);
    const meta = await (await fetch(`${url}/v2/models/dep`)).json() as { name: string; versions: string[] };
    expect(meta).toMatchObject({ name: 'dep', versions: ['1', '2'] });
    expect((await fetch(`${url}/v2/models/dep/ready`)).status).toBe(200);
    expect((await fetch(`${url}/v2/models/dep/versions/9/ready`)).status).toBe(503);
  });
});

describe('sticky routing over HTTP', () => {
  it('one x-user always gets the same version', async () => {
    const { url } = await serve('m', { stable: '1', candidates: [{ version: '2', weight: 50 }], sticky: { header: 'x-user' } });
    const seen = new Map<string, Set<string>>();
    for (let round = 0; round < 3; round++) {
      for (let u = 0; u < 20; u++) {
        const res = await post(`${url}/v2/models/dep/infer`, { inputs: tensors(ROWS) }, { 'x-user': `user-${u}` });
        seen.set(`user-${u}`, (seen.get(`user-${u}`) ?? new Set()).add(res.body.model_version as string));
      }
    }
    for (const [user, versions] of seen) expect(versions.size, user).toBe(1);
    // 20 users at 50%: both versions are used (all on one side has probability 2^-19).
    expect(new Set([...seen.values()].flatMap((v) => [...v]))).toEqual(new Set(['1', '2']));
  });

  it('a sticky column routes by the first row\'s value, read before the version is chosen', async () => {
    const { url } = await serve('m', { stable: '1', candidates: [{ version: '2', weight: 50 }], sticky: { column: 'origin' } });
    const seen = new Map<string, Set<string>>();
    for (const origin of ORIGINS) {
      for (let i = 0; i < 4; i++) {
        const rows = ROWS.map((r, j) => (j === 0 ? { ...r, origin } : r));
        const res = await post(`${url}/v2/models/dep/infer`, { inputs: tensors(rows) });
        expect(res.status).toBe(200);
        expect(labelsOf(res.body)).toEqual((await predict(pkgs.get(`models:/m/${res.body.model_version}`)!, rows)).map((p) => p.label));
        seen.set(origin, (seen.get(origin) ?? new Set()).add(res.body.model_version as string));
      }
    }
    for (const [origin, versions] of seen) expect(versions.size, origin).toBe(1);
  });
});

describe('shadow over HTTP', () => {
  it('mirror 100% never changes the primary answer; every request is shadowed under its request id and counted as a disagreement', async () => {
    const records: ShadowRecord[] = [];
    const logged: PredictionRecord[] = [];
    const { url, router, metrics } = await serve('m', { stable: '1', candidates: [], mirror: { version: '3', percent: 100 } }, { onShadow: (r) => records.push(r), predictionLog: { record: (r) => logged.push(r) } });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await post(`${url}/v2/models/dep/infer`, { inputs: tensors(ROWS) }, { 'x-request-id': `trace-${i}` });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-paddock-variant')).toBe('stable');
      expect(res.body.model_version).toBe('1');
      expect(labelsOf(res.body)).toEqual(want.get('models:/m/1')!.map((p) => p.label));
      ids.push(`trace-${i}`);
    }
    await router.idle();
    expect(records.map((r) => r.correlationId).sort()).toEqual([...ids].sort());
    const agreed = want.get('models:/m/1')!.filter((p, i) => p.label === want.get('models:/m/3')![i]!.label).length;
    expect(agreed).toBeLessThan(ROWS.length);
    for (const r of records) expect(r).toMatchObject({ outcome: 'disagree', agreedRows: agreed, primaryVersion: '1', shadowVersion: '3' });
    // Both answers in the prediction log under the request's id: the primary's, then the shadow's.
    for (const id of ids) {
      const mine = logged.filter((r) => r.requestId === id);
      const primary = mine.filter((r) => r.variant === 'stable');
      const shadow = mine.filter((r) => r.variant === 'shadow');
      expect(primary.map((r) => [r.version, r.rowIndex, r.outputs.label])).toEqual(want.get('models:/m/1')!.map((p, i) => ['1', i, p.label]));
      expect(shadow.map((r) => [r.version, r.rowIndex, r.outputs.label])).toEqual(want.get('models:/m/3')!.map((p, i) => ['3', i, p.label]));
      // The inputs once, on the primary's rows.
      expect(primary.map((r) => r.inputs)).toEqual(ROWS.map((row) => expect.objectContaining({ origin: row.origin, distance: row.distance })));
      expect(shadow.map((r) => r.inputs)).toEqual(ROWS.map(() => ({})));
      expect(shadow.every((r) => r.deployment === 'dep' && r.model === 'm' && r.at >= primary[0]!.at)).toBe(true);
    }
    expect(logged).toHaveLength(2 * ids.length * ROWS.length);
    const text = await metrics.render();
    expect(sample(text, 'paddock_shadow_requests_total', { deployment: 'dep', outcome: 'disagree' })).toBe(10);
    expect(sample(text, 'paddock_shadow_requests_total', { deployment: 'dep', outcome: 'agree' })).toBe(0);
  });

  it('regression shadows feed the |Δ| histogram, one observation per row', async () => {
    const { url, router, metrics } = await serve('r', { stable: '1', candidates: [], mirror: { version: '2', percent: 100 } });
    for (let i = 0; i < 3; i++) expect((await post(`${url}/v2/models/dep/infer`, { inputs: tensors(ROWS) })).status).toBe(200);
    await router.idle();
    const text = await metrics.render();
    expect(sample(text, 'paddock_shadow_abs_delta_count', { deployment: 'dep' })).toBe(3 * ROWS.length);
    const deltas = want.get('models:/r/1')!.map((p, i) => Math.abs(Number(want.get('models:/r/2')![i]!.prediction) - Number(p.prediction)));
    expect(sample(text, 'paddock_shadow_abs_delta_sum', { deployment: 'dep' })).toBeCloseTo(3 * deltas.reduce((a, b) => a + b, 0), 3);
  });
});
