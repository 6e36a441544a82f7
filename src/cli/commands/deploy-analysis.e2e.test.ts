import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test-support/cli.js';
import { projectWithModelVersions } from '../../test-support/registered-project.js';

/** `paddock deploy create/set` with the canary analysis flags, through the real CLI. */
describe('paddock deploy analysis flags', () => {
  let project: { dir: string; cleanup: () => void };

  beforeAll(async () => {
    project = await projectWithModelVersions('churn', 2);
  }, 30_000);
  afterAll(() => project.cleanup());

  it('stores the analysis on create (defaults filled), changes part of it on set, clears it with --no-analysis', async () => {
    const cwd = project.dir;
    const json = async (args: string[]) => {
      const r = await runCli(cwd, ['deploy', ...args, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    expect(await json(['create', 'api', '--model', 'churn', '--stable', '1', '--canary', '2=0', '--step-weights', '10,50,100', '--interval', '30', '--on-no-data', 'fail'])).toMatchObject({
      revision: 1, analysis: { intervalSeconds: 30, stepWeights: [10, 50, 100], threshold: 2, minSamples: 50, successRate: 0.99, p99LatencyMs: 500, noData: 'fail' },
    });
    expect(await json(['set', 'api', '--threshold', '3', '--p99-ms', '250', '--success-rate', '0.995', '--min-samples', '10', '--actor', 'ann'])).toMatchObject({
      revision: 2, policy: { stable: '1', candidates: [{ version: '2', weight: 0 }] },
      analysis: { intervalSeconds: 30, stepWeights: [10, 50, 100], threshold: 3, minSamples: 10, successRate: 0.995, p99LatencyMs: 250, noData: 'fail' },
    });
    const bad = await runCli(cwd, ['deploy', 'set', 'api', '--canary', '2=5', '--step-weights', '50,10']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--step-weights: give rising canary weights/);
    const text = await runCli(cwd, ['deploy', 'status', 'api']);
    expect(text.stdout).toMatch(/Canary analysis every 30s: steps 10,50,100% then promote/);
    const cleared = await json(['set', 'api', '--no-analysis']);
    expect(cleared.revision).toBe(3);
    expect(cleared.analysis).toBeUndefined();
    const history = (await json(['history', 'api'])).events as { kind: string; actor: string }[];
    expect(history.map((e) => [e.kind, e.actor])).toEqual([['created', expect.any(String)], ['analysis', 'ann'], ['analysis', expect.any(String)]]);
  }, 30_000);
});
