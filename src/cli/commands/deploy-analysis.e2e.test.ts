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

  it('stores the shadow and label-shift bounds, shows them in status, keeps them on set, and names a bad one\'s flag', async () => {
    const cwd = project.dir;
    const created = await runCli(cwd, ['deploy', 'create', 'shadowed', '--model', 'churn', '--stable', '1', '--canary', '2=0', '--mirror', '2=100', '--min-agreement', '0.97', '--json']);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ analysis: { minAgreement: 0.97, noData: 'hold' } });
    const set = await runCli(cwd, ['deploy', 'set', 'shadowed', '--max-mean-abs-delta', '0.5', '--max-label-shift', '0.2', '--json']);
    expect(set.code, set.stderr).toBe(0);
    expect((JSON.parse(set.stdout) as { analysis: unknown }).analysis).toMatchObject({ minAgreement: 0.97, maxMeanAbsDelta: 0.5, maxLabelShift: 0.2 });
    const status = await runCli(cwd, ['deploy', 'status', 'shadowed']);
    expect(status.stdout).toContain('also judged: shadow agreement ≥ 0.97, shadow mean |Δ| ≤ 0.5, label shift ≤ 0.2');
    for (const [flag, value, message] of [
      ['--min-agreement', '97', /--min-agreement: the minimum shadow agreement must be a fraction from 0 to 1/],
      ['--max-mean-abs-delta', '-1', /--max-mean-abs-delta: the maximum mean \|Δ\|/],
      ['--max-label-shift', 'lots', /--max-label-shift must be a number, got 'lots'/],
    ] as const) {
      const bad = await runCli(cwd, ['deploy', 'set', 'shadowed', flag, value]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(message);
    }
  }, 30_000);
});
