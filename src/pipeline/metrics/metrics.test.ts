import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/cli.js';
import { metricsDiff } from './metrics-diff.js';
import { showMetrics } from './metrics-show.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'ignore' });
}

const project = () => ({ root: dir, cacheDir: path.join(dir, '.paddock/cache') });

describe('metrics', () => {
  it('shows stage and top-level metrics with dotted keys', async () => {
    write('dvc.yaml', 'stages:\n  eval:\n    cmd: echo\n    metrics:\n      - eval/scores.json:\n          cache: false\nmetrics:\n  - summary.yaml\n  - missing.json\n');
    write('eval/scores.json', '{"auc": 0.91, "per_class": {"cat": {"f1": 0.8}}, "label": "v1"}');
    write('summary.yaml', 'loss: 0.25\n');
    const shown = await showMetrics(project());
    expect(shown.metrics).toEqual({ 'eval/scores.json': { auc: 0.91, 'per_class.cat.f1': 0.8, label: 'v1' }, 'summary.yaml': { loss: 0.25 } });
    expect(shown.errors).toEqual({ 'missing.json': 'missing' });
  });

  it('diffs metrics across real commits with deltas for numbers only', async () => {
    write('dvc.yaml', 'stages:\n  eval:\n    cmd: echo\n    metrics:\n      - m.json:\n          cache: false\n');
    write('m.json', '{"acc": 0.8, "loss": {"train": 0.5}, "model": "a", "steps": 100}');
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'one');
    write('m.json', '{"acc": 0.9, "loss": {"train": 0.25}, "model": "b", "steps": 100, "f1": 0.7}');
    git('commit', '-q', '-am', 'two');
    const diff = await metricsDiff(project(), { a: 'HEAD~1', b: 'HEAD' });
    expect(diff).toEqual({
      'm.json': {
        acc: { old: 0.8, new: 0.9, diff: 0.1 },
        f1: { old: null, new: 0.7 },
        'loss.train': { old: 0.5, new: 0.25, diff: -0.25 },
        model: { old: 'a', new: 'b' },
      },
    });
    write('m.json', '{"acc": 0.95, "loss": {"train": 0.25}, "model": "b", "steps": 100, "f1": 0.7}');
    expect(await metricsDiff(project())).toEqual({ 'm.json': { acc: { old: 0.9, new: 0.95, diff: 0.05 } } });
    expect((await metricsDiff(project(), { all: true }))['m.json']!.steps).toEqual({ old: 100, new: 100, diff: 0 });
    expect((await showMetrics(project(), { rev: 'HEAD~1' })).metrics['m.json']!.acc).toBe(0.8);
  });

  it('reads a cached metrics file of an old revision through dvc.lock and the cache', async () => {
    write('dvc.yaml', 'stages:\n  eval:\n    cmd: echo\n    metrics: [m.json]\n');
    // md5 of the bytes {"acc": 0.5} (computed with md5sum).
    const content = '{"acc": 0.5}';
    const md5 = execFileSync('md5sum', { input: content }).toString().split(' ')[0]!;
    write(`.paddock/cache/files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`, content);
    write('dvc.lock', `schema: '2.0'\nstages:\n  eval:\n    cmd: echo\n    outs:\n    - path: m.json\n      hash: md5\n      md5: ${md5}\n      size: ${content.length}\n`);
    write('.gitignore', 'm.json\n.paddock\n');
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'one');
    write('m.json', '{"acc": 0.75}');
    expect(await metricsDiff(project())).toEqual({ 'm.json': { acc: { old: 0.5, new: 0.75, diff: 0.25 } } });
    rmSync(path.join(dir, 'm.json'));
    expect((await showMetrics(project())).errors).toEqual({ 'm.json': 'missing' });
  });
});
