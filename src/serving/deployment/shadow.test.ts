import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../models/index.js';
import { comparePredictions, comparedOutput } from './shadow.js';

const manifest = (task: ModelManifest['task'], outputs: string[]): ModelManifest =>
  ({ signature: { outputs: outputs.map((name) => ({ name, type: 'float' })) }, ...(task && { task }) }) as unknown as ModelManifest;

describe('comparing shadow answers', () => {
  const classifier = manifest({ kind: 'classification', target: 'late', probabilities: 'probs' }, ['probs', 'predicted']);
  const regressor = manifest({ kind: 'regression', target: 'delay', prediction: 'delay_hat' }, ['delay_hat']);

  it('finds the label output (not the probabilities) and the regression prediction', () => {
    expect(comparedOutput(classifier)).toEqual({ kind: 'classification', output: 'predicted' });
    expect(comparedOutput(regressor)).toEqual({ kind: 'regression', output: 'delay_hat' });
    expect(comparedOutput(manifest(undefined, ['y']))).toEqual({ kind: 'exact', output: 'y' });
  });

  it('classification: agreement is the share of rows whose labels match; probabilities are ignored', () => {
    const primary = [{ predicted: 1, probs: [0.2, 0.8] }, { predicted: 0, probs: [0.9, 0.1] }, { predicted: 'a', probs: [0, 1] }, { predicted: 1, probs: [0, 1] }];
    const shadow = [{ predicted: 1, probs: [0.4, 0.6] }, { predicted: 1, probs: [0.1, 0.9] }, { predicted: 'a', probs: [1, 0] }, { predicted: 1, probs: [0, 1] }];
    expect(comparePredictions(classifier, primary, shadow, 0)).toEqual({ outcome: 'disagree', kind: 'classification', agreedRows: 3, agreement: 0.75 });
    expect(comparePredictions(classifier, primary, primary, 0)).toMatchObject({ outcome: 'agree', agreement: 1 });
  });

  it('regression: |Δ| per row, agreement within the tolerance', () => {
    const c = comparePredictions(regressor, [{ delay_hat: 10 }, { delay_hat: -2 }], [{ delay_hat: 12.5 }, { delay_hat: -2.0000001 }], 1e-6);
    expect(c).toMatchObject({ outcome: 'disagree', agreedRows: 1, agreement: 0.5, maxAbsDelta: 2.5 });
    expect(c.absDeltas![0]).toBeCloseTo(2.5, 12);
    expect(c.meanAbsDelta).toBeCloseTo((2.5 + 1e-7) / 2, 12);
    expect(comparePredictions(regressor, [{ delay_hat: 1 }], [{ delay_hat: 1.5 }], 1)).toMatchObject({ outcome: 'agree' });
  });

  it('a different row count or a missing output disagrees on every row', () => {
    expect(comparePredictions(classifier, [{ predicted: 1 }], [], 0)).toMatchObject({ outcome: 'disagree', agreedRows: 0 });
    expect(comparePredictions(classifier, [{ predicted: 1 }], [{ other: 1 }], 0)).toMatchObject({ outcome: 'disagree', agreedRows: 0 });
  });
});
