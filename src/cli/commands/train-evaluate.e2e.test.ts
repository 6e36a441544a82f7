import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../core/errors.js';
import { openMetadataStore } from '../../storage/sql/open-metadata-store.js';
import { CLI, runCli, tempDir, type CliResult } from '../../test-support/cli.js';

/**
 * The train → evaluate → register → reproduce loop through the real CLI, in a git repository with
 * Paddock initialised, on the Palmer penguins (344 rows, string labels, a few nulls).
 */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PENGUINS = path.join(REPO, 'node_modules', 'vega-datasets', 'data', 'penguins.json');
const CLEAN_CACHE = '.paddock/models/x/1';
const N_ESTIMATORS = 20;

type Penguin = Record<string, string | number | null>;

function csv(rows: readonly Penguin[], columns: readonly string[]): string {
  const cell = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : /[",]/.test(String(v)) ? JSON.stringify(String(v)) : String(v));
  return `${columns.map(cell).join(',')}\n${rows.map((r) => columns.map((c) => cell(r[c])).join(',')).join('\n')}\n`;
}

/** Every file of a directory with its bytes, to show a package was left untouched. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f)).toString('base64')]));
}

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

describe('paddock train / evaluate / models reproduce (end to end through the real CLI)', () => {
  let project: { dir: string; cleanup: () => void };
  let root = '';
  const cli = (...args: string[]): Promise<CliResult> => runCli(root, args);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, env: { ...process.env, ...GIT_ENV }, stdio: 'pipe' });
  const file = (rel: string) => path.join(root, rel);

  beforeAll(async () => {
    project = tempDir('paddock-train-e2e-');
    root = project.dir;
    git('init', '-q');
    expect((await cli('init')).code).toBe(0);
    const penguins = JSON.parse(readFileSync(PENGUINS, 'utf8')) as Penguin[];
    const columns = Object.keys(penguins[0]!);
    writeFileSync(file('penguins.csv'), csv(penguins, columns));
    writeFileSync(file('no-sex.csv'), csv(penguins, columns.filter((c) => c !== 'Sex')));
    // Small data is often committed to git rather than tracked by a .dvc file.
    writeFileSync(file('in-git.csv'), csv(penguins.slice(0, 200), columns));
    writeFileSync(file('params.yaml'), `train:\n  algorithm: gbdt\n  n_estimators: ${N_ESTIMATORS}\n  max_depth: 3\n  learning_rate: 0.3\n  min_samples_leaf: 5\n`);
    writeFileSync(file('other.yaml'), 'algorithm: linear\nl2: 0.05\n');
    expect((await cli('add', 'penguins.csv')).code).toBe(0);
    git('add', '-A');
    git('commit', '-qm', 'penguins');
  });
  afterAll(() => project.cleanup());

  const train = (...extra: string[]) => cli('train', '--task', 'classification', '--target', 'Species', '--data', 'penguins.csv', ...extra);

  it('train writes a package and logs a run: params, per-iteration loss, the package as artifact', async () => {
    const r = await train('--params', 'params.yaml:train', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { package: string; runId: string; rows: number; metrics: Record<string, number> };
    expect(result.rows).toBe(344);
    expect(result.metrics.train_accuracy).toBeGreaterThan(0.95);
    expect(existsSync(file('model/model.onnx'))).toBe(true);
    expect(readFileSync(file('model/paddock-model.yaml'), 'utf8')).toContain(`run_id: ${result.runId}`);

    const runs = JSON.parse((await cli('runs', 'list', '--json')).stdout).runs as {
      info: { runId: string; status: string; artifactUri: string };
      data: { params: { key: string; value: string }[]; metrics: { key: string; value: number; step: number }[] };
    }[];
    const run = runs.find((x) => x.info.runId === result.runId)!;
    expect(run.info.status).toBe('FINISHED');
    const params = Object.fromEntries(run.data.params.map((p) => [p.key, p.value]));
    expect(params).toMatchObject({ algorithm: 'gbdt', target: 'Species', task: 'classification', n_estimators: String(N_ESTIMATORS), learning_rate: '0.3' });
    const latest = (key: string) => run.data.metrics.find((m) => m.key === key);
    // The summary metrics sit at the last round, so the latest value of the loss is the final model's.
    expect(latest('train_accuracy')).toMatchObject({ value: result.metrics.train_accuracy, step: N_ESTIMATORS });
    expect(latest('train_log_loss')).toMatchObject({ value: result.metrics.train_log_loss, step: N_ESTIMATORS });
    expect(latest('train_rows')?.value).toBe(344);
    const artifacts = run.info.artifactUri.replace(/^file:(\/\/)?/, '');
    expect(readFileSync(path.join(artifacts, 'model', 'model.onnx')).equals(readFileSync(file('model/model.onnx')))).toBe(true);
    expect(existsSync(path.join(artifacts, 'model', 'paddock-model.yaml'))).toBe(true);

    const meta = await openMetadataStore('sqlite:.paddock/paddock.db', { root, artifactsRoot: path.join(root, '.paddock', 'artifacts') });
    try {
      const history = (await meta.tracking.getMetricHistory(result.runId, 'train_log_loss')).items;
      // One point per boosting round (steps 1..n), then the final model's value at the last round.
      expect(history.map((m) => m.step)).toEqual([...Array.from({ length: N_ESTIMATORS }, (_, i) => i + 1), N_ESTIMATORS]);
      expect(history.at(-1)!.value).toBe(result.metrics.train_log_loss);
      expect(history.at(-2)!.value).toBeCloseTo(result.metrics.train_log_loss!, 9);
      expect(history.at(-1)!.value).toBeLessThan(history[0]!.value / 2);
    } finally {
      await meta.close();
    }
  });

  it('train refuses to overwrite a package without --force (ALREADY_EXISTS), and replaces it with --force', async () => {
    const before = snapshot(file('model'));
    const runCount = async () => (JSON.parse((await cli('runs', 'list', '--json')).stdout).runs as unknown[]).length;
    const runsBefore = await runCount();
    const again = await train('--algorithm', 'linear');
    expect(again.code).toBe(ERROR_CATALOGUE.ALREADY_EXISTS.exit);
    expect(again.stderr).toMatch(/model: already exists.*--force/);
    expect(snapshot(file('model'))).toEqual(before);
    // Refused before anything started: no failed run is left in tracking.
    expect(await runCount()).toBe(runsBefore);
    const forced = await train('--params', 'params.yaml:train', '--algorithm', 'linear', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/Trained linear classification of 'Species' on 344 rows/);
    expect(snapshot(file('model'))['model.onnx']).not.toEqual(before['model.onnx']);
    expect(readFileSync(file('model/paddock-model.yaml'), 'utf8')).toMatch(/algorithm: linear/);
  });

  it('evaluate prints metrics, writes the metrics JSON and an HTML report with charts', async () => {
    const r = await cli('evaluate', 'model', 'penguins.csv', '--metrics-file', 'metrics.json', '--report', 'report.html', '--gate', 'latency_p99_ms <= 1000');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/model on penguins\.csv: classification, 344 rows/);
    const metrics = JSON.parse(readFileSync(file('metrics.json'), 'utf8')) as Record<string, number>;
    expect(metrics.n).toBe(344);
    expect(metrics.accuracy).toBeGreaterThan(0.95);
    expect(metrics.roc_auc).toBeGreaterThan(0.95);
    expect(r.stdout).toMatch(new RegExp(`accuracy\\s+${String(metrics.accuracy).slice(0, 6).replace('.', '\\.')}`));
    const html = readFileSync(file('report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<svg');
    // The gate appears with its own comparison, not another one.
    expect(html).toMatch(/latency_p99_ms &lt;= 1000/);
    expect(html).toMatch(/<td[^>]*>&lt;=<\/td>/);
  });

  it('a failing gate exits with GATE_FAILED and shows both values; a typo in a metric fails before any scoring', async () => {
    const r = await cli('evaluate', 'model', 'penguins.csv', '--no-track', '--gate', 'accuracy >= 0.5', '--gate', 'accuracy >= 1.5');
    expect(r.code, r.stderr).toBe(ERROR_CATALOGUE.GATE_FAILED.exit);
    expect(r.stderr).toContain(ERROR_CATALOGUE.GATE_FAILED.hint);
    expect(r.stderr).toMatch(/1 of 2 gates failed: accuracy >= 1\.5/);
    expect(r.stdout).toMatch(/PASS\s+accuracy >= 0\.5/);
    // The failing gate shows the candidate's value (as in the metrics table) and the threshold.
    const metricText = /^accuracy\s+([\d.]+)$/m.exec(r.stdout)![1]!.replace('.', '\\.');
    expect(r.stdout).toMatch(new RegExp(`FAIL\\s+accuracy >= 1\\.5\\s+→\\s+accuracy = ${metricText}\\b.*\\b1\\.5`));

    // The data file does not exist: the gate typo must be reported first, so nothing was scored.
    const typo = await cli('evaluate', 'model', 'no-such-file.csv', '--metrics-file', 'typo.json', '--gate', 'acuracy >= 0.9');
    expect(typo.code).toBe(ERROR_CATALOGUE.INVALID_ARGUMENT.exit);
    expect(typo.stderr).toMatch(/unknown metric "acuracy"; did you mean "accuracy"\?/);
    expect(existsSync(file('typo.json'))).toBe(false);
  });

  it('--compare with no champion yet skips champion gates and says so', async () => {
    const r = await cli('evaluate', 'model', 'penguins.csv', '--no-track', '--compare', 'models:/x@champion', '--gate', 'accuracy >= champion.accuracy', '--gate', 'accuracy >= 0.9');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('No model at models:/x@champion yet: gates on champion.* are skipped.');
    expect(r.stdout).toMatch(/SKIP\s+accuracy >= champion\.accuracy\s+\(no model at models:\/x@champion yet\)/);
    expect(r.stdout).toMatch(/PASS\s+accuracy >= 0\.9/);
  });

  it('after registering, --compare shows the champion beside the candidate and decides champion gates', async () => {
    const reg = await cli('models', 'register', 'model', '--name', 'x', '--alias', 'champion');
    expect(reg.code, reg.stderr).toBe(0);
    expect(reg.stdout).toMatch(/Registered x version 1 as x@champion/);

    const args = ['evaluate', 'model', 'penguins.csv', '--no-track', '--compare', 'models:/x@champion', '--gate', 'accuracy >= champion.accuracy - 0.01', '--gate', 'log_loss < champion.log_loss'];
    const json = await cli(...args, '--json');
    expect(json.code).toBe(ERROR_CATALOGUE.GATE_FAILED.exit);
    const out = JSON.parse(json.stdout) as { metrics: Record<string, number>; champion: { missing: boolean; metrics: Record<string, number> }; gates: { status: string; left: number; right: number }[] };
    expect(out.champion.missing).toBe(false);
    // The champion is this very package: same predictions, same quality metrics.
    for (const k of ['accuracy', 'roc_auc', 'log_loss', 'n']) expect(out.champion.metrics[k]).toBe(out.metrics[k]);
    expect(out.gates.map((g) => g.status)).toEqual(['passed', 'failed']);
    expect(out.gates[0]!.right).toBeCloseTo(out.metrics.accuracy! - 0.01, 12);
    expect(out.gates[1]).toMatchObject({ left: out.metrics.log_loss, right: out.metrics.log_loss });

    const text = await cli(...args);
    expect(text.stdout).toMatch(/metric\s+value\s+champion\s+delta/);
    expect(text.stdout).toMatch(/accuracy\s+\S+\s+\S+\s+\+0\b/);
    expect(text.stdout).toMatch(/FAIL\s+log_loss < champion\.log_loss.*champion\.log_loss = /);
    expect(text.stdout).not.toContain('SKIP');
  });

  it('models reproduce rebuilds the registered version byte for byte, and reports a tampered model or changed params', async () => {
    const ok = await cli('models', 'reproduce', 'models:/x/1');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/penguins\.csv \(md5 [0-9a-f]{12}, from cache\)/);
    expect(ok.stdout).toContain('Byte-identical');
    const sha = /registered model\.onnx\s+sha256 ([0-9a-f]{64})/.exec(ok.stdout)![1];
    expect(ok.stdout).toMatch(new RegExp(`rebuilt model\\.onnx\\s+sha256 ${sha}`));

    // A different model with the same signature swapped into the downloaded copy.
    expect((await cli('train', '--task', 'classification', '--target', 'Species', '--data', 'penguins.csv', '--params', 'other.yaml', '-o', 'other', '--no-track')).code).toBe(0);
    const cached = file(`${CLEAN_CACHE}/model.onnx`);
    const original = readFileSync(cached);
    copyFileSync(file('other/model.onnx'), cached);
    const tampered = await cli('models', 'reproduce', 'models:/x/1');
    expect(tampered.code).toBe(ERROR_CATALOGUE.NOT_REPRODUCIBLE.exit);
    expect(tampered.stderr).toMatch(/models:\/x\/1 did not reproduce/);
    expect(tampered.stdout).not.toContain('Byte-identical');
    writeFileSync(cached, original);

    const manifest = file(`${CLEAN_CACHE}/paddock-model.yaml`);
    const text = readFileSync(manifest, 'utf8');
    expect(text).toMatch(/max_iter: 100\n/);
    writeFileSync(manifest, text.replace(/max_iter: 100\n/, 'max_iter: 2\n'));
    const changed = await cli('models', 'reproduce', 'models:/x/1');
    expect(changed.code).toBe(ERROR_CATALOGUE.NOT_REPRODUCIBLE.exit);
    expect(changed.stderr).toMatch(/did not reproduce: the rebuilt model file differs/);
    writeFileSync(manifest, text);
  });

  it('models reproduce uses training data committed to git when its md5 matches', async () => {
    const trained = await cli('train', '--task', 'classification', '--target', 'Species', '--data', 'in-git.csv', '-o', 'git-model', '--no-track', '--params', 'params.yaml:train');
    expect(trained.code, trained.stderr).toBe(0);
    const r = await cli('models', 'reproduce', 'git-model');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/in-git\.csv \(md5 [0-9a-f]{12}, from git\)/);
    expect(r.stdout).toContain('Byte-identical');
  });

  it('evaluating on data without one of the model inputs names the column', async () => {
    const r = await cli('evaluate', 'model', 'no-sex.csv', '--no-track');
    expect(r.code).toBe(ERROR_CATALOGUE.INVALID_ARGUMENT.exit);
    expect(r.stderr).toMatch(/no-sex\.csv: no column 'Sex'/);
  });

  it('train runs as a dvc.yaml stage, and a second repro does nothing', async () => {
    const cmd = `node ${JSON.stringify(CLI)} train --task classification --target Species --data penguins.csv --params params.yaml:train -o staged`;
    writeFileSync(file('dvc.yaml'), `stages:\n  train:\n    cmd: ${JSON.stringify(cmd)}\n    deps: [penguins.csv]\n    params: [train]\n    outs: [staged]\n`);
    const first = await cli('repro');
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toMatch(/1 ran/);
    const onnx = readFileSync(file('staged/model.onnx'));
    const lock = readFileSync(file('dvc.lock'), 'utf8');
    expect(lock).toMatch(/path: staged/);
    const second = await cli('repro');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('nothing to reproduce');
    expect(readFileSync(file('staged/model.onnx')).equals(onnx)).toBe(true);
    expect(readFileSync(file('dvc.lock'), 'utf8')).toBe(lock);
  });
});
