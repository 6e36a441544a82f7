import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Deployment as K8sDeployment } from 'kubernetes-models/apps/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../test-support/cli.js';
import { projectWithModelVersions } from '../../test-support/registered-project.js';

describe('paddock deploy k8s (end to end through the real CLI)', () => {
  let project: { dir: string; cleanup: () => void };

  beforeAll(async () => {
    project = await projectWithModelVersions('churn', 1);
    expect((await runCli(project.dir, ['deploy', 'create', 'churn-api', '--model', 'churn', '--stable', '1', '--actor', 'ann'])).code).toBe(0);
  }, 30_000);
  afterAll(() => project.cleanup());

  it('writes k8s/<name>.yaml, refuses to overwrite without --force, and prints with --print', async () => {
    const cwd = project.dir;
    const first = await runCli(cwd, ['deploy', 'k8s', 'churn-api', '--image', 'registry.example/paddock:1', '--namespace', 'ml']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Wrote k8s[/\\]churn-api\.yaml: Deployment churn-api, Service churn-api, HorizontalPodAutoscaler churn-api/);
    const file = path.join(cwd, 'k8s', 'churn-api.yaml');
    const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(docs.map((d) => d.kind)).toEqual(['Deployment', 'Service', 'HorizontalPodAutoscaler']);
    expect(() => new K8sDeployment(docs[0]).validate()).not.toThrow();
    expect(docs[0]!.spec.template.spec.containers[0].args).toEqual(['--deployment', 'churn-api', '--host', '0.0.0.0', '--port', '8080']);
    expect(docs.every((d) => d.metadata.namespace === 'ml')).toBe(true);
    // Written atomically: no temp file is left beside it.
    expect(readdirSync(path.join(cwd, 'k8s'))).toEqual(['churn-api.yaml']);

    const again = await runCli(cwd, ['deploy', 'k8s', 'churn-api', '--replicas', '3']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/k8s[/\\]churn-api\.yaml already exists: pass --force/);
    expect(readFileSync(file, 'utf8')).toContain('registry.example/paddock:1');

    const forced = await runCli(cwd, ['deploy', 'k8s', 'churn-api', '--replicas', '3', '--force', '--json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toEqual({ path: path.join('k8s', 'churn-api.yaml'), kinds: ['Deployment', 'Service'] });
    const fixed = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as { spec: { replicas?: number } });
    expect(fixed[0]!.spec.replicas).toBe(3);

    const printed = await runCli(cwd, ['deploy', 'k8s', 'churn-api', '--kserve', '--min-replicas', '1', '--max-replicas', '3', '--cpu-target', '80', '--print', '-o', 'elsewhere']);
    expect(printed.code).toBe(0);
    const [isvc, ...more] = parseAllDocuments(printed.stdout).map((d) => d.toJS() as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(more).toEqual([]);
    expect(isvc).toMatchObject({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', spec: { predictor: { minReplicas: 1, maxReplicas: 3, containers: [{ name: 'kserve-container' }] } } });
    expect(isvc!.spec.predictor.autoScaling.metrics[0].resource.target.averageUtilization).toBe(80);
    expect(readdirSync(cwd)).not.toContain('elsewhere');
  }, 30_000);

  it('fails clearly on an unknown deployment or conflicting flags, writing nothing', async () => {
    const cwd = project.dir;
    const [missing, both, bad] = await Promise.all([
      runCli(cwd, ['deploy', 'k8s', 'nope', '-o', 'out']),
      runCli(cwd, ['deploy', 'k8s', 'churn-api', '--replicas', '2', '--max-replicas', '4', '-o', 'out']),
      runCli(cwd, ['deploy', 'k8s', 'churn-api', '--min-replicas', '5', '--max-replicas', '2', '-o', 'out']),
    ]);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/nope/);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--replicas with --min-replicas\/--max-replicas\/--cpu-target/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--min-replicas \(5\) is above --max-replicas \(2\)/);
    expect(readdirSync(cwd)).not.toContain('out');
  }, 30_000);
});
