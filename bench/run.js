// `npm run bench`: every benchmark, each beside a reference measured in the same run.
// Select some with `npm run bench -- add-large status` (names below). Sizes can be reduced for
// a quick look with PADDOCK_BENCH_SMALL=1 (the table then says so).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addLarge } from './add-large.js';
import { addMany } from './add-many.js';
import { reproNoop } from './repro-noop.js';
import { pushS3 } from './push-s3.js';
import { httpLogMetric } from './http-log-metric.js';
import { trackingIngest } from './tracking-ingest.js';
import { validate } from './validate.js';
import { train } from './train.js';
import { serve } from './serve.js';
import { batching } from './batching.js';
import { pythonBaseline } from './python-baseline.js';
import { serveInstructions } from './serve-instructions.js';
import { shadow } from './shadow.js';
import { drift } from './drift.js';
import { profiles } from './profiles.js';
import { predictionLog } from './prediction-log.js';
import { ui } from './ui.js';
import { ROOT, table } from './lib.js';

const BENCHMARKS = { 'add-large': addLarge, 'add-many': addMany, 'repro-noop': reproNoop, 'push-s3': pushS3, 'tracking-ingest': trackingIngest, 'http-log-metric': httpLogMetric, validate, train, serve, 'serve-instructions': serveInstructions, batching, 'python-baseline': pythonBaseline, shadow, drift, profiles, 'prediction-log': predictionLog, ui };

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(BENCHMARKS);
const rows = [];
for (const name of names) {
  const bench = BENCHMARKS[name];
  if (!bench) throw new Error(`unknown benchmark '${name}' (known: ${Object.keys(BENCHMARKS).join(', ')})`);
  process.stderr.write(`running ${name}…\n`);
  for (const r of await bench()) {
    rows.push(r);
    process.stderr.write(`  ${r.name}: ${r.ours} vs ${r.reference} (${r.referenceName}) → ${r.ratio}\n`);
  }
}
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
const text = `${table(rows)}\n\nMeasured ${new Date().toISOString()} on ${machine}${process.env.PADDOCK_BENCH_SMALL ? ' (PADDOCK_BENCH_SMALL: reduced sizes)' : ''}.\n`;
process.stdout.write(`\n${text}`);
writeFileSync(path.join(ROOT, 'bench/last-run.md'), text);
