import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeBullMq, type Retraining } from '../../automation/index.js';
import { CLI, runCli } from '../../test-support/cli.js';
import { retrainingProject, RETRAIN_MODEL } from '../../test-support/retraining-project.js';

/**
 * `paddock retrain` and `paddock worker` through the real CLI on a tiny pipeline (see
 * test-support/retraining-project.ts): in-process by default, and on BullMQ workers over the
 * project machines' Redis at 127.0.0.1:6379, including a worker killed with SIGKILL mid-job.
 */

const REDIS = 'redis://127.0.0.1:6379';
const BULLMQ = await probeBullMq();
if (!BULLMQ) {
  console.warn('SKIPPED: the BullMQ worker tests in retrain.e2e.test.ts need the bullmq package (package.json lists it; run npm install). They run against Redis at 127.0.0.1:6379.');
}

interface VersionList { versions: { version: number; tags: Record<string, string> }[] }

describe('paddock retrain (in-process queue)', () => {
  let project: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    project = await retrainingProject(`  pipelines:\n    penguins:\n      model: ${RETRAIN_MODEL}\n      min_interval_minutes: 60\n`);
  });
  afterAll(() => project?.cleanup());

  it('runs the job here to its end and prints every step; a second request inside the interval is skipped; --history lists both', async () => {
    const r = await runCli(project.dir, ['retrain', 'penguins', '--reason', 'first model', '--actor', 'ana', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const done = JSON.parse(r.stdout) as Retraining;
    expect(done).toMatchObject({ status: 'succeeded', version: 1, trigger: { kind: 'manual', detail: { user: 'ana', reason: 'first model' } } });
    expect(done.steps.map((s) => s.name)).toEqual(['pipeline', 'challenger', 'gates', 'canary']);

    const text = await runCli(project.dir, ['retrain', 'penguins']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/: skipped\n {2}trigger: manual by .*\n {2}reason: the last retraining of penguins \(rt-[0-9a-f]+\) started 0 min ago; retraining.pipelines.penguins.min_interval_minutes is 60/);

    const history = JSON.parse((await runCli(project.dir, ['retrain', 'penguins', '--history', '--json'])).stdout) as Retraining[];
    expect(history.map((h) => h.status)).toEqual(['skipped', 'succeeded']);
    const unknown = await runCli(project.dir, ['retrain', 'nope']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/retraining pipeline 'nope' is not in paddock.yaml's retraining.pipelines \(known: penguins\)/);
  });
});

/** A `paddock worker` child: resolves once it says it is ready. */
function startWorker(cwd: string, env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'worker'], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => {
      if (/Worker ready/.test(out)) resolve({ child, output: () => out, exited });
    });
    void exited.then((code) => reject(new Error(`paddock worker exited (${code}) before it was ready:\n${out}`)));
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!BULLMQ)('paddock worker on BullMQ over Redis (127.0.0.1:6379)', () => {
  const queueName = `paddock-test-${process.pid}-${Date.now()}`;
  let project: { dir: string; cleanup: () => void };
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    project = await retrainingProject([
      `  queue: ${REDIS}`,
      `  queue_name: ${queueName}`,
      '  lock_seconds: 2',
      '  backoff_seconds: 1',
      '  pipelines:',
      '    penguins:',
      `      model: ${RETRAIN_MODEL}`,
      '      min_interval_minutes: 0',
      '',
    ].join('\n'));
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await dropQueue(queueName);
    project?.cleanup();
  });

  it('a worker killed with SIGKILL mid-job: the job goes back to the queue, another worker finishes it, one version is registered', async () => {
    const first = await startWorker(project.dir, { SLOW_SECONDS: '30' });
    children.push(first.child);
    const queued = await runCli(project.dir, ['retrain', 'penguins', '--json']);
    expect(queued.code, queued.stderr).toBe(0);
    const job = JSON.parse(queued.stdout) as Retraining;
    expect(job.status).toBe('queued');

    // The first worker is inside the pipeline (its prepare stage wrote the marker): kill it.
    const marker = path.join(project.dir, `started-${job.id}`);
    const stagePid = await until('the first worker to start the pipeline', async () => (existsSync(marker) ? Number(readFileSync(marker, 'utf8').trim()) || undefined : undefined));
    first.child.kill('SIGKILL');
    await first.exited;
    // A crash leaves the stage's own process group behind, as it would on a real machine; this test tidies it.
    try { process.kill(-stagePid, 'SIGKILL'); } catch { /* already gone */ }
    const row = JSON.parse((await runCli(project.dir, ['retrain', 'penguins', '--history', '--json'])).stdout) as Retraining[];
    expect(row[0]).toMatchObject({ id: job.id, status: 'running', attempts: 1 });

    const second = await startWorker(project.dir, { SLOW_SECONDS: '0' });
    children.push(second.child);
    const done = await until('the second worker to finish the job', async () => {
      const rows = JSON.parse((await runCli(project.dir, ['retrain', 'penguins', '--history', '--json'])).stdout) as Retraining[];
      const r = rows.find((x) => x.id === job.id);
      return r && r.status !== 'running' && r.status !== 'queued' ? r : undefined;
    });
    expect(done, done.reason).toMatchObject({ status: 'succeeded', version: 1, attempts: 2 });
    expect(second.output()).toContain(`Retraining ${job.id}: succeeded (version 1)`);
    const versions = JSON.parse((await runCli(project.dir, ['models', 'versions', RETRAIN_MODEL, '--json'])).stdout) as VersionList;
    expect(versions.versions.map((v) => [v.version, v.tags['paddock.retraining_job']])).toEqual([[1, job.id]]);

    // SIGTERM stops it cleanly.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/Stopping: no new jobs/);
  });
});

/** Removes the test queue's keys from Redis (through ioredis, which BullMQ brings). */
async function dropQueue(name: string): Promise<void> {
  const mod = 'ioredis';
  try {
    const { Redis } = (await import(mod)) as { Redis: new (url: string) => { keys(p: string): Promise<string[]>; del(...k: string[]): Promise<number>; quit(): Promise<unknown> } };
    const redis = new Redis(REDIS);
    const keys = await redis.keys(`bull:${name}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  } catch {
    // Best effort: a leftover test queue in a local Redis harms nothing.
  }
}
