// Shadow traffic: what mirroring every request to a second version costs the primary. Two
// families, each a plain deployment and the same deployment mirroring 100% of its requests:
// - flights (the quickstart's model): version 1 a gbdt (the champion), 2 a gbdt retrained with
//   another seed (the challenger the quickstart's loop mirrors), 3 a logistic regression (an
//   onnxruntime model). Every mirror predicts on its version's predictor thread, in batches
//   gathered for 5 ms. `plain` serves 1; `shadowed` mirrors to 2; `shadowed-linear` to 3.
// - mlp: version 1 the 300k-parameter MLP, 2 a 1.1M-parameter MLP (a heavy candidate, about four
//   times the primary's work per row). `mlp-plain` serves 1; `mlp-mirrored` mirrors to 2.
// Each deployment has its own `paddock serve --deployment` process, loaded alone: first at full
// load (16 connections) for their throughput, then at 1,000 req/s (flights) and at half the plain
// server's throughput, in twelve rounds of 3 s, each round running every server once (the plain
// one first, then last in the next round). Each mirrored run's p50 is divided by the plain run's
// of its round, and the median of those ratios is judged: these machines' p50 moves by a quarter
// from one run to the next (with the machine, not the server), and a pair measured seconds apart
// shares most of that, where the best of five runs of each did not. Paced loads
// come from wrk with a think time per connection and the connections calibrated on the plain
// server (µs percentiles) where wrk is installed; else from bench/latency-client.js, which cannot
// pace more than about 3,000 req/s here (the half-load rate is then capped, and says so). The
// mirrored servers' /metrics must show a shadow comparison for (nearly) every request.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tensorBody, writeMlpPackage } from './batching.js';
import { calibrateWrkConnections, fmtCount as fmt, hasWrk, inferOnce, loadTest, wrkLatencyAtRate } from './http-load.js';
import { latencyAtRate } from './latency-client.js';
import { ROOT, initProject, median, paddock, removeDir, row, tempDir } from './lib.js';
import { mlpOnnx } from './mlp-model.js';
import { BODY, startPaddock, trainFlights, writeTrainingData } from './serve.js';

const SMALL = Boolean(process.env.PADDOCK_BENCH_SMALL);
const DURATION = SMALL ? 5 : 10;
/** Paced rounds per server and load, and their length. */
const ROUNDS = SMALL ? 1 : 12;
const ROUND_SECONDS = SMALL ? 5 : 3;
const CONNECTIONS = 16;
/** A light fixed load; the other is half the plain server's measured throughput. */
const LIGHT_RATE = 1000;
/** What bench/latency-client.js paces faithfully on these machines (see bench/serve.js). */
const CLIENT_CAP = 3000;
/** Mirrored requests that must be compared (shadows are skipped only past 256 waiting). */
const MIN_MIRRORED = 0.99;

export async function shadow() {
  const dir = tempDir('shadow');
  const procs = [];
  try {
    initProject(dir);
    await registerFlights(dir);
    await registerMlps(dir);
    const flights = await measureFamily(procs, dir, { plain: 'plain', mirrored: ['shadowed', 'shadowed-linear'], body: BODY, light: true });
    const mlp = await measureFamily(procs, dir, { plain: 'mlp-plain', mirrored: ['mlp-mirrored'], body: tensorBody(), light: false });
    return [
      ...flights.latencyRows('shadowed', 'deployment mirroring 100% to a retrained gbdt'),
      ...flights.latencyRows('shadowed-linear', 'deployment mirroring 100% to a logistic regression (onnxruntime)'),
      ...mlp.latencyRows('mlp-mirrored', 'deployment serving the 300k-param MLP, mirroring 100% to a 1.1M-param MLP'),
      flights.mirroredRow('shadowed', 'gbdt'),
      flights.mirroredRow('shadowed-linear', 'linear'),
      mlp.mirroredRow('mlp-mirrored', '1.1M MLP'),
      flights.throughputRow('shadowed', '  max throughput with 100% mirrored to the gbdt, 16 connections'),
      flights.throughputRow('shadowed-linear', '  same, mirrored to the logistic regression'),
      mlp.throughputRow('mlp-mirrored', '  same, the 300k MLP mirrored to the 1.1M MLP'),
    ];
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    removeDir(dir);
  }
}

