import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliOk, tempDir, type CliResult } from '../../test-support/cli.js';
import { startListening, startServe } from '../../test-support/serve-process.js';

/**
 * The canary analysis judging shadow agreement, end to end through the real CLI (dist/, built by
 * `npm run build`): two versions of a classifier that answer every question the opposite way
 * (trained on the same rows with the label flipped), a deployment sending half the traffic to the
 * second and mirroring stable's requests to it, and `paddock serve --deployment` rolling it back
 * on agreement alone, while its success rate and latency pass. The rollback is in
 * `paddock deploy history` and in the registry's audit log (`paddock models audit`).
 */

/** Rows whose label is a clean function of hour: both linear models learn it (one inverted). */
function csv(flip: boolean): string {
  const lines = Array.from({ length: 240 }, (_, i) => {
    const hour = i % 24;
    const distance = (i * 37) % 1000;
    const late = hour >= 12 ? 1 : 0;
    return `${hour},${distance},${flip ? 1 - late : late}`;
  });
  return `hour,distance,late\n${lines.join('\n')}\n`;
}


describe('paddock serve --deployment: shadow agreement in the canary analysis', () => {
  let project: { dir: string; cleanup: () => void };
  const cli = (...args: string[]): Promise<CliResult> => runCliOk(project.dir, args);

  beforeAll(async () => {
    project = tempDir('paddock-shadow-analysis-');
    await cli('init');
    writeFileSync(path.join(project.dir, 'data.csv'), csv(false));
    writeFileSync(path.join(project.dir, 'flipped.csv'), csv(true));
    for (const [data, out] of [['data.csv', 'agrees'], ['flipped.csv', 'disagrees']]) {
      await cli('train', '--task', 'classification', '--target', 'late', '--data', data!, '--algorithm', 'linear', '-o', out!, '--no-track');
      await cli('models', 'register', out!, '--name', 'churn', '--actor', 'seed');
    }
  }, 60_000);
  afterAll(() => project?.cleanup());

  it('rolls back a canary that disagrees with stable while its success rate and latency pass; history and audit log show it', async () => {
    await cli('deploy', 'create', 'api', '--model', 'churn', '--stable', '1', '--canary', '2=50', '--mirror', '2=100',
      '--interval', '1', '--min-samples', '5', '--min-agreement', '0.9', '--threshold', '2', '--success-rate', '0.99', '--p99-ms', '5000',
      '--actor', 'ann', '--reason', 'try v2');
    const status = await cli('deploy', 'status', 'api');
    expect(status.stdout).toContain('also judged: shadow agreement ≥ 0.9');
    const server = await startServe(project.dir, ['--deployment', 'api', '--port', '0']);
    try {
      const body = (hour: number) => JSON.stringify({ inputs: [{ name: 'hour', shape: [2], datatype: 'INT64', data: [hour, (hour + 12) % 24] }, { name: 'distance', shape: [2], datatype: 'INT64', data: [100, 700] }] });
      const answered = { stable: 0, canary: 0 };
      const deadline = Date.now() + 30_000;
      for (let i = 0; Date.now() < deadline && !/rolled back to version 1/.test(server.output()); i++) {
        const res = await fetch(`${server.url}/v2/models/api/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i % 24) });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        answered[res.headers.get('x-paddock-variant') as 'stable' | 'canary']++;
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(server.output()).toMatch(/Deployment api: canary failed 2 of 2 checks: .*; rolled back to version 1/);
      expect(answered.canary).toBeGreaterThan(0);
    } finally {
      expect((await server.stop()).code).toBe(0);
    }

    const history = JSON.parse((await cli('deploy', 'history', 'api', '--json')).stdout) as { events: { kind: string; actor: string; reason?: string; to: { stable: string; candidates: unknown[] } }[] };
    expect(history.events.map((e) => [e.kind, e.actor])).toEqual([['created', 'ann'], ['analysis', 'paddock-analysis'], ['rolled-back', 'paddock-analysis']]);
    const rolledBack = history.events[2]!;
    expect(rolledBack.to).toEqual({ stable: '1', candidates: [] });
    // Rolled back on agreement: the canary's own requests all succeeded, fast.
    expect(rolledBack.reason).toMatch(/canary v2: \d+ requests, 0 errors, success 100\.00% \(min 99\.00%\), p99 [\d.]+ ms \(max 5000 ms\)/);
    expect(rolledBack.reason).toMatch(/shadow v2 of stable v1: \d+ mirrored requests, 0 errors, agreement \d+\.\d\d% over [\d,]+ rows \(min 90\.00%\)/);
    const agreement = Number(/agreement (\d+\.\d\d)%/.exec(rolledBack.reason!)![1]);
    expect(agreement).toBeLessThan(90);
    const text = await cli('deploy', 'history', 'api');
    expect(text.stdout).toMatch(/rolled-back\s+paddock-analysis/);

    const audit = JSON.parse((await cli('models', 'audit', 'churn', '--json')).stdout) as { events: { action: string; actor: string; deployment?: string; reason?: string; from?: string; to?: string }[] };
    const deploymentEvents = audit.events.filter((e) => e.action.startsWith('deployment.'));
    expect(deploymentEvents.map((e) => [e.action, e.deployment, e.actor])).toEqual([
      ['deployment.created', 'api', 'ann'], ['deployment.analysis', 'api', 'paddock-analysis'], ['deployment.rolled_back', 'api', 'paddock-analysis'],
    ]);
    expect(deploymentEvents[0]).toMatchObject({ reason: 'try v2', to: 'stable 1, canary 2@50%, mirror 2@100%' });
    expect(deploymentEvents[2]).toMatchObject({ from: 'stable 1, canary 2@50%, mirror 2@100%', to: 'stable 1', reason: rolledBack.reason });
    const auditText = await cli('models', 'audit', 'churn');
    expect(auditText.stdout).toMatch(/paddock-analysis\s+deployment\.rolled_back\s+churn deployment api/);
  }, 90_000);

  it('paddock server --deployment serves a deployment beside the API, whose canary analysis promotes an agreeing canary', async () => {
    // Version 3 answers as version 1 does (same data, same trainer): a canary that passes every check.
    await cli('models', 'register', 'agrees', '--name', 'churn', '--actor', 'seed');
    await cli('deploy', 'create', 'web', '--model', 'churn', '--stable', '1', '--canary', '3=0', '--step-weights', '50,100', '--interval', '1', '--min-samples', '5', '--p99-ms', '5000');
    const server = await startListening(project.dir, ['server', '--port', '0', '--deployment', 'web']);
    try {
      const body = JSON.stringify({ inputs: [{ name: 'hour', shape: [1], datatype: 'INT64', data: [15] }, { name: 'distance', shape: [1], datatype: 'INT64', data: [300] }] });
      const deadline = Date.now() + 30_000;
      const versions = new Set<string>();
      while (Date.now() < deadline && !/promoted version 3/.test(server.output())) {
        const res = await fetch(`${server.url}/v2/models/web/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(res.status).toBe(200);
        versions.add(((await res.json()) as { model_version: string }).model_version);
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(server.output()).toMatch(/Deployment web: canary passed at 100%: .*; promoted version 3/);
      expect(server.output()).toContain(`Deployment:   ${server.url}/v2/models/web/infer`);
      expect([...versions].sort()).toEqual(['1', '3']);
      // The same server's API shows the promotion, and its /metrics counted the deployment's requests.
      const d = (await (await fetch(`${server.url}/api/v1/deployments/web`)).json()) as { policy: { stable: string; candidates: unknown[] } };
      expect(d.policy).toMatchObject({ stable: '3', candidates: [] });
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/paddock_inference_requests_total\{model="web",version="3",variant="canary",protocol="v2",code="200"\} [1-9]/);
    } finally {
      const stopped = await server.stop();
      expect(stopped, `${stopped.stdout}\n${stopped.stderr}`).toMatchObject({ code: 0, signal: null });
    }
  }, 90_000);
});
