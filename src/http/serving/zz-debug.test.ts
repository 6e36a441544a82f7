import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { parseTrainerParams, readModelPackage, trainPackage } from '../../models/index.js';
import { ModelPool } from '../../serving/index.js';
import { ServingMetrics } from './serving-metrics.js';
import { buildServingServer } from './serving-server.js';

it('dbg', async () => {
  const dir = '/tmp/dbg';
  const lines = Array.from({ length: 300 }, (_, i) => `${i % 24},${i % 7},${100 + i * 7},${['A', 'B', 'C'][i % 3]},${(i * 7919) % 3 === 0 ? 1 : 0}`);
  writeFileSync(path.join(dir, 'd.csv'), `hour,weekday,distance,origin,late\n${lines.join('\n')}\n`);
  const t0 = performance.now();
  const log = (...a: unknown[]) => console.log((performance.now() - t0).toFixed(0), ...a);
  const { pkg } = await trainPackage({ data: path.join(dir, 'd.csv'), task: 'classification', target: 'late', params: parseTrainerParams({ algorithm: 'linear' }, 't'), name: 'x', outDir: path.join(dir, 'p' + Date.now()), lineage: {}, producerVersion: '0' });
  const pool = new ModelPool({ resolver: { resolve: async () => ({ pkg: await readModelPackage(pkg.dir), version: '2' }) } });
  await pool.add('flights', 'r');
  const app = await buildServingServer({ pool, version: 't', metrics: new ServingMetrics() });
  let arrived!: () => void;
  const inHandler = new Promise<void>((resolve) => (arrived = resolve));
  app.addHook('preHandler', async (req) => { if (req.url.includes('infer')) arrived(); });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const N = 200_000;
  const col = (f: (i: number) => unknown) => Array.from({ length: N }, (_, i) => f(i));
  const body = JSON.stringify({ inputs: [
    { name: 'hour', shape: [N], datatype: 'INT64', data: col((i) => i % 24) },
    { name: 'weekday', shape: [N], datatype: 'INT64', data: col((i) => i % 7) },
    { name: 'distance', shape: [N], datatype: 'INT64', data: col((i) => i % 3000) },
    { name: 'origin', shape: [N], datatype: 'BYTES', data: col((i) => ['A', 'B', 'C'][i % 3]) },
  ] });
  log('body', body.length);
  const big = fetch(`${url}/v2/models/flights/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await inHandler; log('arrived');
  const m = await fetch(`${url}/metrics`); log('metrics', m.status, (await m.text()).split('\n').filter((l) => l.includes('in_flight')));
  const closing = app.close().then(() => log('app closed'));
  const after = await fetch(`${url}/v2/health/live`).then((r) => r.status, (e) => e.cause?.code ?? String(e)); log('after', after);
  const r = await big;
  log('status', r.status, (await r.text()).length);
  await closing;
  const text = await r.text();
  log('len', text.length, text.slice(0, 200));
  await pool.close();
  log('closed');
});
