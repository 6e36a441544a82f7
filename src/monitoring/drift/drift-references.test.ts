// SciPy agreement: every statistic and p-value against test/fixtures/drift/references.json,
// computed once by scripts/make-drift-references.py (SciPy/NumPy; regenerate with /usr/bin/python3).
// The samples are regenerated here by the same integer LCG, exactly.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chiSquare } from './chi-square-test.js';
import { hellingerTest } from './hellinger-test.js';
import { jensenShannonTest } from './jensen-shannon-test.js';
import { klDivergenceTest } from './kl-divergence-test.js';
import { kolmogorovSf, smirnovSf } from './ks-distribution.js';
import { ksTwoSample } from './ks-two-sample.js';
import { psiTest } from './psi-test.js';
import { categoricalSample, numericSample, type DriftSample } from './sample.js';
import { chiSquaredSf } from './special-functions.js';
import { standardDeviation, wassersteinDistance } from './wasserstein.js';
import { twoProportionZ } from './z-test.js';

interface Spec {
  readonly dist: 'irwin' | 'int';
  readonly seed: number;
  readonly n: number;
  readonly shift: number;
  readonly scale?: number;
  readonly mod?: number;
}
interface NumericCase {
  readonly name: string;
  readonly reference: Spec;
  readonly current: Spec;
  readonly ks: { statistic: number; pValue: number };
  readonly wasserstein: number;
  readonly referenceStd: number;
  readonly wassersteinNorm: number;
  readonly jensenshannon: number;
  readonly kl_div: number;
  readonly psi: number;
  readonly hellinger: number;
}
interface CategoricalCase {
  readonly name: string;
  readonly reference: Record<string, number>;
  readonly current: Record<string, number>;
  readonly chisquare: { statistic: number | string; pValue: number };
  readonly z?: { statistic: number; pValue: number };
  readonly jensenshannon: number;
  readonly kl_div: number;
  readonly psi: number;
  readonly hellinger: number;
}
const refs = JSON.parse(readFileSync(new URL('../../../test/fixtures/drift/references.json', import.meta.url), 'utf8')) as {
  numeric: NumericCase[];
  categorical: CategoricalCase[];
  kstwo: { n: number; x: number; sf: number }[];
  smirnov: { n: number; x: number; sf: number }[];
  chi2: { x: number; dof: number; sf: number }[];
};

/** The script's generator: s ← 1664525·s + 1013904223 mod 2³², u = s / 2³². */
function sample(spec: Spec): Float64Array {
  const count = spec.dist === 'irwin' ? 3 * spec.n : spec.n;
  const u = new Float64Array(count);
  let s = spec.seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    u[i] = s / 4294967296;
  }
  if (spec.dist === 'int') return u.map((v) => Math.floor(v * spec.mod!) + spec.shift);
  return Float64Array.from({ length: spec.n }, (_, i) => (u[3 * i]! + u[3 * i + 1]! + u[3 * i + 2]! - 1.5) * spec.scale! + spec.shift);
}

/** |actual − expected| within 1e-6 relative (absolute below 1e-6 in magnitude for values that are not p-values near 0). */
function expectClose(actual: number, expected: number, what: string, relativeOnly = false): void {
  if (expected === 0 || !Number.isFinite(expected)) {
    expect(actual, what).toBe(expected);
    return;
  }
  const tolerance = relativeOnly ? 1e-6 * Math.abs(expected) : 1e-6 * Math.max(1, Math.abs(expected));
  expect(Math.abs(actual - expected), `${what}: ${actual} vs SciPy ${expected}`).toBeLessThanOrEqual(tolerance);
}

describe('numeric drift statistics agree with SciPy', () => {
  for (const c of refs.numeric) {
    it(c.name, () => {
      const ref = numericSample(sample(c.reference));
      const cur = numericSample(sample(c.current));
      expect(ref.sorted.length).toBe(c.reference.n);
      const ks = ksTwoSample(ref.sorted, cur.sorted);
      expectClose(ks.statistic, c.ks.statistic, 'KS statistic');
      expectClose(ks.pValue, c.ks.pValue, 'KS p-value', true);
      expectClose(wassersteinDistance(ref.sorted, cur.sorted), c.wasserstein, 'Wasserstein', true);
      expectClose(standardDeviation(ref.sorted), c.referenceStd, 'reference std', true);
      expectClose(jensenShannonTest(ref, cur).score, c.jensenshannon, 'Jensen–Shannon');
      expectClose(klDivergenceTest(ref, cur).score, c.kl_div, 'KL');
      expectClose(psiTest(ref, cur).score, c.psi, 'PSI');
      expectClose(hellingerTest(ref, cur).score, c.hellinger, 'Hellinger');
    });
  }
});

function counts(record: Record<string, number>): DriftSample {
  return categoricalSample({ counts: new Map(Object.entries(record)), total: Object.values(record).reduce((a, b) => a + b, 0) });
}

describe('categorical drift statistics agree with SciPy', () => {
  for (const c of refs.categorical) {
    it(c.name, () => {
      const ref = counts(c.reference);
      const cur = counts(c.current);
      const chi = chiSquare(ref.kind === 'categorical' ? ref.counts : never(), cur.kind === 'categorical' ? cur.counts : never());
      expectClose(chi.statistic, Number(c.chisquare.statistic), 'chi-squared statistic', true);
      expectClose(chi.pValue, c.chisquare.pValue, 'chi-squared p-value', true);
      if (c.z) {
        const z = twoProportionZ(ref.kind === 'categorical' ? ref.counts : never(), cur.kind === 'categorical' ? cur.counts : never());
        expectClose(z.statistic, c.z.statistic, 'Z statistic', true);
        expectClose(z.pValue, c.z.pValue, 'Z p-value', true);
      }
      expectClose(jensenShannonTest(ref, cur).score, c.jensenshannon, 'Jensen–Shannon');
      expectClose(klDivergenceTest(ref, cur).score, c.kl_div, 'KL');
      expectClose(psiTest(ref, cur).score, c.psi, 'PSI');
      expectClose(hellingerTest(ref, cur).score, c.hellinger, 'Hellinger');
    });
  }
});

function never(): never {
  throw new Error('expected a categorical sample');
}

describe('distributions agree with SciPy', () => {
  it('kstwo.sf over every method (Ruben–Gambino, Durbin, Pomeranz, Smirnov, Pelz–Good)', () => {
    for (const r of refs.kstwo) expectClose(kolmogorovSf(r.n, r.x), r.sf, `kstwo.sf(${r.x}, ${r.n})`, true);
  });
  it('smirnov', () => {
    for (const r of refs.smirnov) expectClose(smirnovSf(r.n, r.x), r.sf, `smirnov(${r.n}, ${r.x})`, true);
  });
  it('chi2.sf', () => {
    for (const r of refs.chi2) expectClose(chiSquaredSf(r.x, r.dof), r.sf, `chi2.sf(${r.x}, ${r.dof})`, true);
  });
});
