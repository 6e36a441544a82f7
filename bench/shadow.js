// Shadow traffic: what mirroring every request to a second version costs the primary. A
// registered flights model has three versions with the same signature: 1 gbdt (the champion), 2 a
// gbdt retrained with another seed (the challenger the quickstart's loop mirrors) and 3 a logistic
// regression (a different runtime path: onnxruntime, where single rows of trees run on the
// JavaScript evaluator). Deployment `plain` serves version 1; `shadowed` serves 1 and mirrors 100%
// to 2; `shadowed-linear` mirrors 100% to 3. Each is served by its own `paddock serve --deployment`
// process, loaded alone: first at full load (16 connections) for their throughput, then at 1,000
// req/s and at half the plain server's throughput, in alternating rounds, and the best p50 of each
// is compared. Paced loads come from wrk with a think time per connection and the connections
// calibrated on the plain server (µs percentiles) where wrk is installed; else from
// bench/latency-client.js, which cannot pace more than about 3,000 req/s here (the half-load rate
// is then capped, and says so). The shadowed servers' /metrics must show a shadow comparison for
// (nearly) every request of their latency runs.
import { setTimeout as sleep } from 'node:timers/promises';
import { calibrateWrkConnections, fmtCount as fmt, hasWrk, inferOnce, loadTest, wrkLatencyAtRate } from './http-load.js';
import { latencyAtRate } from './latency-client.js';
import { initProject, paddock, removeDir, row, tempDir } from './lib.js';
import { BODY, startPaddock, trainFlights, writeTrainingData } from './serve.js';

const SMALL = Boolean(process.env.PADDOCK_BENCH_SMALL);
const DURATION = SMALL ? 5 : 10;
const ROUNDS = SMALL ? 1 : 3;
const CONNECTIONS = 16;
/** A light fixed load; the other is half the plain server's measured throughput. */
const LIGHT_RATE = 1000;
/** What bench/latency-client.js paces faithfully on these machines (see bench/serve.js). */
const CLIENT_CAP = 3000;
/** Mirrored requests that must be compared (shadows are skipped only past 256 running at once). */
const MIN_MIRRORED = 0.99;

