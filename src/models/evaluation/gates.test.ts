import { describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import { evaluateGate, evaluateGates, parseGate } from './gates.js';

const current = { accuracy: 0.91, roc_auc: 0.93, f1: 0.58, rmse: 10.1, latency_p99_ms: 18, log_loss: 0.3 };
const champion = { accuracy: 0.9, roc_auc: 0.94, f1: 0.55, rmse: 10, latency_p99_ms: 25, log_loss: 0.31 };

/** The PaddockError `fn` throws. */
function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (isPaddockError(err)) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('evaluateGate', () => {
  it('reports both sides of a passing champion gate, resolving the auc alias', () => {
    const r = evaluateGate('auc >= champion.auc - 0.015', { current, champion });
    expect(r).toMatchObject({ expression: 'auc >= champion.auc - 0.015', op: '>=', leftText: 'auc', rightText: 'champion.auc - 0.015', left: 0.93, passed: true });
    expect(r.right).toBeCloseTo(0.925, 15);
  });

  it('fails a gate whose comparison does not hold, still reporting both values', () => {
    const r = evaluateGate('auc >= champion.auc - 0.005', { current, champion });
    expect(r.passed).toBe(false);
    expect(r.left).toBe(0.93);
    expect(r.right).toBeCloseTo(0.935, 15);
    expect(evaluateGate('f1 > 0.6', { current }).passed).toBe(false);
    expect(evaluateGate('latency_p99_ms <= 20', { current }).passed).toBe(true);
  });

  it('follows arithmetic precedence, parentheses, unary minus and exponents', () => {
    expect(evaluateGate('rmse < champion.rmse * 1.02', { current, champion }).right).toBeCloseTo(10.2, 12);
    expect(evaluateGate('1 + 2 * 3 == 7', { current }).passed).toBe(true);
    expect(evaluateGate('(1 + 2) * 3 == 9', { current }).passed).toBe(true);
    expect(evaluateGate('8 / 4 / 2 == 1', { current }).passed).toBe(true);
    expect(evaluateGate('10 - 4 - 3 == 3', { current }).passed).toBe(true);
    expect(evaluateGate('-log_loss > -0.31', { current }).passed).toBe(true);
    expect(evaluateGate('log_loss - champion.log_loss <= 1e-3', { current, champion }).left).toBeCloseTo(-0.01, 12);
    expect(evaluateGate('accuracy != 0.91', { current }).passed).toBe(false);
    expect(evaluateGate('f1 < .6', { current }).passed).toBe(true);
  });

  it('never passes a gate on an undefined (NaN) metric', () => {
    expect(evaluateGate('roc_auc >= 0.5', { current: { roc_auc: NaN } }).passed).toBe(false);
    expect(evaluateGate('roc_auc != 0.5', { current: { roc_auc: NaN } }).passed).toBe(false);
  });

  it('names an unknown metric and lists the nearest known ones', () => {
    const err = errorOf(() => evaluateGate('acuracy > 0.8', { current }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('unknown metric "acuracy"');
    expect(err.message).toContain('did you mean "accuracy"?');
    expect((err.details.suggestions as string[])[0]).toBe('accuracy');
    expect(err.details.suggestions).toHaveLength(3);
  });

  it('asks for --compare when a gate reads the champion and none was given', () => {
    const err = errorOf(() => evaluateGate('auc >= champion.auc', { current }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('--compare');
    expect(err.message).toContain('champion.auc');
  });

  it('names a metric the champion lacks', () => {
    const err = errorOf(() => evaluateGate('f1 >= champion.f2', { current, champion }));
    expect(err.message).toContain('the champion has no metric "f2"');
  });

  it('parses every gate before evaluating any', () => {
    expect(() => evaluateGates(['acuracy > 0.8', 'f1 >'], { current })).toThrow(/column 5/);
    expect(evaluateGates(['f1 > 0.5', 'rmse < 10'], { current }).map((g) => g.passed)).toEqual([true, false]);
  });
});

describe('parseGate syntax errors', () => {
  const cases: [string, number, RegExp][] = [
    ['auc >=', 7, /expected a number, a metric or "\(", found the end of the gate/],
    ['auc 0.9', 5, /expected a comparison/],
    ['auc = 0.9', 5, /write "==" to test equality/],
    ['auc >= 0.9 extra', 12, /expected the end of the gate, found "extra"/],
    ['(auc >= 0.9', 6, /expected "\)" to close the "\(" at column 1/],
    ['auc >= 0.9 $', 12, /unexpected character "\$"/],
    ['auc >= champion', 16, /"champion" needs a metric/],
    ['auc < 1 < 2', 9, /expected the end of the gate/],
  ];
  for (const [text, column, message] of cases) {
    it(`rejects ${JSON.stringify(text)} at column ${column}`, () => {
      const err = errorOf(() => parseGate(text));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.details).toMatchObject({ gate: text, column, position: column - 1 });
      expect(err.message).toMatch(message);
      expect(err.message).toContain(`at column ${column}`);
      // The caret sits under the offending column.
      const lines = err.message.split('\n');
      expect(lines[2]!.indexOf('^')).toBe(lines[1]!.indexOf(text) + column - 1);
    });
  }

  it('builds an AST with metric sources', () => {
    const g = parseGate('rmse < champion.rmse * 1.02');
    expect(g.op).toBe('<');
    expect(g.left).toMatchObject({ kind: 'metric', name: 'rmse', source: 'current' });
    expect(g.right).toMatchObject({ kind: 'binary', op: '*', left: { kind: 'metric', name: 'rmse', source: 'champion' }, right: { kind: 'number', value: 1.02 } });
  });
});
