import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, tempDir } from './cli.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PENGUINS = path.join(REPO, 'node_modules', 'vega-datasets', 'data', 'penguins.json');

/** The model the retraining project's pipeline registers. */
export const RETRAIN_MODEL = 'penguins';

/**
 * A tiny retraining pipeline in a temp project (`paddock init`), on the Palmer penguins (344
 * rows): prepare (copies the tracked CSV; sleeps $SLOW_SECONDS, and leaves a marker
 * `started-<job>` so a test can kill its worker mid-job) → train (built-in gbdt, 10 trees) →
 * evaluate (gated: accuracy ≥ params.yaml's evaluate.min_accuracy, and not worse than the
 * champion) → register (`paddock models register … --alias challenger`). `retraining` is the
 * paddock.yaml retraining section (YAML text, indented under `retraining:`).
 */
export async function retrainingProject(retraining: string): Promise<{ dir: string; cleanup: () => void }> {
  const project = tempDir('paddock-retrain-');
  const must = async (args: string[]) => {
    const r = await runCli(project.dir, args);
    if (r.code !== 0) throw new Error(`paddock ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
  };
  await must(['init']);
  writeFileSync(path.join(project.dir, 'penguins.csv'), penguinsCsv(344));
  await must(['add', 'penguins.csv']);
  writeFileSync(path.join(project.dir, 'params.yaml'), 'train:\n  algorithm: gbdt\n  n_estimators: 10\n  max_depth: 3\n  seed: 7\nevaluate:\n  min_accuracy: 0.5\n');
  writeFileSync(path.join(project.dir, 'dvc.yaml'), DVC_YAML);
  const config = readFileSync(path.join(project.dir, 'paddock.yaml'), 'utf8');
  writeFileSync(path.join(project.dir, 'paddock.yaml'), `${config}\nretraining:\n${retraining}`);
  return project;
}

/** The first `rows` penguins as CSV (a smaller file is a new data version). */
export function penguinsCsv(rows: number): string {
  const all = JSON.parse(readFileSync(PENGUINS, 'utf8')) as Record<string, string | number | null>[];
  const columns = Object.keys(all[0]!);
  const cell = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : /[",]/.test(String(v)) ? JSON.stringify(String(v)) : String(v));
  return `${columns.join(',')}\n${all.slice(0, rows).map((r) => columns.map((c) => cell(r[c])).join(',')).join('\n')}\n`;
}

const DVC_YAML = `stages:
  prepare:
    cmd: echo $$ > "started-$PADDOCK_RETRAINING_JOB" && sleep $((SLOW_SECONDS + 0)) && cp penguins.csv train.csv
    deps:
      - penguins.csv
    outs:
      - train.csv
  train:
    cmd: paddock train --task classification --target Species --data train.csv --params params.yaml:train --experiment retrain --no-track --output model --force
    deps:
      - train.csv
    params:
      - train
    outs:
      - model
  evaluate:
    cmd: paddock evaluate model train.csv --compare models:/penguins@champion --gate "accuracy >= \${evaluate.min_accuracy}" --gate "accuracy >= champion.accuracy - 0.05" --metrics-file metrics.json --no-track
    deps:
      - model
      - train.csv
    params:
      - evaluate
    metrics:
      - metrics.json:
          cache: false
  register:
    cmd: paddock models register model --name penguins --alias challenger --json > registered.json
    deps:
      - model
      - metrics.json
    outs:
      - registered.json:
          cache: false
`;
