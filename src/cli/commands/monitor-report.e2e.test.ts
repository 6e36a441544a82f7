import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPredictionLogStore } from '../../app-prediction-log.js';
import { openMetadata, openProject } from '../../app.js';
import type { MonitorReport, PredictionRecord } from '../../monitoring/index.js';
import { runCli, runCliOk, tempDir, type CliResult } from '../../test-support/cli.js';
import { prng } from '../../test-support/prng.js';

/**
 * `paddock monitor report` end to end through the real CLI (dist/): a classifier trained and
 * deployed with the CLI, two hours of its traffic written to the project's prediction log (through
 * the store the CLI opens, with chosen prediction times, since the report's windows are by
 * prediction time), labels joined with `paddock monitor labels`, then the report over both hours:
 * drift only where the inputs were shifted, realized accuracy where labels arrived, and a
 * self-contained HTML page.
 */
const HOUR_MS = 3_600_000;
const UNTIL = Date.parse('2026-03-02T12:00:00.000Z');
const ROWS_PER_WINDOW = 150;
const ROWS_PER_REQUEST = 5;
const LABELED_ROWS = 60;
const COLORS = ['red', 'green', 'blue'] as const;
const X1 = { mean: 10, std: 2 };
const X2 = { mean: 0, std: 1 };

interface Row {
  readonly x1: number;
  readonly x2: number;
  readonly color: string;
}

