import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test-support/cli.js';
import { projectWithModelVersions } from '../../test-support/registered-project.js';

/** Runs `paddock deploy …` with --json and returns the parsed output (exit 0 expected). */
async function deployJson(cwd: string, args: readonly string[]): Promise<Record<string, unknown>> {
  const r = await runCli(cwd, ['deploy', ...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('paddock deploy (end to end through the real CLI)', () => {
  let project: { dir: string; cleanup: () => void };

  beforeAll(async () => {
    project = await projectWithModelVersions('churn', 2);
  }, 30_000);
  afterAll(() => project.cleanup());

  it('create → set canary 10 → status → promote → history → rollback → status', async () => {
    const cwd = project.dir;
    expect(await deployJson(cwd, ['create', 'churn-api', '--model', 'churn', '--stable', '1', '--actor', 'ann', '--reason', 'launch'])).toMatchObject({
      name: 'churn-api', model: 'churn', revision: 1, policy: { stable: '1', candidates: [] },
    });
    expect(await deployJson(cwd, ['set', 'churn-api', '--canary', '2=10', '--sticky-header', 'x-user', '--actor', 'ann'])).toMatchObject({
      revision: 2, policy: { stable: '1', candidates: [{ version: '2', weight: 10 }], sticky: { header: 'x-user' } },
    });
    const status = await deployJson(cwd, ['status', 'churn-api']);
    expect(status.versions).toEqual([
      { version: '1', role: 'stable', percent: 90, source: 'model', status: 'READY' },
      { version: '2', role: 'candidate', percent: 10, source: 'model', status: 'READY' },
    ]);
    expect(await deployJson(cwd, ['promote', 'churn-api', '--actor', 'ben', '--revision', '2'])).toMatchObject({
      revision: 3, policy: { stable: '2', candidates: [], sticky: { header: 'x-user' } },
    });
    const history = (await deployJson(cwd, ['history', 'churn-api'])).events as { revision: number; kind: string; actor: string; reason?: string; to: { stable: string } }[];
    expect(history.map((e) => [e.revision, e.kind, e.actor, e.reason, e.to.stable])).toEqual([
      [1, 'created', 'ann', 'launch', '1'],
      [2, 'set', 'ann', undefined, '1'],
      [3, 'promoted', 'ben', undefined, '2'],
    ]);
    expect(await deployJson(cwd, ['rollback', 'churn-api', '--actor', 'cat', '--reason', 'error rate up'])).toMatchObject({
      revision: 4, policy: { stable: '1', candidates: [] },
    });
    const after = await deployJson(cwd, ['status', 'churn-api']);
    expect(after.deployment).toMatchObject({ name: 'churn-api', revision: 4, policy: { stable: '1', candidates: [] } });
    expect(after.versions).toEqual([{ version: '1', role: 'stable', percent: 100, source: 'model', status: 'READY' }]);
    const last = ((await deployJson(cwd, ['history', 'churn-api'])).events as { kind: string; actor: string; reason?: string }[]).at(-1);
    expect(last).toMatchObject({ kind: 'rolled-back', actor: 'cat', reason: 'error rate up' });
    expect(((await deployJson(cwd, ['list'])).deployments as { name: string }[]).map((d) => d.name)).toEqual(['churn-api']);
  }, 30_000);

  it('rejects bad input with a clear error and writes nothing', async () => {
    const cwd = project.dir;
    // Independent failures: run together to keep the file fast.
    const [unknownModel, unknownVersion, weights, syntax] = await Promise.all([
      runCli(cwd, ['deploy', 'create', 'x', '--model', 'nope', '--stable', '1']),
      runCli(cwd, ['deploy', 'create', 'x', '--model', 'churn', '--stable', '1', '--canary', '7=5']),
      runCli(cwd, ['deploy', 'create', 'x', '--model', 'churn', '--stable', '1', '--canary', '2=150']),
      runCli(cwd, ['deploy', 'create', 'x', '--model', 'churn', '--stable', '1', '--mirror', '2']),
    ]);
    expect(unknownModel.code).toBe(66);
    expect(unknownModel.stderr).toMatch(/'nope' not found/);
    expect(unknownVersion.code).toBe(66);
    expect(unknownVersion.stderr).toMatch(/--canary: registered model 'churn' has no version 7/);
    expect(weights.code).toBe(2);
    expect(weights.stderr).toMatch(/--canary: .*0 to 100/);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/--mirror '2': give <version>=<percent>/);
    expect(((await deployJson(cwd, ['list'])).deployments as unknown[]).length).toBe(1);

    const before = await deployJson(cwd, ['status', 'churn-api']);
    const [stale, over] = await Promise.all([
      runCli(cwd, ['deploy', 'set', 'churn-api', '--canary', '2=20', '--revision', '1']),
      runCli(cwd, ['deploy', 'set', 'churn-api', '--canary', '2=60', '--mirror', '2=101']),
    ]);
    expect(stale.code).toBe(75); // CONFLICT: retry after re-reading
    expect(stale.stderr).toMatch(/changed by someone else: it is at revision \d+, not 1/);
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/--mirror/);
    expect(await deployJson(cwd, ['status', 'churn-api'])).toEqual(before);
  }, 30_000);
});
