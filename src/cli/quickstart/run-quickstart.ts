import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fail } from '../../core/errors.js';
import { DEPLOYMENT, runLoopTour } from './deploy-tour.js';
import { CLI, exec, FEED, freePort, PACKAGE_ROOT, runStep, showFile, type Step } from './tour-steps.js';

const COMMIT = ['git', '-c', 'user.name=Paddock Quickstart', '-c', 'user.email=quickstart@example.com', 'commit', '-qm'];

const STEPS: readonly Step[] = [
  { say: 'January\'s flights land from the airline\'s feed (3 million flights, January–June 2001), with their actual delays', cmd: ['node', 'src/land.mjs', FEED, 'data/flights.parquet', '2001-01'] },
  { say: 'Version them: a DVC-compatible pointer to commit, the content in the cache', cmd: ['paddock', 'add', 'data/flights.parquet'] },
  { say: 'Commit the pointer, the pipeline and the loop\'s settings to git (runs and models will record this commit)', cmd: [...COMMIT, 'Quickstart: January\'s flights, the pipeline and the loop'] },
  { say: 'The pipeline in dvc.yaml', cmd: ['paddock', 'dag'] },
  { say: 'Run it: validate → featurize → train → evaluate (gated against the champion: there is none yet) → register', cmd: ['paddock', 'repro'] },
  { say: 'Metrics the evaluate stage wrote (on flights held out of January)', cmd: ['paddock', 'metrics', 'show'] },
  { say: 'Run it again: nothing changed, so nothing runs', cmd: ['paddock', 'repro'] },
  { say: 'Everything is up to date', cmd: ['paddock', 'status'] },
  { say: 'Charts of the plot files, as one self-contained page', cmd: ['paddock', 'plots', 'show', '-o', 'plots.html'] },
  { say: 'The training and evaluation runs the stages logged (linked to the stage, its data and params)', cmd: ['paddock', 'runs', 'list', '-e', 'quickstart'] },
  { say: 'The model package the train stage wrote: signature, preprocessing, metrics, lineage', cmd: ['paddock', 'models', 'inspect', 'model'] },
  { say: 'The register stage made it the challenger; promote it to champion (the promotion policy checks its gates passed)', cmd: ['paddock', 'models', 'alias', 'set', 'flights-late', 'champion', '1', '--reason', 'quickstart: first model'] },
  { say: 'Where the champion came from: run, params, data versions, commit', cmd: ['paddock', 'models', 'lineage', 'models:/flights-late@champion'] },
  { say: 'Rebuild the champion from its lineage alone and compare the model file byte for byte', cmd: ['paddock', 'models', 'reproduce', 'models:/flights-late@champion'] },
];

/**
 * The main job of `npm start`: copies examples/quickstart to a fresh folder, lands and versions
 * January of a real data set (vega-datasets' flights-3m.parquet), runs its pipeline with the real
 * CLI, deploys the model, then lets Paddock close the loop on the following months
 * (deploy-tour.ts: traffic, late labels, an alert, retraining, canary, promotion, audit), and
 * says where to look. Each step prints the command a user would type.
 */
export async function runQuickstart(options: { dir?: string; serve?: boolean; log: (line: string) => void }): Promise<string> {
  const dir = options.dir ? path.resolve(options.dir) : mkdtempSync(path.join(os.tmpdir(), 'paddock-quickstart-'));
  if (existsSync(dir) && readdirSync(dir).length > 0) fail('INVALID_ARGUMENT', `${dir} is not empty: give a new or empty folder with --dir`, { dir });
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  cpSync(path.join(PACKAGE_ROOT, 'examples/quickstart'), dir, { recursive: true });
  linkModules(dir);
  mkdirSync(path.join(dir, 'feed'));
  cpSync(flightsParquet(), path.join(dir, FEED));
  options.log(`Quickstart project in ${dir}\n`);
  await exec('git', ['init', '-q'], dir, options.log, true);
  await runStep(dir, options.log, { say: 'Create the project (.paddock/ with the cache; the example\'s paddock.yaml is kept)', cmd: ['paddock', 'init'] });
  showFile(dir, options.log, 'The loop\'s settings: monitoring windows, alert rules, the retraining they trigger, the promotion policy', 'paddock.yaml');
  for (const step of STEPS) await runStep(dir, options.log, step);
  await runLoopTour(dir, options.log);
  options.log([
    'Where to look:',
    `  ${path.join(dir, 'paddock.yaml')}    monitoring windows, alert rules, retraining, promotion policy`,
    `  ${path.join(dir, 'dvc.yaml')}        the pipeline; edit params.yaml and run \`paddock repro\` again`,
    `  ${path.join(dir, 'dvc.lock')}        the hashes of every input and output of the last run`,
    `  ${path.join(dir, 'data/flights.parquet.dvc')}  the data pointer (January–April now; \`git log -p\` shows January's)`,
    `  ${path.join(dir, 'model')}           the model package (ONNX, paddock-model.yaml)`,
    `  ${path.join(dir, 'reports')}         the validation and evaluation reports (HTML)`,
    `  ${path.join(dir, 'metrics.json')}    the evaluation; plots in ${path.join(dir, 'plots.html')}`,
    `  ${path.join(dir, '.paddock/logs')}   each stage's log`,
    `  ${path.join(dir, '.paddock/paddock.db')}  runs, metrics, the registry, deployments, predictions, alerts, retrainings (SQLite)`,
    `  ${path.join(dir, 'data/traffic')}    the months replayed as traffic, and their labels`,
    `  ${path.join(dir, 'audit.html')}      the audit chain of the promoted version`,
  ].join('\n'));
  if (options.serve ?? true) await serve(dir, options.log);
  return dir;
}