export async function shadow() {
  const dir = tempDir('shadow');
  const procs = [];
  try {
    initProject(dir);
    await writeTrainingData(dir);
    trainFlights(dir, 'v1');
    paddock(dir, ['train', '--task', 'classification', '--target', 'late', '--data', 'train.parquet', '--algorithm', 'gbdt', '--seed', '11', '--name', 'flights', '-o', 'v2', '--no-track', '-q']);
    trainFlights(dir, 'v3', 'linear');
    for (const v of ['v1', 'v2', 'v3']) paddock(dir, ['models', 'register', v, '--name', 'flights', '-q']);
    paddock(dir, ['deploy', 'create', 'plain', '--model', 'flights', '--stable', '1', '-q']);
    paddock(dir, ['deploy', 'create', 'shadowed', '--model', 'flights', '--stable', '1', '--mirror', '2=100', '-q']);
    paddock(dir, ['deploy', 'create', 'shadowed-linear', '--model', 'flights', '--stable', '1', '--mirror', '3=100', '-q']);
    const servers = {};
    for (const name of ['plain', 'shadowed', 'shadowed-linear']) {
      const url = await startPaddock(procs, dir, ['--deployment', name]);
      servers[name] = { url, infer: `${url}/v2/models/${name}/infer` };
      inferOnce(servers[name].infer, BODY);
    }
    const full = Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, load(s.infer)]));
    const paced = hasWrk();
    const half = Math.floor(full.plain.rps / 2);
    const rates = [LIGHT_RATE, paced ? half : Math.min(half, CLIENT_CAP)];
    // The same connections and think time for every server at a rate, calibrated on the plain one.
    const connections = rates.map((rate) => (paced ? calibrateWrkConnections(servers.plain.infer, { body: BODY, rate }) : CONNECTIONS));
    const atRate = (url, i) => (paced
      ? wrkLatencyAtRate(url, { body: BODY, rate: rates[i], duration: DURATION, connections: connections[i] })
      : latencyAtRate(url, { body: BODY, rate: rates[i], duration: DURATION, connections: CONNECTIONS }));
    const best = rates.map(() => ({}));
    const mirrored = { shadowed: counts(), 'shadowed-linear': counts() };
    for (let round = 0; round < ROUNDS; round++) {
      for (const i of rates.keys()) {
        best[i].plain = better(best[i].plain, atRate(servers.plain.infer, i));
        for (const name of ['shadowed', 'shadowed-linear']) {
          const before = await shadowCounts(servers[name].url, name);
          best[i][name] = better(best[i][name], atRate(servers[name].infer, i));
          await sleep(500); // shadows run after the answer: let the last ones finish
          const after = await shadowCounts(servers[name].url, name);
          for (const k of Object.keys(after)) mirrored[name][k] += after[k] - before[k];
        }
      }
    }
    for (const [name, m] of Object.entries(mirrored)) {
      const share = m.compared / m.requests;
      if (!(share >= MIN_MIRRORED)) throw new Error(`${name}: only ${m.compared} of ${m.requests} requests were mirrored and compared (${(share * 100).toFixed(1)}%, ${m.error} shadow errors); expected ≥ ${MIN_MIRRORED * 100}%`);
    }
    const ms = (r) => `p50 ${r.p50.toFixed(3)} ms (mean ${r.mean.toFixed(3)}, p99 ${r.p99.toFixed(2)} ms${r.rps ? `; ${fmt(r.rps)} req/s reached` : ''})`;
    const how = (i) => (paced ? `wrk, ${connections[i]} connections with a 2 ms think time` : `${CONNECTIONS} connections, bench/latency-client.js`);
    const latencyRow = (name, a, b) => {
      const ratio = b.p50 / a.p50;
      return row(name, ms(b), ms(a), `same deployment without mirror, same load; best of ${ROUNDS}`, '≤ 1.10×', `${ratio.toFixed(2)}×`, ratio <= 1.1);
    };
    const halfName = rates[1] === half ? "half the plain server's max" : `the client's cap; half the plain server's max is ${fmt(half)}`;
    const mirroredRow = (name, label) => {
      const m = mirrored[name];
      const share = m.compared / m.requests;
      return row(`  requests mirrored and compared during those runs (${label})`, `${fmt(m.compared)} of ${fmt(m.requests)} (${(share * 100).toFixed(1)}%; ${((m.agree / m.compared) * 100).toFixed(0)}% agree)`, '100%', 'mirror percent', `≥ ${MIN_MIRRORED * 100}%`, `${(share * 100).toFixed(1)}%`, true);
    };
    return [
      latencyRow(`p50 latency, deployment mirroring 100% to a retrained gbdt, ${fmt(rates[0])} req/s (${how(0)})`, best[0].plain, best[0].shadowed),
      latencyRow(`  same at ${fmt(rates[1])} req/s (${halfName}; ${how(1)})`, best[1].plain, best[1].shadowed),
      latencyRow(`  mirroring to a logistic regression (onnxruntime), ${fmt(rates[0])} req/s`, best[0].plain, best[0]['shadowed-linear']),
      latencyRow(`  same at ${fmt(rates[1])} req/s`, best[1].plain, best[1]['shadowed-linear']),
      mirroredRow('shadowed', 'gbdt'),
      mirroredRow('shadowed-linear', 'linear'),
      row('  max throughput with 100% mirrored to the gbdt, 16 connections', `${fmt(full.shadowed.rps)} req/s (p99 ${full.shadowed.p99} ms)`, `${fmt(full.plain.rps)} req/s (p99 ${full.plain.p99} ms)`, 'same deployment without mirror', 'report', `${(full.shadowed.rps / full.plain.rps).toFixed(2)}×`, null),
      row('  same, mirrored to the logistic regression', `${fmt(full['shadowed-linear'].rps)} req/s (p99 ${full['shadowed-linear'].p99} ms)`, `${fmt(full.plain.rps)} req/s`, 'same deployment without mirror', 'report', `${(full['shadowed-linear'].rps / full.plain.rps).toFixed(2)}×`, null),
    ];
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    removeDir(dir);
  }
}

const counts = () => ({ requests: 0, compared: 0, agree: 0, error: 0 });

/** The run with the lower p50 (the least disturbed by other work on the machine). */
function better(a, b) {
  return a === undefined || b.p50 < a.p50 ? b : a;
}

/** The shadowed deployment's counters in /metrics: answered requests, and shadow comparisons by outcome. */
async function shadowCounts(url, deployment) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (pattern) => [...text.matchAll(pattern)].reduce((s, m) => s + Number(m[1]), 0);
  const requests = sum(new RegExp(`^paddock_inference_requests_total\\{model="${deployment}",[^}]*code="200"\\} (\\S+)$`, 'gm'));
  const outcome = (o) => sum(new RegExp(`^paddock_shadow_requests_total\\{deployment="${deployment}",outcome="${o}"\\} (\\S+)$`, 'gm'));
  const agree = outcome('agree');
  const error = outcome('error');
  return { requests, compared: agree + outcome('disagree'), agree, error };
}

function load(url) {
  return loadTest(url, { body: BODY, connections: CONNECTIONS, duration: DURATION });
}
