/**
 * The drift report over columns already read: per column the default test (Evidently's rules)
 * or the one asked for, its score against its threshold, and the dataset verdict — drift when
 * the share of drifted columns reaches `driftShare` (0.5).
 */
import { fail } from '../../core/errors.js';
import { columnHistogram, type ColumnHistogram } from './column-histogram.js';
import { defaultStatTest } from './default-stattest.js';
import { sampleSize, type DriftSample } from './sample.js';
import { STAT_TESTS, type TestSettings } from './stat-tests.js';
import type { StatTestName, TestResult } from './test-result.js';

/** Evidently's default share of drifted columns for dataset drift. */
export const DRIFT_SHARE = 0.5;

/** What to test and how. */
export interface DriftOptions extends TestSettings {
  /** The columns to test (default: every column both sides have). */
  readonly columns?: readonly string[];
  /** A test per column, overriding the default choice. */
  readonly tests?: Readonly<Record<string, StatTestName>>;
  /** A threshold per column, overriding the test's default. */
  readonly thresholds?: Readonly<Record<string, number>>;
  /** Dataset drift when drifted columns / tested columns ≥ this. */
  readonly driftShare?: number;
  /** Leave out the per-column histograms (they cost a pass over each column). */
  readonly histograms?: boolean;
}

/** One column's verdict. */
export interface ColumnDrift extends TestResult {
  readonly column: string;
  readonly kind: DriftSample['kind'];
  readonly referenceRows: number;
  readonly currentRows: number;
  readonly histogram?: ColumnHistogram;
}

/** The whole report. */
export interface DriftReport {
  readonly columns: readonly ColumnDrift[];
  /** Columns that could not be tested, with why. */
  readonly skipped: readonly { readonly column: string; readonly reason: string }[];
  readonly driftedColumns: number;
  readonly share: number;
  readonly driftShare: number;
  readonly datasetDrift: boolean;
}

/** Tests one column. */
export function columnDrift(column: string, reference: DriftSample, current: DriftSample, options: DriftOptions = {}): ColumnDrift {
  if (reference.kind !== current.kind) fail('INVALID_ARGUMENT', `column '${column}' is ${reference.kind} in the reference but ${current.kind} in the current data; cast one side so both agree`, { column });
  const test = options.tests?.[column] ?? defaultStatTest(reference, current);
  const spec = STAT_TESTS[test];
  if (spec.numericOnly && reference.kind !== 'numeric') fail('INVALID_ARGUMENT', `column '${column}' is categorical: the '${test}' test needs numbers (use chisquare, z, jensenshannon, psi, kl_div or hellinger)`, { column, test });
  const threshold = options.thresholds?.[column] ?? spec.threshold;
  const result = spec.run(reference, current, threshold, options);
  return {
    column,
    kind: reference.kind,
    ...result,
    referenceRows: sampleSize(reference),
    currentRows: sampleSize(current),
    ...(options.histograms === false ? {} : { histogram: columnHistogram(reference, current) }),
  };
}

/** Tests every column and gives the dataset verdict. */
export function driftReport(reference: ReadonlyMap<string, DriftSample>, current: ReadonlyMap<string, DriftSample>, options: DriftOptions = {}): DriftReport {
  const names = options.columns ?? [...reference.keys()].filter((c) => current.has(c));
  const columns: ColumnDrift[] = [];
  const skipped: { column: string; reason: string }[] = [];
  for (const name of names) {
    const r = reference.get(name);
    const c = current.get(name);
    if (!r || !c) fail('INVALID_ARGUMENT', `column '${name}' is missing from the ${r ? 'current' : 'reference'} data`, { column: name });
    if (sampleSize(r) === 0 || sampleSize(c) === 0) {
      skipped.push({ column: name, reason: `no non-null values in the ${sampleSize(r) === 0 ? 'reference' : 'current'} data` });
      continue;
    }
    columns.push(columnDrift(name, r, c, options));
  }
  const driftedColumns = columns.filter((c) => c.drifted).length;
  const driftShare = options.driftShare ?? DRIFT_SHARE;
  const share = columns.length ? driftedColumns / columns.length : 0;
  return { columns, skipped, driftedColumns, share, driftShare, datasetDrift: columns.length > 0 && share >= driftShare };
}