/**
 * The stage scripts import duckdb, yaml and Paddock's SDK (`paddock`): a node_modules of links
 * into Paddock's own installation resolves all three without installing anything.
 */
function linkModules(dir: string): void {
  const modules = path.join(dir, 'node_modules');
  mkdirSync(path.join(modules, '@duckdb'), { recursive: true });
  for (const name of ['node-api', 'node-bindings']) {
    const target = path.join(PACKAGE_ROOT, 'node_modules/@duckdb', name);
    if (existsSync(target)) symlinkSync(target, path.join(modules, '@duckdb', name), 'dir');
  }
  symlinkSync(path.join(PACKAGE_ROOT, 'node_modules/yaml'), path.join(modules, 'yaml'), 'dir');
  symlinkSync(PACKAGE_ROOT, path.join(modules, 'paddock'), 'dir');
}

/**
 * Leaves `paddock server` running in the foreground (Ctrl-C stops it), with lines to try. It
 * serves the deployment too, with its monitoring loop, alert rules, retraining and canary
 * analysis: the loop goes on while it runs.
 */
async function serve(dir: string, log: (line: string) => void): Promise<void> {
  const port = await freePort(5000);
  const url = `http://127.0.0.1:${port}`;
  const flight = `{"inputs":[{"name":"hour","shape":[1],"datatype":"INT64","data":[18]},{"name":"weekday","shape":[1],"datatype":"INT64","data":[5]},{"name":"distance","shape":[1],"datatype":"INT64","data":[2400]},{"name":"origin","shape":[1],"datatype":"BYTES","data":["ORD"]}]}`;
  log([
    '',
    `# The tracking server and registry, over Paddock's API and MLflow's REST API, also serving the deployment \`${DEPLOYMENT}\` with its monitoring and retraining`,
    `$ paddock server --port ${port} --deployment ${DEPLOYMENT}`,
    `Open the web UI: ${url}/ (runs, pipelines, data, models with their lineage, the deployment and its monitoring)`,
    'Try, in another terminal:',
    `  curl -s ${url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=quickstart`,
    `  curl -s -X POST ${url}/api/2.0/mlflow/runs/search -H 'content-type: application/json' -d '{"experiment_ids":["1"],"order_by":["metrics.auc DESC"]}'`,
    `  curl -s "${url}/api/2.0/mlflow/registered-models/alias?name=flights-late&alias=champion"`,
    `  curl -s ${url}/api/v1/openapi.json`,
    `  curl -s ${url}/v2/models/${DEPLOYMENT}`,
    `  curl -s -X POST ${url}/v2/models/${DEPLOYMENT}/infer -H 'content-type: application/json' -d '${flight}'`,
    `  cd ${dir} && paddock replay data/traffic/2001-05.parquet --url ${url}/v2/models/${DEPLOYMENT}/infer --id-column flight_id --limit 1000`,
    `  MLFLOW_TRACKING_URI=${url} python -c "import mlflow; print(mlflow.search_runs(experiment_names=['quickstart']))"`,
    `  cd ${dir} && paddock audit flights-late && paddock retrain flights --history && paddock deploy history ${DEPLOYMENT}`,
    'Ctrl-C stops the server.',
  ].join('\n'));
  const server = spawn(process.execPath, [CLI, 'server', '--port', String(port), '--deployment', DEPLOYMENT], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  // Ctrl-C reaches the whole process group; a plain kill of this process must not orphan it.
  const stop = () => server.kill('SIGTERM');
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('close', () => resolve());
  });
}

/** vega-datasets' flights file, found through Node's resolution (the package has no main). */
function flightsParquet(): string {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths('vega-datasets') ?? []) {
    const file = path.join(dir, 'vega-datasets/data/flights-3m.parquet');
    if (existsSync(file)) return file;
  }
  fail('PATH_NOT_FOUND', 'vega-datasets/data/flights-3m.parquet not found: run `npm install` in the Paddock folder');
}
