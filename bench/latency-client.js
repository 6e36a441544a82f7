// Latency at a fixed request rate with sub-millisecond resolution (autocannon's histogram keeps
// whole milliseconds, too coarse for a 10% difference at a 1 ms p50). `latencyAtRate` runs this
// file in its own process: POSTs of one JSON body, paced in 1 ms ticks (open loop: a slow answer
// does not slow the schedule), over at most `connections` keep-alive connections; each request is
// timed from when it is sent (not when it was due: the timer's jitter, up to a tick, would swamp
// the figure) to its last response byte, so waiting for a free connection still counts.
// The first `warmup` seconds are not recorded. Prints one JSON line: percentiles and mean in ms.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** Spawns the client; resolves its figures, or throws if any request failed or answered non-2xx. */
export function latencyAtRate(url, { body, rate, duration, connections, warmup = 2 }) {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), url, String(rate), String(duration), String(connections), String(warmup)], {
    input: body, encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'],
  });
  const result = JSON.parse(out);
  if (result.failed > 0) throw new Error(`${url}: ${result.failed} of ${result.sent} requests failed or answered non-2xx at ${rate} req/s`);
  return result;
}

async function main([url, rate, duration, connections, warmup]) {
  const body = await readStdin();
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number(connections) });
  const recorded = [];
  let sent = 0;
  let failed = 0;
  let pending = 0;
  const start = performance.now();
  const recordFrom = start + Number(warmup) * 1000;
  const end = recordFrom + Number(duration) * 1000;
  const send = () => {
    const sentAt = performance.now();
    pending++;
    const request = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => {
        pending--;
        if (res.statusCode >= 300) failed++;
        else if (sentAt >= recordFrom) recorded.push(performance.now() - sentAt);
      });
    });
    request.on('error', () => { pending--; failed++; });
    request.end(body);
  };
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.floor(((Math.min(now, end) - start) / 1000) * Number(rate));
      for (; sent < due; sent++) send();
      if (now < end) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  while (pending > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  agent.destroy();
  recorded.sort((a, b) => a - b);
  const at = (q) => recorded[Math.min(recorded.length - 1, Math.floor(q * recorded.length))];
  const mean = recorded.reduce((s, x) => s + x, 0) / recorded.length;
  process.stdout.write(`${JSON.stringify({ sent, failed, recorded: recorded.length, rate: recorded.length / Number(duration), mean, p50: at(0.5), p90: at(0.9), p99: at(0.99) })}\n`);
}

async function readStdin() {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
