import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../test-support/cli.js';

// End-to-end: dag, stage list, params diff, metrics show/diff and plots show through the real CLI.
let dir: string;
let cleanup: () => void;

function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'ignore' });
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  git('init', '-q');
  expect((await runCli(dir, ['init'])).code).toBe(0);
  write('params.yaml', 'prepare:\n  split: 0.2\ntrain:\n  lr: 0.01\n');
  write(
    'dvc.yaml',
    `stages:
  prepare:
    desc: Split the raw data
    cmd: python prepare.py \${prepare.split}
    deps: [data/raw.csv]
    params: [prepare.split]
    outs: [data/prepared]
  train:
    cmd: python train.py --lr \${train.lr}
    deps: [data/prepared]
    params: [train.lr]
    outs: [model.pkl]
    metrics:
      - metrics.json:
          cache: false
    plots:
      - loss.csv:
          x: step
          y: loss
`,
  );
  write('metrics.json', '{"acc": 0.8, "nested": {"f1": 0.5}}');
  write('loss.csv', 'step,loss\n0,1\n1,0.6\n2,0.4\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  write('params.yaml', 'prepare:\n  split: 0.2\ntrain:\n  lr: 0.02\n');
  write('metrics.json', '{"acc": 0.85, "nested": {"f1": 0.5}}');
});

afterAll(() => cleanup());

describe('pipeline inspection commands', () => {
  it('dag renders text, mermaid, dot and json', async () => {
    const text = await runCli(dir, ['dag']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('| prepare |');
    expect(text.stdout).toContain('| train |');
    expect((await runCli(dir, ['dag', '--mermaid'])).stdout).toContain('node1-->node2');
    expect((await runCli(dir, ['dag', '--dot'])).stdout).toContain('"prepare" -> "train";');
    const json = JSON.parse((await runCli(dir, ['dag', '--json', 'prepare'])).stdout) as { stages: { name: string }[] };
    expect(json.stages.map((s) => s.name)).toEqual(['prepare']);
    const bad = await runCli(dir, ['dag', 'trian']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("did you mean 'train'");
  });

  it('stage list shows descriptions', async () => {
    const r = await runCli(dir, ['stage', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/prepare\s+Split the raw data/);
    expect(r.stdout).toMatch(/train\s+Outputs model\.pkl, metrics\.json, loss\.csv/);
  });

  it('params diff compares HEAD with the workspace', async () => {
    const r = await runCli(dir, ['params', 'diff', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ 'params.yaml': { 'train.lr': { old: 0.01, new: 0.02 } } });
    const table = await runCli(dir, ['params', 'diff', '--all']);
    expect(table.stdout).toMatch(/params\.yaml\s+prepare\.split\s+0\.2\s+0\.2/);
    expect(table.stdout).toMatch(/Path\s+Param\s+HEAD\s+workspace/);
  });

  it('metrics show and diff', async () => {
    const show = await runCli(dir, ['metrics', 'show', '--json']);
    expect(JSON.parse(show.stdout)).toEqual({ 'metrics.json': { acc: 0.85, 'nested.f1': 0.5 } });
    expect((await runCli(dir, ['metrics', 'show'])).stdout).toMatch(/metrics\.json\s+nested\.f1\s+0\.5/);
    const diff = await runCli(dir, ['metrics', 'diff', '--json']);
    expect(JSON.parse(diff.stdout)).toEqual({ 'metrics.json': { acc: { old: 0.8, new: 0.85, diff: 0.05 } } });
    expect((await runCli(dir, ['metrics', 'diff'])).stdout).toMatch(/metrics\.json\s+acc\s+0\.8\s+0\.85\s+\+0\.05/);
  });

  it('plots show writes one self-contained HTML page and prints its path', async () => {
    const r = await runCli(dir, ['plots', 'show', '-o', 'report/plots.html']);
    expect(r.code).toBe(0);
    const out = path.join(dir, 'report/plots.html');
    expect(r.stdout.trim()).toBe(out);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<svg ');
    expect((html.match(/<circle class="point"/g) ?? []).length).toBe(3);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('reports malformed dvc.yaml with the file and line', async () => {
    const { dir: other, cleanup: done } = tempDir();
    try {
      mkdirSync(path.join(other, '.paddock'));
      writeFileSync(path.join(other, 'dvc.yaml'), 'stages:\n  a:\n    cmd: echo\n    outz: [x]\n');
      const r = await runCli(other, ['dag']);
      expect(r.code).toBe(65);
      expect(r.stderr).toContain(`${path.join(other, 'dvc.yaml')}:4`);
      expect(r.stderr).toContain("did you mean 'outs'");
    } finally {
      done();
    }
  });
});
