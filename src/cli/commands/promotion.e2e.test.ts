import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../../test-support/prng.js';
import { runCli, tempDir, type CliResult } from '../../test-support/cli.js';

/**
 * Promotion policies and `paddock audit` through the real CLI, in a temp project: validate → train
 * → register → refused → evaluate (gates, slices) → approve → promoted → audited; an override;
 * a guarded deployment. Tiny generated data keeps it fast.
 */
describe('paddock approve / audit and promotion policies (end to end through the real CLI)', () => {
  let project: { dir: string; cleanup: () => void };
  let root = '';
  const cli = (...args: string[]): Promise<CliResult> => runCli(root, args, { env: { PADDOCK_ACTOR: 'ci' } });

  beforeAll(async () => {
    project = tempDir('paddock-promotion-e2e-');
    root = project.dir;
    expect((await cli('init')).code).toBe(0);
    appendFileSync(path.join(root, 'paddock.yaml'), [
      'promotion:',
      '  policies:',
      '    churn:',
      '      aliases: [champion]',
      '      deployments: [prod]',
      '      require:',
      '        validation: true',
      '        gates: true',
      '        slices: { weekday: "auc >= 0.6" }',
      '        approvals: 1',
      '',
    ].join('\n'));
    const rand = prng(7);
    const rows = ['x,weekday,y'];
    for (let i = 0; i < 300; i++) {
      const x = rand() * 2 - 1;
      rows.push(`${x.toFixed(4)},${i % 2 ? 'Mon' : 'Tue'},${x + (rand() - 0.5) * 0.6 > 0 ? 1 : 0}`);
    }
    writeFileSync(path.join(root, 'data.csv'), `${rows.join('\n')}\n`);
  }, 60_000);
  afterAll(() => project.cleanup());

  it('refuses the alias until validation, gates, slices and an approval are recorded, then audits the chain', async () => {
    expect((await cli('validate', 'infer', 'data.csv', '-o', 'schema.yaml')).code).toBe(0);
    const validated = await cli('validate', 'data.csv', '--schema', 'schema.yaml', '--json');
    expect(validated.code, validated.stderr).toBe(0);
    expect(JSON.parse(validated.stdout).runId).toMatch(/\w+/);
    const trained = await cli('train', '--task', 'classification', '--target', 'y', '--data', 'data.csv', '--algorithm', 'linear', '-o', 'model');
    expect(trained.code, trained.stderr).toBe(0);
    expect((await cli('models', 'register', 'model', '--name', 'churn')).code).toBe(0);

    const refused = await cli('models', 'alias', 'set', 'churn', 'champion', '1');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('churn version 1 cannot become alias champion');
    expect(refused.stderr).toMatch(/gates: no evaluation of version 1 with gates/);
    expect(refused.stderr).toMatch(/approvals: 0 of 1 approval/);
    expect(refused.stderr).not.toMatch(/validation:/);

    const evaluated = await cli('evaluate', 'models:/churn/1', 'data.csv', '--slice', 'weekday', '--gate', 'auc >= 0.6');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const approved = await cli('approve', 'churn', '1', '--actor', 'alice', '--reason', 'reviewed the report');
    expect(approved.code, approved.stderr).toBe(0);
    expect((await cli('approve', 'churn', '1', '--actor', 'alice')).stderr).toContain('alice already approved churn version 1');
    const approvals = JSON.parse((await cli('approvals', 'churn', '1', '--json')).stdout);
    expect(approvals.items).toMatchObject([{ model: 'churn', version: 1, approver: 'alice', reason: 'reviewed the report' }]);

    const moved = await cli('models', 'alias', 'set', 'churn', 'champion', '1', '--actor', 'bob', '--reason', 'release');
    expect(moved.code, moved.stderr).toBe(0);

    const text = await cli('audit', 'churn');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/version 1 \(registered .*\): alias champion/);
    expect(text.stdout).toMatch(/trigger: manual\/unknown/);
    expect(text.stdout).toMatch(/data data\.csv md5 [0-9a-f]{32}\n\s+validation passed in run \w+ at .* by \w+/);
    expect(text.stdout).toMatch(/training run \w+ 'train model'/);
    expect(text.stdout).toMatch(/evaluation run \w+ 'evaluate models:\/churn\/1'/);
    expect(text.stdout).toMatch(/gate passed: auc >= 0\.6/);
    expect(text.stdout).toMatch(/check slices\.weekday: passed: .*holds on 2 slices of weekday/);
    expect(text.stdout).toMatch(/approved by alice at .*: reviewed the report/);
    expect(text.stdout).toMatch(/promotion alias\.set at .* by bob: alias champion → 1 \(reason: release\)/);
    const order = ['trigger:', 'data data.csv', 'training run', 'evaluation run', 'approved by', 'promotion alias.set'].map((s) => text.stdout.indexOf(s));
    expect(order).toEqual([...order].sort((a, b) => a - b));

    const json = JSON.parse((await cli('audit', 'churn', '--json')).stdout);
    expect(json.versions[0]).toMatchObject({ version: 1, servedAs: ['alias champion'], approvals: [{ approver: 'alice' }], checks: [{ check: 'validation', passed: true }, { check: 'gates', passed: true }, { check: 'slices.weekday', passed: true }, { check: 'approvals', passed: true }] });
    const html = await cli('audit', 'churn', '--html', 'audit.html');
    expect(html.code).toBe(0);
    const page = readFileSync(path.join(root, 'audit.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('approved by alice');
    expect(page).not.toMatch(/<script|https?:\/\//);
  }, 120_000);

  it('lets an override through only with a reason, audited; guards a deployment\'s promotion the same way', async () => {
    const registered = await cli('models', 'register', 'churn', '/elsewhere/model');
    expect(registered.code, registered.stderr).toBe(0);
    expect((await cli('models', 'alias', 'set', 'churn', 'champion', '2', '--override')).stderr).toContain('needs a reason');
    const overridden = await cli('models', 'alias', 'set', 'churn', 'champion', '2', '--override', '--reason', 'hotfix', '--actor', 'root');
    expect(overridden.code, overridden.stderr).toBe(0);
    const audit = JSON.parse((await cli('models', 'audit', 'churn', '--json')).stdout) as { events?: { action: string; actor: string; reason?: string; to?: string }[] } | { action: string }[];
    const events = Array.isArray(audit) ? audit : audit.events!;
    expect(events.find((e) => e.action === 'policy.override')).toMatchObject({ actor: 'root', reason: 'hotfix', to: expect.stringContaining('validation: version 2') });
    expect((await cli('audit', 'churn')).stdout).toMatch(/OVERRIDE of failing checks .* \(reason: hotfix\)/);

    expect((await cli('deploy', 'create', 'prod', '--model', 'churn', '--stable', '1', '--canary', '2=10')).code).toBe(0);
    const promote = await cli('deploy', 'promote', 'prod');
    expect(promote.code).toBe(1);
    expect(promote.stderr).toMatch(/churn version 2 cannot become deployment prod/);
    const rollback = await cli('deploy', 'rollback', 'prod');
    expect(rollback.code, rollback.stderr).toBe(0);
  }, 120_000);
});