/** Registers three flights versions and its deployments (see the file comment). */
async function registerFlights(dir) {
  await writeTrainingData(dir);
  trainFlights(dir, 'v1');
  paddock(dir, ['train', '--task', 'classification', '--target', 'late', '--data', 'train.parquet', '--algorithm', 'gbdt', '--seed', '11', '--name', 'flights', '-o', 'v2', '--no-track', '-q']);
  trainFlights(dir, 'v3', 'linear');
  for (const v of ['v1', 'v2', 'v3']) paddock(dir, ['models', 'register', v, '--name', 'flights', '-q']);
  paddock(dir, ['deploy', 'create', 'plain', '--model', 'flights', '--stable', '1', '-q']);
  paddock(dir, ['deploy', 'create', 'shadowed', '--model', 'flights', '--stable', '1', '--mirror', '2=100', '-q']);
  paddock(dir, ['deploy', 'create', 'shadowed-linear', '--model', 'flights', '--stable', '1', '--mirror', '3=100', '-q']);
}

/** Registers the 300k and 1.1M MLPs as two versions of one model, and its deployments. */
async function registerMlps(dir) {
  await writeMlpPackage(path.join(dir, 'mlp-300k'), readFileSync(path.join(ROOT, 'test/fixtures/models/mlp-300k.onnx')));
  await writeMlpPackage(path.join(dir, 'mlp-1024'), mlpOnnx([64, 1024, 1024, 2]));
  for (const v of ['mlp-300k', 'mlp-1024']) paddock(dir, ['models', 'register', v, '--name', 'mlp', '-q']);
  paddock(dir, ['deploy', 'create', 'mlp-plain', '--model', 'mlp', '--stable', '1', '-q']);
  paddock(dir, ['deploy', 'create', 'mlp-mirrored', '--model', 'mlp', '--stable', '1', '--mirror', '2=100', '-q']);
}

/**
 * Serves a plain deployment and its mirrored twins, measures them (see the file comment) and
 * returns their rows' makers. Throws if a mirrored server compared fewer than MIN_MIRRORED of its
 * requests.
 */
