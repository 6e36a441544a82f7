// Serving beside what a team would otherwise write: the same flights data and features (hour,
// weekday, distance, origin one-hot) in a logistic regression, served by `paddock serve` (one
// process, then --workers 2) and by a scikit-learn Pipeline behind Flask + gunicorn (2 sync
// workers) and FastAPI + uvicorn (2 workers under gunicorn). Each server runs in its own process
// and is loaded alone by the same autocannon as bench/serve.js (16 connections, single-row Open
// Inference requests). Python's rows are skipped, saying why, where Debian's python3-flask,
// python3-sklearn, gunicorn (or python3-fastapi, python3-uvicorn) are missing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fmtCount as fmt, inferOnce, loadTest, startServer } from './http-load.js';
import { ROOT, initProject, removeDir, row, tempDir } from './lib.js';
import { BODY, startPaddock, trainFlights, writeTrainingData } from './serve.js';

const DURATION = process.env.PADDOCK_BENCH_SMALL ? 5 : 15;
/** Debian's interpreter, where python3-sklearn and python3-flask install (not a pyenv python3 on PATH). */
const PYTHON = '/usr/bin/python3';
const GUNICORN = '/usr/bin/gunicorn';
const APPS = path.join(ROOT, 'bench/python');

/** The two Python stacks: how gunicorn runs each, and the modules it needs. */
const STACKS = [
  // Sync workers answer `Connection: close` to every request: autocannon's resulting errors are counted, not fatal.
  { key: 'flask', label: 'Flask + gunicorn, 2 sync workers', closesConnections: true, modules: ['flask', 'sklearn', 'numpy'], packages: 'python3-flask, python3-sklearn, gunicorn', args: ['serve_sklearn:app'] },
  { key: 'fastapi', label: 'FastAPI + uvicorn, 2 workers', modules: ['fastapi', 'uvicorn', 'sklearn', 'numpy'], packages: 'python3-fastapi, python3-uvicorn, python3-sklearn, gunicorn', args: ['-k', 'uvicorn.workers.UvicornWorker', 'serve_fastapi:app'] },
];

export async function pythonBaseline() {
  const dir = tempDir('python-baseline');
  const procs = [];
  try {
    initProject(dir);
    await writeTrainingData(dir, { csv: true });
    trainFlights(dir, 'model', 'linear');
    const one = await loadPaddock(procs, dir, ['model']);
    const two = await loadPaddock(procs, dir, ['model', '--workers', '2']);
    const python = await loadPython(procs, dir);
    const name = (label) => `single-row /v2 infer, logistic regression, 16 connections: ${label}`;
    const paddockFigure = (r) => `${fmt(r.rps)} req/s (p99 ${r.p99} ms)`;
    const rows = [];
    for (const stack of STACKS) {
      const ref = python[stack.key];
      if (ref.skipped) {
        rows.push(row(name(`Paddock vs ${stack.label}`), paddockFigure(two), `skipped: ${ref.skipped}`, stack.label, 'report', '–', null));
        continue;
      }
      const against = [['`paddock serve`', one], ['`paddock serve --workers 2`', two]];
      for (const [label, ours] of stack.key === 'flask' ? against : against.slice(1)) {
        const resets = ref.errors > 0 ? `; ${fmt(ref.errors)} autocannon connection errors in ${DURATION} s: sync workers close each connection` : '';
        rows.push(row(name(label), paddockFigure(ours), `${fmt(ref.rps)} req/s (p99 ${ref.p99} ms${resets})`, `scikit-learn Pipeline behind ${stack.label}, same load`, 'report', `${(ours.rps / ref.rps).toFixed(2)}×`, null));
      }
    }
    return rows;
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    removeDir(dir);
  }
}

async function loadPaddock(procs, dir, args) {
  const target = `${await startPaddock(procs, dir, args)}/v2/models/flights/infer`;
  inferOnce(target, BODY);
  return load(target);
}

/** Per stack: its load figures, or `{ skipped: reason }`. The model is fitted once, before either app starts. */
async function loadPython(procs, dir) {
  const out = {};
  let pickle;
  for (const stack of STACKS) {
    const missing = missingFor(stack);
    if (missing) {
      process.stderr.write(`  python-baseline: ${stack.label} skipped: ${missing}\n`);
      out[stack.key] = { skipped: missing };
      continue;
    }
    if (!pickle) {
      pickle = path.join(dir, 'sklearn-flights.pkl');
      execFileSync(PYTHON, [path.join(APPS, 'train_sklearn.py'), path.join(dir, 'train.csv'), pickle], { cwd: APPS, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    // The URL, then a line from each worker once it has loaded the app: load only when both serve.
    const url = await startServer(procs, 'env', [`PADDOCK_BENCH_MODEL=${pickle}`, GUNICORN, '-w', '2', '-b', '127.0.0.1:0', '--log-level', 'warning', '-c', 'gunicorn_conf.py', ...stack.args],
      APPS, /listening on (http:\/\/\S+)\n(?:[\s\S]*?worker ready\n){2}/);
    const target = `${url}/v2/models/flights/infer`;
    inferOnce(target, BODY);
    out[stack.key] = load(target, stack.closesConnections);
  }
  return out;
}

/** Why `stack` cannot run here (a missing interpreter, program or module), or undefined. */
function missingFor(stack) {
  if (!existsSync(PYTHON)) return `no ${PYTHON} (install ${stack.packages})`;
  if (!existsSync(GUNICORN)) return `no ${GUNICORN} (install gunicorn)`;
  try {
    execFileSync(PYTHON, ['-c', `import ${stack.modules.join(', ')}`], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `${PYTHON} cannot import ${stack.modules.join(', ')} (install ${stack.packages})`;
  }
}

function load(url, tolerateErrors = false) {
  return loadTest(url, { body: BODY, connections: 16, duration: DURATION, tolerateErrors });
}
