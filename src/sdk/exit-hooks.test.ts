import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '../test-support/cli.js';
import { createClient } from './index.js';

// Real node processes using the built SDK, as a training script would.
const SDK = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/sdk/index.js')).href;
let project: { dir: string; cleanup: () => void };

beforeAll(() => {
  project = tempDir('paddock-exit-');
  mkdirSync(path.join(project.dir, '.paddock'));
});
afterAll(() => project.cleanup());

function script(name: string, body: string): { code: number | null; stderr: string; runId: string } {
  const file = path.join(project.dir, `${name}.mjs`);
  writeFileSync(file, [
    `import { paddock } from ${JSON.stringify(SDK)};`,
    `const run = await paddock.startRun({ experiment: 'exit' });`,
    `process.stdout.write(run.runId);`,
    `for (let i = 0; i < 2500; i++) run.logMetric('loss', i, i);`,
    body,
  ].join('\n'));
  const r = spawnSync(process.execPath, [file], { cwd: project.dir, encoding: 'utf8', env: { ...process.env, PADDOCK_TRACKING_URI: '', MLFLOW_TRACKING_URI: '', PADDOCK_STAGE: '' } });
  return { code: r.status, stderr: r.stderr, runId: r.stdout };
}

async function stored(runId: string) {
  const client = createClient({ cwd: project.dir, env: {}, handleExit: false });
  try {
    const store = await client.store();
    return { run: await store.getRun(runId), points: (await store.getMetricSeries(runId, 'loss')).values.length };
  } finally {
    await client.close();
  }
}

it('a script that never calls end() still stores every point, and the run ends FINISHED', async () => {
  const r = script('forgot-end', '');
  expect(r.code).toBe(0);
  const { run, points } = await stored(r.runId);
  expect(run.info.status).toBe('FINISHED');
  expect(points).toBe(2500);
});

it('an uncaught exception ends the run FAILED after flushing, and the process still fails with it', async () => {
  const r = script('crash', `setTimeout(() => { throw new Error('boom in training'); }, 10);`);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('boom in training');
  const { run, points } = await stored(r.runId);
  expect(run.info.status).toBe('FAILED');
  expect(points).toBe(2500);
});
