import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonitoringProfile } from '../../app-model-packages.js';
import { MONITORING_PROFILE_FILE, parseTrainerParams, trainPackage, type TrainPackageInput } from '../../models/index.js';
import { prng } from '../../test-support/prng.js';
import { referenceFromPackage } from './reference.js';

let tmp: string;
let data: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'paddock-monitor-ref-'));
  data = path.join(tmp, 'train.csv');
  const rand = prng(7);
  const lines = ['a,b,color,y'];
  for (let i = 0; i < 3000; i++) {
    const a = rand() * 10;
    const b = rand();
    lines.push(`${a},${b},${['red', 'green', 'blue'][i % 3]},${a + b * 3 > 6 ? 1 : 0}`);
  }
  writeFileSync(data, `${lines.join('\n')}\n`);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const input = (out: string): TrainPackageInput => ({
  data, task: 'classification', target: 'y', params: parseTrainerParams({ algorithm: 'gbdt', n_estimators: 5 }, 'test'),
  name: 'ref', outDir: path.join(tmp, out), lineage: {}, producerVersion: '0.0.0-test', buildMonitoringProfile,
});

describe('the monitoring profile in a trained package', () => {
  it('is byte-identical across trainings and reads back as the reference of inputs and outputs', async () => {
    const a = await trainPackage(input('a'));
    const b = await trainPackage(input('b'));
    expect(a.pkg.manifest.monitoring_profile).toBe(MONITORING_PROFILE_FILE);
    const bytes = (dir: string) => readFileSync(path.join(dir, MONITORING_PROFILE_FILE));
    expect(Buffer.compare(bytes(a.pkg.dir), bytes(b.pkg.dir))).toBe(0);
    const ref = await referenceFromPackage(a.pkg);
    expect(ref.source).toBe('monitoring-profile');
    expect(ref.inputs.profile.spec.columns.map((c) => [c.name, c.kind])).toEqual([['a', 'numeric'], ['b', 'numeric'], ['color', 'categorical']]);
    expect(ref.outputs.profile.spec.columns.map((c) => c.name)).toEqual(['label', 'probabilities']);
    expect(ref.inputs.profile.rows).toBe(3000);
    expect(ref.outputNames).toEqual({ label: 'label', probabilities: 'probabilities' });
    expect(ref.metrics.accuracy).toBeGreaterThan(0.8);
  });

  it('falls back to reference-profile.yaml for packages without one', async () => {
    const pkg = (await trainPackage(input('c'))).pkg;
    const ref = await referenceFromPackage({ ...pkg, manifest: { ...pkg.manifest, monitoring_profile: undefined } });
    expect(ref.source).toBe('reference-profile');
    const a = ref.inputs.profile.column('a')!;
    expect(a.kind).toBe('numeric');
    expect(a.count).toBe(3000);
    expect(ref.outputs.profile.spec.columns).toEqual([]);
  });
});
