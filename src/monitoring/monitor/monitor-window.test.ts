import { describe, expect, it } from 'vitest';
import { classificationMetrics } from '../../models/index.js';
import { prng } from '../../test-support/prng.js';
import { MemoryPredictionLog } from '../../test-support/memory-prediction-log.js';
import type { PredictionRecord } from '../prediction-log/prediction-log.js';
import { profileColumns } from '../profiles/monitoring-profile.js';
import { estimatePerformance } from './cbpe.js';
import { monitorSeries } from './monitor-window.js';
import type { MonitorReference } from './reference.js';
import { renderMonitorHtml } from './report-html.js';

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const DRIFTED = 3;

function normal(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Rows whose true label is drawn from the model's own probability: the model is calibrated by construction. */
function rows(n: number, seed: number, shift: number) {
  const rand = prng(seed);
  const z = normal(rand);
  return Array.from({ length: n }, () => {
    const x = z() + shift;
    const color = shift ? (rand() < 0.8 ? 'c' : 'a') : ['a', 'b', 'c'][Math.floor(rand() * 3)]!;
    const p = 1 / (1 + Math.exp(-1.5 * x));
    return { x, color, p, label: rand() < p ? 1 : 0 };
  });
}

function reference(): MonitorReference {
  const train = rows(5000, 1, 0);
  return {
    source: 'monitoring-profile',
    inputs: profileColumns([{ name: 'x', kind: 'numeric', values: train.map((r) => r.x) }, { name: 'color', kind: 'categorical', values: train.map((r) => r.color) }]),
    outputs: profileColumns([{ name: 'label', kind: 'categorical', values: train.map((r) => String(r.p > 0.5 ? 1 : 0)) }, { name: 'probabilities', kind: 'numeric', values: train.map((r) => r.p) }]),
    task: { kind: 'classification', classes: [0, 1] },
    outputNames: { label: 'label', probabilities: 'probabilities' },
    metrics: { accuracy: 0.8, roc_auc: 0.85 },
    description: 'synthetic',
  };
}

let cached: ReturnType<typeof build> | undefined;
const fixture = () => (cached ??= build());

async function build() {
  const store = new MemoryPredictionLog();
  const windows: ReturnType<typeof rows>[] = [];
  for (let w = 0; w < 5; w++) {
    const data = rows(2000, 100 + w, w === DRIFTED ? 1.5 : 0);
    windows.push(data);
    const records: PredictionRecord[] = data.map((r, i) => ({
      requestId: `w${w}-${i}`, rowIndex: 0, deployment: 'fraud', model: 'm', version: '1', variant: 'stable',
      inputs: { x: r.x, color: r.color }, outputs: { label: r.p > 0.5 ? 1 : 0, probabilities: [1 - r.p, r.p] },
      latencyMs: 1 + (i % 100), at: START + w * HOUR + i * 1000,
    }));
    await store.append(records);
    await store.attachLabels('fraud', data.map((r, i) => ({ requestId: `w${w}-${i}`, rowIndex: 0, label: r.label })));
  }
  const series = await monitorSeries({ store, deployment: 'fraud', reference: reference(), windowMs: HOUR, windows: 5, until: START + 5 * HOUR });
  return { series, windows };
}

describe('monitorWindow over a fake prediction log', () => {
  it('finds drift in the window whose inputs shifted, and not in the stable ones', async () => {
    const { series } = await fixture();
    expect(series.map((w) => w.rows)).toEqual([2000, 2000, 2000, 2000, 2000]);
    series.forEach((w, i) => {
      const x = w.drift!.columns.find((c) => c.column === 'x')!;
      expect(x.test).toBe('wasserstein');
      expect(w.drift!.datasetDrift).toBe(i === DRIFTED);
      expect(x.drifted).toBe(i === DRIFTED);
      // The model's outputs move with its inputs: prediction drift in the same window only.
      expect(w.outputDrift!.columns.find((c) => c.column === 'probabilities')!.drifted).toBe(i === DRIFTED);
    });
    expect(series[DRIFTED]!.drift!.columns.find((c) => c.column === 'color')!.drifted).toBe(true);
  });

  it("computes realized performance with the evaluation metrics on the window's labeled rows", async () => {
    const { series, windows } = await fixture();
    const data = windows[0]!;
    const expected = classificationMetrics({ yTrue: Int32Array.from(data.map((r) => r.label)), probabilities: Float64Array.from(data.flatMap((r) => [1 - r.p, r.p])), classes: [0, 1] }).metrics;
    const realized = series[0]!.performance.realized!;
    expect(realized.rows).toBe(2000);
    for (const k of ['accuracy', 'f1', 'roc_auc', 'log_loss']) expect(realized.metrics[k]).toBeCloseTo(expected[k]!, 12);
    expect(series[0]!.labeled).toBe(2000);
    expect(series[0]!.latency!.p99).toBe(99);
  });

  it('estimates accuracy and ROC AUC (CBPE) close to the realized values when the probabilities are calibrated', async () => {
    const { series } = await fixture();
    // With n = 2000 the realized accuracy's standard error is about √(0.2·0.8/2000) ≈ 0.009: four of them is 0.036.
    for (const w of series) {
      expect(Math.abs(w.performance.estimated!.accuracy - w.performance.realized!.metrics.accuracy!)).toBeLessThan(0.04);
      expect(Math.abs(w.performance.estimated!.roc_auc - w.performance.realized!.metrics.roc_auc!)).toBeLessThan(0.04);
    }
  });

  it('CBPE by hand: expected accuracy is the mean confidence of the predicted class, AUC from expected rates', () => {
    const e = estimatePerformance([0.9, 0.2, 0.6, 0.5])!;
    expect(e.accuracy).toBeCloseTo((0.9 + 0.8 + 0.6 + 0.5) / 4, 12);
    expect(e.precision).toBeCloseTo(1.5 / 2, 12);
    // Perfectly separated certain scores give AUC 1; all scores equal give 0.5.
    expect(estimatePerformance([1, 1, 0, 0])!.roc_auc).toBe(1);
    expect(estimatePerformance([0.3, 0.3, 0.3])!.roc_auc).toBeCloseTo(0.5, 12);
  });

  it('renders a self-contained report with a chart per column', async () => {
    const { series } = await fixture();
    const html = renderMonitorHtml({ deployment: 'fraud', reference: reference(), windowMs: HOUR, windows: series, alerts: [], generatedAt: START + 5 * HOUR });
    expect(html).toContain('data-column="x"');
    expect(html).toContain('data-column="color"');
    expect(html).toContain('data-column="probabilities"');
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(5);
    expect(html).toContain('Performance over time');
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?https?:/i);
    expect(html).not.toMatch(/https?:\/\//);
  });
});
