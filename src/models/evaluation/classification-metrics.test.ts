import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classificationMetrics, MAX_CURVE_POINTS } from './classification-metrics.js';

/** Cases written by scripts/make-metric-references.py with scikit-learn. */
interface ClassificationCase {
  readonly classes: number[];
  readonly yTrue: number[];
  readonly probabilities: number[];
  readonly expected: {
    readonly metrics: Record<string, number>;
    readonly confusion: number[][];
    readonly calibration: { meanPredicted: number[]; fractionPositive: number[]; count: number[] };
    readonly roc: { fpr: number[]; tpr: number[] };
    readonly pr: { recall: number[]; precision: number[] };
  };
}

const REFERENCE = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../test/fixtures/metrics/reference.json'), 'utf8')) as {
  cases: Record<string, ClassificationCase>;
};

/** |actual − expected| within tol, relative for values above 1. */
function expectClose(actual: number, expected: number, tol = 1e-9, what = ''): void {
  const ok = Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected));
  expect(ok, `${what}: ${actual} vs sklearn ${expected}`).toBe(true);
}

function evaluate(c: ClassificationCase) {
  return classificationMetrics({ yTrue: Int32Array.from(c.yTrue), probabilities: Float64Array.from(c.probabilities), classes: c.classes });
}

describe('classificationMetrics against scikit-learn', () => {
  for (const name of ['binary_ties', 'binary_continuous', 'multiclass_ties', 'multiclass_rare']) {
    it(`matches sklearn on ${name}`, () => {
      const c = REFERENCE.cases[name]!;
      const e = evaluate(c);
      expect(Object.keys(e.metrics).sort()).toEqual(Object.keys(c.expected.metrics).sort());
      for (const [metric, value] of Object.entries(c.expected.metrics)) expectClose(e.metrics[metric]!, value, 1e-9, metric);
      expect(e.confusion).toEqual(c.expected.confusion);
      expect(e.calibration.map((b) => b.count)).toEqual(c.expected.calibration.count);
      e.calibration.forEach((b, i) => {
        expectClose(b.meanPredicted, c.expected.calibration.meanPredicted[i]!, 1e-12, `calibration mean ${i}`);
        expectClose(b.fractionPositive, c.expected.calibration.fractionPositive[i]!, 1e-12, `calibration fraction ${i}`);
      });
      expect(e.roc.length).toBe(c.expected.roc.fpr.length);
      e.roc.forEach((p, i) => {
        expectClose(p.fpr, c.expected.roc.fpr[i]!, 1e-12, `roc fpr ${i}`);
        expectClose(p.tpr, c.expected.roc.tpr[i]!, 1e-12, `roc tpr ${i}`);
      });
      expect(e.pr.length).toBe(c.expected.pr.recall.length);
      e.pr.forEach((p, i) => {
        expectClose(p.recall, c.expected.pr.recall[i]!, 1e-12, `pr recall ${i}`);
        expectClose(p.precision, c.expected.pr.precision[i]!, 1e-12, `pr precision ${i}`);
      });
    });
  }

  it('the tied case really has ties and scores on the calibration bin edges', () => {
    const c = REFERENCE.cases.binary_ties!;
    const scores = c.probabilities.filter((_, i) => i % 2 === 1);
    expect(new Set(scores).size).toBeLessThan(scores.length / 2);
    expect(scores).toContain(0.1);
    expect(scores).toContain(0.3);
    // 0.1 sits on an inner edge and belongs to the first bin, as numpy's searchsorted puts it.
    const e = evaluate(c);
    expect(e.calibration[0]!.upper).toBeCloseTo(0.1, 15);
  });
});

