/**
 * `paddock drift <reference> <current>`: the drift report between two data files. Columns are
 * those both files have (or the ones named); a column must be numeric in both or text/boolean in
 * both; columns of other types (dates, lists) are skipped unless named, and then refused.
 */
import { fail } from '../../core/errors.js';
import { driftReport, type DriftOptions, type DriftReport } from './drift-report.js';
import { checkColumn, openDriftSource, sampleKind, type DriftSource } from './read-drift-samples.js';

/** The report with the two files it compares. */
export interface FileDriftReport extends DriftReport {
  readonly reference: { readonly file: string; readonly rows: number };
  readonly current: { readonly file: string; readonly rows: number };
}

/** Which columns to compare, after checking names and types on both sides. */
function pickColumns(reference: DriftSource, current: DriftSource, wanted: readonly string[] | undefined): { columns: string[]; skipped: { column: string; reason: string }[] } {
  const skipped: { column: string; reason: string }[] = [];
  let names: string[];
  if (wanted && wanted.length > 0) {
    for (const n of wanted) {
      checkColumn(reference, n);
      checkColumn(current, n);
    }
    names = [...wanted];
  } else {
    names = [...reference.types.keys()].filter((n) => current.types.has(n));
    if (names.length === 0) fail('INVALID_ARGUMENT', `${reference.file} and ${current.file} have no column in common`, { reference: reference.file, current: current.file });
  }
  const columns: string[] = [];
  for (const name of names) {
    const [rt, ct] = [reference.types.get(name)!, current.types.get(name)!];
    const [rk, ck] = [sampleKind(rt), sampleKind(ct)];
    if (rk && ck && rk !== ck) fail('INVALID_ARGUMENT', `column '${name}' is ${rt} in ${reference.file} but ${ct} in ${current.file}; the two files must agree on its type`, { column: name, referenceType: rt, currentType: ct });
    if (!rk || !ck) {
      const reason = `${rk ? ct : rt} columns are not compared (numbers, text and booleans are)`;
      if (wanted && wanted.length > 0) fail('INVALID_ARGUMENT', `column '${name}': ${reason}`, { column: name });
      skipped.push({ column: name, reason });
      continue;
    }
    columns.push(name);
  }
  return { columns, skipped };
}

/** Reads both files and runs the report. */
export async function driftBetweenFiles(referenceFile: string, currentFile: string, options: DriftOptions = {}): Promise<FileDriftReport> {
  const reference = await openDriftSource(referenceFile);
  try {
    const current = await openDriftSource(currentFile);
    try {
      const { columns, skipped } = pickColumns(reference, current, options.columns);
      for (const name of [...Object.keys(options.tests ?? {}), ...Object.keys(options.thresholds ?? {})]) {
        if (!columns.includes(name)) fail('INVALID_ARGUMENT', `--stattest/--threshold name column '${name}', which is not among the compared columns (${columns.join(', ')})`, { column: name });
      }
      const [r, c] = await Promise.all([reference.read(columns), current.read(columns)]);
      const report = driftReport(r, c, { ...options, columns });
      return {
        reference: { file: referenceFile, rows: reference.rows },
        current: { file: currentFile, rows: current.rows },
        ...report,
        skipped: [...skipped, ...report.skipped],
      };
    } finally {
      current.close();
    }
  } finally {
    reference.close();
  }
}
