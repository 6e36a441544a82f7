/**
 * The drift tests by name: which column kinds each accepts, its default threshold, and how it
 * runs on two samples. Chi-squared and Z also take numeric columns (as categories), because
 * Evidently's defaults send numbers with few distinct values to them.
 */
import { fail } from '../../core/errors.js';
import { CHI_SQUARE_THRESHOLD, chiSquareTest } from './chi-square-test.js';
import { HELLINGER_THRESHOLD, hellingerTest } from './hellinger-test.js';
import { JENSEN_SHANNON_THRESHOLD, jensenShannonTest } from './jensen-shannon-test.js';
import { KL_THRESHOLD, klDivergenceTest } from './kl-divergence-test.js';
import { KS_THRESHOLD, ksTest } from './ks-test.js';
import { PSI_BINS, PSI_THRESHOLD, psiTest } from './psi-test.js';
import { asCounts, type DriftSample } from './sample.js';
import type { StatTestName, TestResult } from './test-result.js';
import { WASSERSTEIN_THRESHOLD, wassersteinTest } from './wasserstein-test.js';
import { Z_THRESHOLD, zTest } from './z-test.js';

/** Extra settings some tests take. */
export interface TestSettings {
  /** PSI's number of reference quantile bins. */
  readonly bins?: number;
}

interface StatTest {
  readonly numericOnly: boolean;
  readonly threshold: number;
  readonly description: string;
  run(reference: DriftSample, current: DriftSample, threshold: number, settings: TestSettings): TestResult;
}

const numeric = (s: DriftSample): Float64Array => (s.kind === 'numeric' ? s.sorted : fail('INTERNAL', 'numeric test on a categorical sample'));

export const STAT_TESTS: Readonly<Record<StatTestName, StatTest>> = {
  ks: { numericOnly: true, threshold: KS_THRESHOLD, description: 'two-sample Kolmogorov–Smirnov p-value', run: (r, c, t) => ksTest(numeric(r), numeric(c), t) },
  wasserstein: { numericOnly: true, threshold: WASSERSTEIN_THRESHOLD, description: 'Wasserstein distance / reference std', run: (r, c, t) => wassersteinTest(numeric(r), numeric(c), t) },
  chisquare: { numericOnly: false, threshold: CHI_SQUARE_THRESHOLD, description: 'chi-squared p-value', run: (r, c, t) => chiSquareTest(asCounts(r), asCounts(c), t) },
  z: { numericOnly: false, threshold: Z_THRESHOLD, description: 'two-proportion Z-test p-value', run: (r, c, t) => zTest(asCounts(r), asCounts(c), t) },
  jensenshannon: { numericOnly: false, threshold: JENSEN_SHANNON_THRESHOLD, description: 'Jensen–Shannon distance (base 2)', run: (r, c, t) => jensenShannonTest(r, c, t) },
  psi: { numericOnly: false, threshold: PSI_THRESHOLD, description: 'population stability index', run: (r, c, t, s) => psiTest(r, c, t, s.bins ?? PSI_BINS) },
  kl_div: { numericOnly: false, threshold: KL_THRESHOLD, description: 'Kullback–Leibler divergence (nats)', run: (r, c, t) => klDivergenceTest(r, c, t) },
  hellinger: { numericOnly: false, threshold: HELLINGER_THRESHOLD, description: 'Hellinger distance', run: (r, c, t) => hellingerTest(r, c, t) },
};

/** Whether `name` is a known test. */
export function isStatTestName(name: string): name is StatTestName {
  return Object.hasOwn(STAT_TESTS, name);
}

/** Checks a test name given by a user, naming the column and the known tests. */
export function statTestNamed(name: string, column: string): StatTestName {
  if (!isStatTestName(name)) fail('INVALID_ARGUMENT', `column '${column}': unknown drift test '${name}' (known: ${Object.keys(STAT_TESTS).join(', ')})`, { column, test: name });
  return name;
}
