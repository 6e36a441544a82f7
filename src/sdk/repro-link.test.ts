import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import YAML from 'yaml';
import { runCli, tempDir } from '../test-support/cli.js';
import { createClient } from './index.js';

// The stage script imports the built SDK, as a project using the npm package would.
const SDK = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/sdk/index.js')).href;

let project: { dir: string; cleanup: () => void };

beforeAll(() => {
  project = tempDir('paddock-repro-link-');
});
afterAll(() => project.cleanup());

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: project.dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } }).trim();
}

it('a run started inside a `paddock repro` stage is linked to the stage, its params, its deps\' dvc.lock md5 and the commit', async () => {
  const dir = project.dir;
  git('init', '-q');
  expect((await runCli(dir, ['init'])).code).toBe(0);
  writeFileSync(path.join(dir, 'params.yaml'), 'train:\n  lr: 0.1\n  epochs: 3\n  layers: { hidden: 16 }\nother: 1\n');
  writeFileSync(path.join(dir, 'data.csv'), 'x,y\n1,2\n3,4\n');
  writeFileSync(path.join(dir, 'train.mjs'), [
    `import { writeFileSync } from 'node:fs';`,
    `import { paddock } from ${JSON.stringify(SDK)};`,
    `const run = await paddock.startRun({ experiment: 'repro-link' });`,
    `for (let i = 0; i < 5; i++) run.logMetric('loss', 1 / (i + 1), i);`,
    `await run.end();`,
    `writeFileSync('model.txt', run.runId);`,
  ].join('\n'));
  writeFileSync(path.join(dir, 'dvc.yaml'), YAML.stringify({
    stages: { train: { cmd: 'node train.mjs', deps: ['data.csv', 'train.mjs'], params: ['train.lr', 'train.epochs', 'train.layers'], outs: ['model.txt'] } },
  }));
  writeFileSync(path.join(dir, '.gitignore'), 'model.txt\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'pipeline');
  const head = git('rev-parse', 'HEAD');

  const repro = await runCli(dir, ['repro']);
  expect(repro.stderr).toBe('');
  expect(repro.code).toBe(0);

  const runId = readFileSync(path.join(dir, 'model.txt'), 'utf8');
  const lock = YAML.parse(readFileSync(path.join(dir, 'dvc.lock'), 'utf8')) as { stages: { train: { deps: { path: string; md5: string }[] } } };
  const client = createClient({ cwd: dir, env: {}, handleExit: false });
  try {
    const run = await (await client.store()).getRun(runId);
    expect(run.info.status).toBe('FINISHED');
    expect(run.data.tags).toMatchObject({
      'paddock.stage': 'train',
      'paddock.git.commit': head,
      'paddock.git.dirty': 'false',
      'mlflow.source.git.commit': head,
    });
    expect(Object.fromEntries(run.data.params.map((p) => [p.key, p.value]))).toEqual({ 'train.lr': '0.1', 'train.epochs': '3', 'train.layers.hidden': '16' });
    const inputs = [...run.inputs].sort((a, b) => a.name.localeCompare(b.name));
    const expected = [...lock.stages.train.deps].sort((a, b) => a.path.localeCompare(b.path));
    expect(inputs.map((i) => ({ name: i.name, digest: i.digest, source: i.source, sourceType: i.sourceType }))).toEqual(
      expected.map((d) => ({ name: d.path, digest: d.md5, source: d.path, sourceType: 'dvc' })),
    );
    expect(run.data.metrics.find((m) => m.key === 'loss')).toMatchObject({ value: 0.2, step: 4 });
  } finally {
    await client.close();
  }
});
