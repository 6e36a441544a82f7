import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../core/errors.js';
import { startTestServer, type TestServer } from '../../http/test-server.js';
import { createClient } from '../../sdk/index.js';
import { runCli, tempDir } from '../../test-support/cli.js';

interface RunJson {
  readonly info: { readonly runId: string; readonly runName: string; readonly status: string };
  readonly data: { readonly params: readonly { key: string; value: string }[] };
}

/** Two finished runs in experiment `cli` that differ in lr and auc and share model. */
async function seed(options: { cwd?: string; trackingUri?: string }): Promise<{ a: string; b: string }> {
  const client = createClient({ ...options, env: {}, handleExit: false });
  try {
    const ids: string[] = [];
    for (const [name, lr, auc] of [['alpha', 0.1, 0.8], ['beta', 0.3, 0.9]] as const) {
      const run = await client.startRun({ experiment: 'cli', runName: name });
      await run.logParams({ lr, model: 'gbdt' });
      run.logMetrics({ auc, loss: 0.5 }, 3);
      await run.end();
      ids.push(run.runId);
    }
    return { a: ids[0]!, b: ids[1]! };
  } finally {
    await client.close();
  }
}

describe('paddock runs / experiments against the project store', () => {
  let project: { dir: string; cleanup: () => void };
  let ids: { a: string; b: string };
  const cli = (...args: string[]) => runCli(project.dir, args);

  beforeAll(async () => {
    project = tempDir('paddock-runs-cli-');
    mkdirSync(path.join(project.dir, '.paddock'));
    ids = await seed({ cwd: project.dir });
  });
  afterAll(() => project.cleanup());

  it('lists runs with filter, order and chosen columns; --json for scripts', async () => {
    const all = await cli('runs', 'list', '--experiment', 'cli', '--order-by', 'metrics.auc ASC', '--json');
    expect(all.code).toBe(0);
    expect((JSON.parse(all.stdout) as { runs: RunJson[] }).runs.map((r) => r.info.runName)).toEqual(['alpha', 'beta']);
    const filtered = await cli('runs', 'list', '-e', 'cli', '--filter', "metrics.auc > 0.85 and params.model = 'gbdt'", '--json');
    expect((JSON.parse(filtered.stdout) as { runs: RunJson[] }).runs.map((r) => r.info.runId)).toEqual([ids.b]);
    const text = await cli('runs', 'list', '-e', 'cli', '--param', 'lr', '--metric', 'auc');
    const [header, ...rows] = text.stdout.trim().split('\n');
    expect(header).toMatch(/^RUN ID\s+NAME\s+EXPERIMENT\s+STATUS\s+STARTED\s+DURATION\s+params\.lr\s+metrics\.auc$/);
    expect(rows.find((r) => r.startsWith(ids.a))).toMatch(/alpha.*FINISHED.*0\.1\s+0\.8$/);
    const bad = await cli('runs', 'list', '--filter', 'metrics.auc >');
    expect(bad.code).toBe(ERROR_CATALOGUE.INVALID_ARGUMENT.exit);
  });

  it('shows one run, and fails with NOT_FOUND for an unknown id', async () => {
    const shown = await cli('runs', 'show', ids.a);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Run ${ids.a} (alpha)`);
    expect(shown.stdout).toMatch(/Params:\n\s+KEY\s+VALUE\n\s+lr\s+0\.1\n\s+model\s+gbdt/);
    expect(shown.stdout).toMatch(/auc\s+0\.8\s+3/);
    const json = JSON.parse((await cli('runs', 'show', ids.a, '--json')).stdout) as RunJson;
    expect(json.info.runId).toBe(ids.a);
    const missing = await cli('runs', 'show', 'f'.repeat(32));
    expect(missing.code).toBe(ERROR_CATALOGUE.NOT_FOUND.exit);
    expect(missing.stderr).toMatch(/error: .*ffff/);
  });

  it('compares runs side by side, marking the values that differ', async () => {
    const out = await cli('runs', 'compare', ids.a, ids.b);
    expect(out.code).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines.find((l) => l.includes('params.lr'))).toMatch(/^\*\s+params\.lr\s+0\.1\s+0\.3$/);
    expect(lines.find((l) => l.includes('params.model'))).toMatch(/^\s+params\.model\s+gbdt\s+gbdt$/);
    expect(lines.find((l) => l.includes('metrics.auc'))).toMatch(/^\*\s+metrics\.auc\s+0\.8\s+0\.9$/);
    expect(out.stdout).toContain('2 of 4 values differ');
    const json = JSON.parse((await cli('runs', 'compare', ids.a, ids.b, '--json')).stdout) as { rows: { key: string; differs: boolean }[] };
    expect(json.rows.filter((r) => r.differs).map((r) => r.key).sort()).toEqual(['auc', 'lr']);
    expect((await cli('runs', 'compare', ids.a)).code).toBe(ERROR_CATALOGUE.INVALID_ARGUMENT.exit);
  });

  it('deletes and restores runs', async () => {
    expect((await cli('runs', 'delete', ids.a)).code).toBe(0);
    const active = JSON.parse((await cli('runs', 'list', '-e', 'cli', '--json')).stdout) as { runs: RunJson[] };
    expect(active.runs.map((r) => r.info.runId)).toEqual([ids.b]);
    const deleted = JSON.parse((await cli('runs', 'list', '-e', 'cli', '--view', 'deleted', '--json')).stdout) as { runs: RunJson[] };
    expect(deleted.runs.map((r) => r.info.runId)).toEqual([ids.a]);
    expect((await cli('runs', 'restore', ids.a)).code).toBe(0);
  });

  it('creates, renames, deletes and restores experiments by name or id', async () => {
    const created = await cli('experiments', 'create', 'other', '--tag', 'team=ml', '--json');
    expect(created.code).toBe(0);
    const id = (JSON.parse(created.stdout) as { experimentId: string }).experimentId;
    expect((await cli('experiments', 'create', 'other')).code).toBe(ERROR_CATALOGUE.ALREADY_EXISTS.exit);
    expect((await cli('experiments', 'rename', 'other', 'other2')).stdout).toContain(`Renamed experiment ${id}: 'other' → 'other2'`);
    expect((await cli('experiments', 'delete', id)).code).toBe(0);
    const deleted = JSON.parse((await cli('experiments', 'list', '--view', 'deleted', '--json')).stdout) as { name: string; tags: object }[];
    expect(deleted).toEqual([expect.objectContaining({ name: 'other2', tags: { team: 'ml' } })]);
    expect((await cli('experiments', 'restore', 'other2')).code).toBe(0);
    const list = await cli('experiments', 'list');
    expect(list.stdout).toMatch(/^ID\s+NAME\s+STAGE/);
    expect(list.stdout).toMatch(new RegExp(`\\n${id}\\s+other2\\s+active`));
    expect((await cli('experiments', 'delete', 'nope')).code).toBe(ERROR_CATALOGUE.NOT_FOUND.exit);
  });
});

describe('paddock runs --tracking-uri against a server', () => {
  let server: TestServer;
  let ids: { a: string; b: string };
  let cwd: { dir: string; cleanup: () => void };

  beforeAll(async () => {
    server = await startTestServer();
    cwd = tempDir('paddock-runs-remote-');
    ids = await seed({ trackingUri: server.url });
  });
  afterAll(async () => {
    await server.close();
    cwd.cleanup();
  });

  it('lists, compares and deletes through the MLflow REST API (no project needed)', async () => {
    const cli = (...args: string[]) => runCli(cwd.dir, [...args, '--tracking-uri', server.url]);
    const list = JSON.parse((await cli('runs', 'list', '-e', 'cli', '--order-by', 'attributes.run_name', '--json')).stdout) as { runs: RunJson[] };
    expect(list.runs.map((r) => r.info.runId)).toEqual([ids.a, ids.b]);
    expect((await cli('runs', 'compare', ids.a, ids.b)).stdout).toMatch(/\*\s+params\.lr\s+0\.1\s+0\.3/);
    expect((await cli('runs', 'delete', ids.b)).code).toBe(0);
    expect((await server.tracking.getRun(ids.b)).info.lifecycleStage).toBe('deleted');
    expect((await cli('experiments', 'list')).stdout).toMatch(/\n\d+\s+cli\s+active/);
  });
});
