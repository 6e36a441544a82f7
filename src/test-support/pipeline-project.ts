import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, runCli, runCliOk, tempDir } from './cli.js';

/**
 * A temp git repository with a Paddock project and a four-stage pipeline, built with the real
 * CLI: `data/raw.csv` tracked by a .dvc file in three versions (two committed, the third in the
 * workspace only), `validate` (paddock validate --html reports/validation.html) → `prepare` →
 * `train` → `report` (which always fails). After it: validate is changed (the raw data moved
 * on), prepare and train are up to date, report failed.
 */
export async function pipelineProject(): Promise<{ dir: string; cleanup: () => void; commits: readonly string[] }> {
  const project = tempDir('paddock-pipeline-');
  const dir = project.dir;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.com', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  git('init', '-q');
  await runCliOk(dir, ['init']);
  // The schema comes from every row the versions will hold, so each version passes.
  write('all.csv', 'city,temp\nOslo,3\nLima,19\nCairo,25\nQuito,14\n');
  await runCliOk(dir, ['validate', 'infer', 'all.csv', '-o', 'schema.yaml']);
  rmSync(path.join(dir, 'all.csv'));
  write('data/raw.csv', 'city,temp\nOslo,3\nLima,19\n');
  await runCliOk(dir, ['add', 'data/raw.csv']);
  const paddock = `node ${JSON.stringify(CLI)}`;
  write('dvc.yaml', `stages:
  validate:
    cmd: ${paddock} validate data/raw.csv --schema schema.yaml --html reports/validation.html
    deps:
      - data/raw.csv
      - schema.yaml
    outs:
      - reports/validation.html:
          cache: false
  prepare:
    cmd: cp data/raw.csv prepared.csv && echo prepared the rows
    deps:
      - data/raw.csv
      - reports/validation.html
    outs:
      - prepared.csv
  train:
    cmd: cat prepared.csv > model.txt && echo trained a model
    deps:
      - prepared.csv
    outs:
      - model.txt
  report:
    cmd: node -e "console.log('reporting'); console.error('report exploded'); process.exit(3)"
    deps:
      - model.txt
`);
  const commits: string[] = [];
  await runCliOk(dir, ['repro', 'train']);
  git('add', '-A');
  git('commit', '-q', '-m', 'first data');
  commits.push(git('rev-parse', 'HEAD'));
  write('data/raw.csv', 'city,temp\nOslo,3\nLima,19\nCairo,25\n');
  await runCliOk(dir, ['add', 'data/raw.csv']);
  await runCliOk(dir, ['repro', 'train']);
  git('add', '-A');
  git('commit', '-q', '-m', 'add Cairo');
  commits.push(git('rev-parse', 'HEAD'));
  const failed = await runCli(dir, ['repro', 'report']);
  if (failed.code === 0) throw new Error('the report stage was meant to fail');
  write('data/raw.csv', 'city,temp\nOslo,3\nLima,19\nCairo,25\nQuito,14\n');
  await runCliOk(dir, ['add', 'data/raw.csv']);
  return { dir, cleanup: project.cleanup, commits };
}