describe('classificationMetrics details', () => {
  it('predicts the lowest class index on an argmax tie', () => {
    const e = classificationMetrics({ yTrue: Int32Array.from([0, 1, 1]), probabilities: Float64Array.from([0.5, 0.5, 0.5, 0.5, 0.2, 0.8]), classes: ['no', 'yes'] });
    expect(e.confusion).toEqual([[1, 0], [1, 1]]);
    expect(e.metrics.accuracy).toBeCloseTo(2 / 3, 15);
    expect(e.positiveClass).toBe('yes');
    expect(e.perClass.map((c) => c.support)).toEqual([1, 2]);
  });

  it('reports NaN AUC when only one class occurs, and still counts accuracy', () => {
    const e = classificationMetrics({ yTrue: Int32Array.from([1, 1]), probabilities: Float64Array.from([0.3, 0.7, 0.6, 0.4]), classes: [0, 1] });
    expect(e.metrics.roc_auc).toBeNaN();
    expect(e.metrics.accuracy).toBe(0.5);
    expect(e.metrics.pr_auc).toBe(1);
  });

  it('rejects mismatched shapes, out-of-range labels and non-finite scores with the row', () => {
    expect(() => classificationMetrics({ yTrue: Int32Array.from([0, 1]), probabilities: Float64Array.from([0.5, 0.5, 0.5]), classes: [0, 1] })).toThrow(/3 values but 2 rows × 2 classes need 4/);
    expect(() => classificationMetrics({ yTrue: Int32Array.from([0, 2]), probabilities: Float64Array.from([0.5, 0.5, 0.5, 0.5]), classes: [0, 1] })).toThrow(/row 1: true class index 2/);
    expect(() => classificationMetrics({ yTrue: Int32Array.from([0, 1]), probabilities: Float64Array.from([0.5, 0.5, NaN, 0.5]), classes: ['a', 'b'] })).toThrow(/row 1: probability of class a is NaN/);
    expect(() => classificationMetrics({ yTrue: Int32Array.from([0]), probabilities: Float64Array.from([1]), classes: ['only'] })).toThrow(/at least 2 classes/);
  });

  it('evaluates a million rows quickly and exactly, thinning the curves', () => {
    const n = 1_000_000;
    let seed = 12345;
    const rand = (): number => {
      // mulberry32: a fixed stream without a dependency
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const yTrue = new Int32Array(n);
    const probabilities = new Float64Array(2 * n);
    const buckets = 1000;
    const pos = new Float64Array(buckets + 1);
    const neg = new Float64Array(buckets + 1);
    for (let i = 0; i < n; i++) {
      const y = rand() < 0.3 ? 1 : 0;
      const b = Math.min(buckets, Math.max(0, Math.round((0.5 * rand() + 0.35 * y + 0.1) * buckets)));
      yTrue[i] = y;
      probabilities[2 * i + 1] = b / buckets;
      probabilities[2 * i] = 1 - b / buckets;
      (y ? pos : neg)[b]! += 1;
    }
    const started = performance.now();
    const e = classificationMetrics({ yTrue, probabilities, classes: [0, 1] });
    const elapsed = performance.now() - started;

    // Independent computation from the score histogram: AUC as P(score+ > score−) + ½ P(tie),
    // AP summed bucket by bucket from the top.
    const [P, N] = [pos.reduce((a, b) => a + b, 0), neg.reduce((a, b) => a + b, 0)];
    let [below, wins, tp, fp, ap] = [0, 0, 0, 0, 0];
    for (let b = 0; b <= buckets; b++) {
      wins += pos[b]! * (below + neg[b]! / 2);
      below += neg[b]!;
    }
    for (let b = buckets; b >= 0; b--) {
      if (pos[b]! + neg[b]! === 0) continue;
      tp += pos[b]!;
      fp += neg[b]!;
      ap += (pos[b]! / P) * (tp / (tp + fp));
    }
    expectClose(e.metrics.roc_auc!, wins / (P * N), 1e-12, 'auc');
    expectClose(e.metrics.pr_auc!, ap, 1e-9, 'ap');
    expect(e.metrics.n).toBe(n);
    expect(e.roc.length).toBeLessThanOrEqual(MAX_CURVE_POINTS);
    expect(e.roc[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(e.roc.at(-1)).toEqual({ fpr: 1, tpr: 1 });
    expect(e.calibration.reduce((a, b) => a + b.count, 0)).toBe(n);
    expect(elapsed).toBeLessThan(5000);
  });
});
