// Shadow traffic: what mirroring every request to a second version costs the primary. A
// registered flights model has two versions (1: gbdt, 2: logistic regression, same signature);
// deployment `plain` serves version 1, deployment `shadowed` serves version 1 and mirrors 100% of
// requests to version 2. Each is served by its own `paddock serve --deployment` process, side by
// side, loaded alone: first by autocannon at full load (16 connections) for their throughput, then
// at 1,000 req/s and at half the plain server's throughput by our own client
// (bench/latency-client.js: sub-ms latency), in alternating rounds; the best p50 of each is compared. The shadowed server's
// /metrics must show a shadow comparison for (nearly) every request of its latency runs.
import { setTimeout as sleep } from 'node:timers/promises';
import { fmtCount as fmt, inferOnce, loadTest } from './http-load.js';
import { latencyAtRate } from './latency-client.js';
import { initProject, paddock, removeDir, row, tempDir } from './lib.js';
import { BODY, startPaddock, trainFlights, writeTrainingData } from './serve.js';

const SMALL = Boolean(process.env.PADDOCK_BENCH_SMALL);
const DURATION = SMALL ? 5 : 10;
const ROUNDS = SMALL ? 1 : 3;
const CONNECTIONS = 16;
/** A light fixed load; the other is half the plain server's measured throughput. */
const LIGHT_RATE = 1000;
/** Mirrored requests that must be compared (shadows are skipped only past 256 running at once). */
const MIN_MIRRORED = 0.99;

export async function shadow() {
  const dir = tempDir('shadow');
  const procs = [];
  try {
    initProject(dir);
    await writeTrainingData(dir);
    trainFlights(dir, 'v1');
    trainFlights(dir, 'v2', 'linear');
    for (const v of ['v1', 'v2']) paddock(dir, ['models', 'register', v, '--name', 'flights', '-q']);
    paddock(dir, ['deploy', 'create', 'plain', '--model', 'flights', '--stable', '1', '-q']);
    paddock(dir, ['deploy', 'create', 'shadowed', '--model', 'flights', '--stable', '1', '--mirror', '2=100', '-q']);
    const plainUrl = await startPaddock(procs, dir, ['--deployment', 'plain']);
    const shadowUrl = await startPaddock(procs, dir, ['--deployment', 'shadowed']);
    const plain = `${plainUrl}/v2/models/plain/infer`;
    const shadowed = `${shadowUrl}/v2/models/shadowed/infer`;
    inferOnce(plain, BODY);
    inferOnce(shadowed, BODY);
    const full = { plain: load(plain), shadowed: load(shadowed) };
    const rates = [LIGHT_RATE, Math.floor(full.plain.rps / 2)];
    const best = rates.map(() => ({ plain: undefined, shadowed: undefined }));
    const mirrored = { requests: 0, compared: 0, agree: 0, error: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, rate] of rates.entries()) {
        best[i].plain = better(best[i].plain, latencyAtRate(plain, { body: BODY, rate, duration: DURATION, connections: CONNECTIONS }));
        const before = await shadowCounts(shadowUrl);
        best[i].shadowed = better(best[i].shadowed, latencyAtRate(shadowed, { body: BODY, rate, duration: DURATION, connections: CONNECTIONS }));
        await sleep(500); // shadows run after the answer: let the last ones finish
        const after = await shadowCounts(shadowUrl);
        for (const k of Object.keys(mirrored)) mirrored[k] += after[k] - before[k];
      }
    }
    const share = mirrored.compared / mirrored.requests;
    if (!(share >= MIN_MIRRORED)) throw new Error(`shadowed deployment: only ${mirrored.compared} of ${mirrored.requests} requests were mirrored and compared (${(share * 100).toFixed(1)}%, ${mirrored.error} shadow errors); expected ≥ ${MIN_MIRRORED * 100}%`);
    const ms = (r) => `p50 ${r.p50.toFixed(3)} ms (mean ${r.mean.toFixed(3)}, p99 ${r.p99.toFixed(2)} ms)`;
    const latencyRow = (name, { plain: a, shadowed: b }) => {
      const ratio = b.p50 / a.p50;
      return row(name, ms(b), ms(a), `same deployment without mirror, same load; best of ${ROUNDS}`, '≤ 1.10×', `${ratio.toFixed(2)}×`, ratio <= 1.1);
    };
    return [
      latencyRow(`p50 latency, deployment mirroring 100% to a shadow version, ${fmt(rates[0])} req/s, ${CONNECTIONS} connections`, best[0]),
      latencyRow(`  same at ${fmt(rates[1])} req/s (half the plain server's max)`, best[1]),
      row('  requests mirrored and compared during those runs', `${fmt(mirrored.compared)} of ${fmt(mirrored.requests)} (${(share * 100).toFixed(1)}%; ${((mirrored.agree / mirrored.compared) * 100).toFixed(0)}% agree)`, '100%', 'mirror percent', `≥ ${MIN_MIRRORED * 100}%`, `${(share * 100).toFixed(1)}%`, true),
      row('  max throughput with 100% mirrored, 16 connections', `${fmt(full.shadowed.rps)} req/s (p99 ${full.shadowed.p99} ms)`, `${fmt(full.plain.rps)} req/s (p99 ${full.plain.p99} ms)`, 'same deployment without mirror', 'report', `${(full.shadowed.rps / full.plain.rps).toFixed(2)}×`, null),
    ];
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    removeDir(dir);
  }
}

/** The run with the lower p50 (the least disturbed by other work on the machine). */
function better(a, b) {
  return a === undefined || b.p50 < a.p50 ? b : a;
}

/** The shadowed deployment's counters in /metrics: answered requests, and shadow comparisons by outcome. */
async function shadowCounts(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (pattern) => [...text.matchAll(pattern)].reduce((s, m) => s + Number(m[1]), 0);
  const requests = sum(/^paddock_inference_requests_total\{model="shadowed",[^}]*code="200"\} (\S+)$/gm);
  const outcome = (o) => sum(new RegExp(`^paddock_shadow_requests_total\\{deployment="shadowed",outcome="${o}"\\} (\\S+)$`, 'gm'));
  const agree = outcome('agree');
  const error = outcome('error');
  return { requests, compared: agree + outcome('disagree'), agree, error };
}

function load(url) {
  return loadTest(url, { body: BODY, connections: CONNECTIONS, duration: DURATION });
}