/** Standard normal draws (Box–Muller) from a seeded uniform source. */
function normal(rnd: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

function draw(seed: number, n: number, shiftStd = 0): Row[] {
  const rnd = prng(seed);
  const z = normal(rnd);
  return Array.from({ length: n }, () => ({
    x1: round(X1.mean + X1.std * (z() + shiftStd)),
    x2: round(X2.mean + X2.std * (z() + shiftStd)),
    color: COLORS[Math.floor(rnd() * COLORS.length)]!,
  }));
}

const round = (v: number): number => Math.round(v * 1000) / 1000;
/** The ground truth's rule (with noise from `rnd`), the same for training and labels. */
const truth = (r: Row, rnd: () => number): number => ((r.x1 - X1.mean) / X1.std + r.x2 + (r.color === 'red' ? 0.5 : 0) + (rnd() - 0.5) * 2 > 0 ? 1 : 0);
/** What the served model said about a row: P(class 1) and the label it implies. */
const positive = (r: Row): number => 1 / (1 + Math.exp(-((r.x1 - X1.mean) / X1.std + 0.8 * r.x2)));

function trainingCsv(): string {
  const rnd = prng(99);
  const rows = draw(1, 300).map((r) => `${r.x1},${r.x2},${r.color},${truth(r, rnd)}`);
  return `x1,x2,color,churned\n${rows.join('\n')}\n`;
}

/** One window's rows as prediction log records of requests of ROWS_PER_REQUEST rows, spread over [since, since + 1h). */
function records(prefix: string, since: number, rows: readonly Row[]): PredictionRecord[] {
  const step = HOUR_MS / (rows.length / ROWS_PER_REQUEST + 1);
  return rows.map((r, i) => {
    const p = positive(r);
    const request = Math.floor(i / ROWS_PER_REQUEST);
    return {
      requestId: `${prefix}-${request}`, rowIndex: i % ROWS_PER_REQUEST, deployment: 'web', model: 'churn', version: '1', variant: 'stable',
      inputs: { ...r }, outputs: { label: p > 0.5 ? 1 : 0, probabilities: [1 - p, p] }, latencyMs: 3 + (request % 7), at: Math.round(since + (request + 1) * step),
    };
  });
}

describe('paddock monitor report (end to end through the real CLI)', () => {
  let project: { dir: string; cleanup: () => void };
  let root = '';
  const cli = (...args: string[]): Promise<CliResult> => runCliOk(root, args);
  /** The accuracy of the labeled rows, computed here from what was written. */
  let expectedAccuracy = NaN;

  beforeAll(async () => {
    project = tempDir('paddock-monitor-report-e2e-');
    root = project.dir;
    await cli('init');
    writeFileSync(path.join(root, 'churn.csv'), trainingCsv());
    await cli('train', '--task', 'classification', '--target', 'churned', '--data', 'churn.csv', '-o', 'model', '--no-track');
    await cli('models', 'register', 'model', '--name', 'churn');
    await cli('deploy', 'create', 'web', '--model', 'churn', '--stable', '1');

    // The first hour looks like the training data; in the second both numeric inputs are 5 std higher.
    const first = records('a', UNTIL - 2 * HOUR_MS, draw(2, ROWS_PER_WINDOW));
    const second = records('b', UNTIL - HOUR_MS, draw(3, ROWS_PER_WINDOW, 5));
    const opened = openProject({ cwd: root, logLevel: 'silent' });
    const meta = await openMetadata(opened);
    const store = openPredictionLogStore(opened, meta);
    try {
      await store.append([...first, ...second]);
    } finally {
      await store.close?.();
      await meta.close();
    }

    // Labels for the first hour's first LABELED_ROWS rows, known a minute after each prediction.
    const rnd = prng(5);
    const labeled = first.slice(0, LABELED_ROWS).map((r) => ({ record: r, label: truth(r.inputs as unknown as Row, rnd) }));
    const lines = labeled.map(({ record, label }) => `${record.requestId},${record.rowIndex},${label},${new Date(record.at + 60_000).toISOString()}`);
    writeFileSync(path.join(root, 'labels.csv'), `request_id,row,label,at\n${lines.join('\n')}\n`);
    const joined = await cli('monitor', 'labels', 'labels.csv', '--deployment', 'web', '--json');
    expect(JSON.parse(joined.stdout)).toEqual({ matched: LABELED_ROWS, unmatched: 0 });
    const probabilities = (r: PredictionRecord) => r.outputs.probabilities as number[];
    expectedAccuracy = labeled.filter(({ record, label }) => (probabilities(record)[1]! > 0.5 ? 1 : 0) === label).length / LABELED_ROWS;
  }, 120_000);
  afterAll(() => project?.cleanup());

  it('reports both windows: drift only in the shifted one, realized accuracy where labels arrived, a self-contained HTML page', async () => {
    const r = await cli('monitor', 'report', 'web', '--window', '1h', '--windows', '2', '--until', new Date(UNTIL).toISOString(), '--out', 'report.html', '--json');
    const report = JSON.parse(r.stdout) as MonitorReport & { html: string };
    expect(report.deployment).toBe('web');
    expect(report.windowMs).toBe(HOUR_MS);
    expect(report.windows.map((w) => [w.since, w.until])).toEqual([[UNTIL - 2 * HOUR_MS, UNTIL - HOUR_MS], [UNTIL - HOUR_MS, UNTIL]]);
    const [first, second] = report.windows as [MonitorReport['windows'][number], MonitorReport['windows'][number]];
    for (const w of [first, second]) {
      expect(w.rows).toBe(ROWS_PER_WINDOW);
      expect(w.requests).toBe(ROWS_PER_WINDOW / ROWS_PER_REQUEST);
      expect(w.versions).toEqual({ '1': ROWS_PER_WINDOW });
      expect(w.drift!.columns.map((c) => c.column).sort()).toEqual(['color', 'x1', 'x2']);
      // The dataset verdict follows the share of drifted columns.
      expect(w.drift!.share).toBeCloseTo(w.drift!.driftedColumns / w.drift!.columns.length, 12);
      expect(w.drift!.datasetDrift).toBe(w.drift!.share >= w.drift!.driftShare);
    }
    const drifted = (w: typeof first) => w.drift!.columns.filter((c) => c.drifted).map((c) => c.column).sort();
    expect(drifted(first)).toEqual([]);
    expect(first.drift!.datasetDrift).toBe(false);
    expect(drifted(second)).toEqual(['x1', 'x2']);
    expect(second.drift!.datasetDrift).toBe(true);
    const x1 = second.drift!.columns.find((c) => c.column === 'x1')!;
    expect(x1.score).toBeLessThan(x1.threshold);

    // Realized performance in the labeled hour only, equal to the accuracy of the rows written.
    expect(first.labeled).toBe(LABELED_ROWS);
    expect(second.labeled).toBe(0);
    const realized = first.performance.realized!;
    expect(realized.rows).toBe(LABELED_ROWS);
    expect(realized.skipped).toBe(0);
    expect(realized.metrics.accuracy).toBeGreaterThanOrEqual(0);
    expect(realized.metrics.accuracy).toBeLessThanOrEqual(1);
    expect(realized.metrics.accuracy).toBeCloseTo(expectedAccuracy, 12);
    expect(realized.metrics.roc_auc).toBeGreaterThan(0.5);
    expect(second.performance.realized).toBeUndefined();
    // A binary classifier: CBPE estimates accuracy in every window with rows.
    for (const w of [first, second]) expect(w.performance.estimated!.accuracy).toBeGreaterThan(0.5);

    const file = path.join(root, 'report.html');
    expect(report.html).toBe(file);
    expect(existsSync(file)).toBe(true);
    const html = readFileSync(file, 'utf8');
    for (const column of ['x1', 'x2', 'color']) expect(html).toMatch(new RegExp(`<section class="column" data-column="${column}">.*?<svg`, 's'));
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*https?:/i);
  }, 60_000);

  it('fails naming a deployment that does not exist', async () => {
    const r = await runCli(root, ['monitor', 'report', 'nosuch', '--window', '1h', '--windows', '2', '--until', new Date(UNTIL).toISOString(), '--out', 'nosuch.html']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("'nosuch'");
    expect(existsSync(path.join(root, 'nosuch.html'))).toBe(false);
  }, 30_000);
});
