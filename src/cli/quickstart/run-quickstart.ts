import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from '../../core/errors.js';

const PACKAGE_ROOT = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
const CLI = path.join(PACKAGE_ROOT, 'bin/paddock.js');

/** One step of the tour: what it does, and the command a user would type. */
interface Step {
  readonly say: string;
  readonly cmd: readonly string[];
}

const STEPS: readonly Step[] = [
  { say: 'Create the project (paddock.yaml, .paddock/ with the cache)', cmd: ['paddock', 'init'] },
  { say: 'Version the raw data: 3 million flights as a DVC-compatible pointer', cmd: ['paddock', 'add', 'data/flights-3m.parquet'] },
  { say: 'The pipeline in dvc.yaml', cmd: ['paddock', 'dag'] },
  { say: 'Run it: prepare → train → evaluate, caching every output', cmd: ['paddock', 'repro'] },
  { say: 'Metrics the evaluate stage wrote', cmd: ['paddock', 'metrics', 'show'] },
  { say: 'Run it again: nothing changed, so nothing runs', cmd: ['paddock', 'repro'] },
  { say: 'Everything is up to date', cmd: ['paddock', 'status'] },
  { say: 'Charts of the plot files, as one self-contained page', cmd: ['paddock', 'plots', 'show', '-o', 'plots.html'] },
];

/**
 * The main job of `npm start`: copies examples/quickstart to a fresh folder, versions a real
 * data set (vega-datasets' flights-3m.parquet), runs its pipeline with the real CLI, and says
 * where to look. Each step prints the command a user would type.
 */
export async function runQuickstart(options: { dir?: string; log: (line: string) => void }): Promise<string> {
  const dir = options.dir ? path.resolve(options.dir) : mkdtempSync(path.join(os.tmpdir(), 'paddock-quickstart-'));
  if (existsSync(dir) && readdirSync(dir).length > 0) fail('INVALID_ARGUMENT', `${dir} is not empty: give a new or empty folder with --dir`, { dir });
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  cpSync(path.join(PACKAGE_ROOT, 'examples/quickstart'), dir, { recursive: true });
  // The stage scripts import duckdb and yaml; they resolve them through Paddock's own modules.
  symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  cpSync(flightsParquet(), path.join(dir, 'data/flights-3m.parquet'));
  options.log(`Quickstart project in ${dir}\n`);
  await exec('git', ['init', '-q'], dir, options.log, true);
  for (const step of STEPS) {
    options.log(`# ${step.say}\n$ ${step.cmd.join(' ')}`);
    await exec(process.execPath, [CLI, ...step.cmd.slice(1)], dir, options.log, false);
    options.log('');
  }
  options.log([
    'Where to look:',
    `  ${path.join(dir, 'dvc.yaml')}        the pipeline; edit params.yaml and run \`paddock repro\` again`,
    `  ${path.join(dir, 'dvc.lock')}        the hashes of every input and output of the last run`,
    `  ${path.join(dir, 'data/flights-3m.parquet.dvc')}  the data pointer to commit to git`,
    `  ${path.join(dir, 'metrics.json')}    the evaluation; plots in ${path.join(dir, 'plots.html')}`,
    `  ${path.join(dir, '.paddock/logs')}   each stage's log`,
  ].join('\n'));
  return dir;
}

/** The folder of Paddock's package.json, found upwards (this file may be bundled or not). */
function packageRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'examples/quickstart'))) return dir;
  }
  fail('INTERNAL', `cannot find Paddock's package folder above ${from}`);
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

function exec(cmd: string, args: readonly string[], cwd: string, log: (line: string) => void, optional: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PADDOCK_QUICKSTART: '1' } });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().replace(/\n$/, '').split('\n')) log(`  ${line}`);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', (err) => (optional ? resolve() : reject(err)));
    child.on('close', (code) => {
      if (code === 0 || optional) resolve();
      else reject(new Error(`\`${[cmd === process.execPath ? 'paddock' : cmd, ...args.slice(cmd === process.execPath ? 1 : 0)].join(' ')}\` exited with ${code}`));
    });
  });
}
