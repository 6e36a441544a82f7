import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import { tempDir } from '../../test-support/cli.js';
import { buildDag } from '../dag/build-dag.js';
import { loadPipeline } from '../definition/load-pipeline.js';
import { checkDependencies, planStages, type PlanOptions } from './plan.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

// a → b → c → d, and e independent; c is frozen.
const YAML = `stages:
  a:
    cmd: x
    outs: [a.txt]
  b:
    cmd: x
    deps: [a.txt]
    outs: [b.txt]
  c:
    cmd: x
    deps: [b.txt]
    outs: [c.txt]
    frozen: true
  d:
    cmd: x
    deps: [c.txt]
    outs: [d.txt]
  e:
    cmd: x
    deps: [in.txt]
    outs: [e.txt]
`;

async function plan(options: PlanOptions, yaml = YAML) {
  const { dir, cleanup } = tempDir('paddock-plan-');
  cleanups.push(cleanup);
  mkdirSync(path.join(dir, '.paddock'));
  writeFileSync(path.join(dir, 'dvc.yaml'), yaml);
  const dag = buildDag(await loadPipeline({ root: dir }));
  const steps = planStages(dag, dir, options);
  return { steps, dag, names: steps.map((s) => s.stage.name), after: Object.fromEntries(steps.map((s) => [s.stage.name, s.after])) };
}

describe('repro plan', () => {
  it('takes every stage in topological order with their waits', async () => {
    const { names, after } = await plan({});
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(after).toEqual({ a: [], b: ['a'], c: ['b'], d: ['c'], e: [] });
  });

  it('does not cross a frozen stage to its upstream (DVC disconnects it)', async () => {
    expect((await plan({ targets: ['d'] })).names).toEqual(['c', 'd']);
    expect((await plan({ targets: ['b'] })).names).toEqual(['a', 'b']);
  });

  it('--downstream takes the targets and their descendants; --single-item only the targets', async () => {
    expect((await plan({ targets: ['b'], downstream: true })).names).toEqual(['b', 'c', 'd']);
    const single = await plan({ targets: ['d', 'b'], single: true });
    expect(single.names).toEqual(['b', 'd']);
    expect(single.after).toEqual({ b: [], d: [] });
  });

  it('DEPENDENCY_MISSING names the stage and the path, unless a planned stage produces it', async () => {
    const all = await plan({});
    try {
      checkDependencies(all.dag, all.steps);
      expect.unreachable();
    } catch (err) {
      expect(isPaddockError(err, 'DEPENDENCY_MISSING')).toBe(true);
      expect((err as Error).message).toMatch(/stage 'e' .*dependency 'in.txt' does not exist and no stage produces it/);
    }
    const upToB = await plan({ targets: ['b'] });
    expect(() => checkDependencies(upToB.dag, upToB.steps)).not.toThrow();
    const onlyB = await plan({ targets: ['b'], single: true });
    expect(() => checkDependencies(onlyB.dag, onlyB.steps)).toThrow(/stage 'a' produces it but is not part of this run/);
  });
});