async function measureFamily(procs, dir, { plain, mirrored, body, light }) {
  const servers = {};
  for (const name of [plain, ...mirrored]) {
    const url = await startPaddock(procs, dir, ['--deployment', name]);
    servers[name] = { url, infer: `${url}/v2/models/${name}/infer` };
    // The first mirrored request also opens an onnxruntime mirror's predictor thread.
    inferOnce(servers[name].infer, body);
  }
  await sleep(1000);
  const full = Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, loadTest(s.infer, { body, connections: CONNECTIONS, duration: DURATION })]));
  const paced = hasWrk();
  const half = Math.floor(full[plain].rps / 2);
  const halfRate = paced ? half : Math.min(half, CLIENT_CAP);
  const loads = [
    ...(light ? [{ rate: LIGHT_RATE, name: `${fmt(LIGHT_RATE)} req/s` }] : []),
    { rate: halfRate, name: halfRate === half ? `${fmt(half)} req/s (half the plain server's max)` : `${fmt(halfRate)} req/s (the client's cap; half the plain server's max is ${fmt(half)})` },
  ];
  const rates = loads.map((l) => l.rate);
  // The same connections and think time for every server at a rate, calibrated on the plain one.
  const connections = rates.map((rate) => (paced ? calibrateWrkConnections(servers[plain].infer, { body, rate }) : CONNECTIONS));
  const atRate = (url, i) => (paced
    ? wrkLatencyAtRate(url, { body, rate: rates[i], duration: ROUND_SECONDS, connections: connections[i] })
    : latencyAtRate(url, { body, rate: rates[i], duration: ROUND_SECONDS, connections: CONNECTIONS }));
  // Per load and server, each round's run; a round runs the plain server first, the next last.
  const runs = rates.map(() => Object.fromEntries([plain, ...mirrored].map((name) => [name, []])));
  const counted = Object.fromEntries(mirrored.map((name) => [name, counts()]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [plain, ...mirrored] : [...mirrored].reverse().concat(plain);
    for (const i of rates.keys()) {
      for (const name of order) {
        if (name === plain) {
          runs[i][name].push(atRate(servers[name].infer, i));
          continue;
        }
        const before = await shadowCounts(servers[name].url, name);
        runs[i][name].push(atRate(servers[name].infer, i));
        await sleep(500); // shadows run after the answer: let the last ones finish
        const after = await shadowCounts(servers[name].url, name);
        for (const k of Object.keys(after)) counted[name][k] += after[k] - before[k];
      }
    }
  }
  for (const [name, m] of Object.entries(counted)) {
    const share = m.compared / m.requests;
    if (!(share >= MIN_MIRRORED)) throw new Error(`${name}: only ${m.compared} of ${m.requests} requests were mirrored and compared (${(share * 100).toFixed(1)}%, ${m.error} shadow errors); expected ≥ ${MIN_MIRRORED * 100}%`);
  }
  const ms = (r) => `p50 ${r.p50.toFixed(3)} ms (mean ${r.mean.toFixed(3)}, p99 ${r.p99.toFixed(2)} ms${r.rps ? `; ${fmt(r.rps)} req/s reached` : ''})`;
  const how = (i) => (paced ? `wrk, ${connections[i]} connections with a 2 ms think time` : `${CONNECTIONS} connections, bench/latency-client.js`);
  // Judged by the median of the rounds' ratios, each mirrored run against the plain run of its
  // own round: the p50 here moves by a quarter from one run to the next, mostly with the machine,
  // and a pair measured a few seconds apart shares most of that.
  const latencyRow = (label, i, name) => {
    const ratios = runs[i][name].map((r, k) => r.p50 / runs[i][plain][k].p50);
    const ratio = median(ratios);
    const p50s = (runs) => `${ms(medianRun(runs))}; least p50 ${Math.min(...runs.map((r) => r.p50)).toFixed(3)} ms`;
    return row(label, p50s(runs[i][name]), p50s(runs[i][plain]), `same deployment without mirror, same load; median of ${ROUNDS} rounds' ratios (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`, '≤ 1.10×', `${ratio.toFixed(2)}×`, ratio <= 1.1);
  };
  return {
    latencyRows: (name, label) => loads.map((l, i) => latencyRow(i === 0 ? `p50 latency, ${label}, ${l.name} (${how(i)})` : `  same at ${l.name} (${how(i)})`, i, name)),
    mirroredRow: (name, label) => {
      const m = counted[name];
      const share = m.compared / m.requests;
      return row(`  requests mirrored and compared during those runs (${label})`, `${fmt(m.compared)} of ${fmt(m.requests)} (${(share * 100).toFixed(1)}%; ${((m.agree / m.compared) * 100).toFixed(0)}% agree)`, '100%', 'mirror percent', `≥ ${MIN_MIRRORED * 100}%`, `${(share * 100).toFixed(1)}%`, true);
    },
    throughputRow: (name, label) => row(label, `${fmt(full[name].rps)} req/s (p99 ${full[name].p99} ms)`, `${fmt(full[plain].rps)} req/s (p99 ${full[plain].p99} ms)`, 'same deployment without mirror', 'report', `${(full[name].rps / full[plain].rps).toFixed(2)}×`, null),
  };
}

const counts = () => ({ requests: 0, compared: 0, agree: 0, error: 0 });

/** The run whose p50 is the median one (the lower middle for an even count). */
function medianRun(runs) {
  return [...runs].sort((a, b) => a.p50 - b.p50)[(runs.length - 1) >> 1];
}

/** A mirrored deployment's counters in /metrics: answered requests, and shadow comparisons by outcome. */
async function shadowCounts(url, deployment) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (pattern) => [...text.matchAll(pattern)].reduce((s, m) => s + Number(m[1]), 0);
  const requests = sum(new RegExp(`^paddock_inference_requests_total\\{model="${deployment}",[^}]*code="200"\\} (\\S+)$`, 'gm'));
  const outcome = (o) => sum(new RegExp(`^paddock_shadow_requests_total\\{deployment="${deployment}",outcome="${o}"\\} (\\S+)$`, 'gm'));
  const agree = outcome('agree');
  const error = outcome('error');
  return { requests, compared: agree + outcome('disagree'), agree, error };
}
