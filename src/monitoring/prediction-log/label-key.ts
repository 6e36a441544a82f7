import { fail } from '../../core/errors.js';

/**
 * The value labels name a prediction by when they carry no request id: the row's value of the
 * deployment's key column (monitoring.labels.key_column), as text, so `"1042"` and `1042` match.
 */
export function labelKeyOf(inputs: Readonly<Record<string, unknown>>, keyColumn: string | undefined): string | undefined {
  if (keyColumn === undefined) return undefined;
  const value = inputs[keyColumn];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Checks the options every adapter's attachLabels takes (a join window is a positive duration). */
export function checkJoinWindow(joinWindowMs: number): void {
  if (!(joinWindowMs > 0) || !Number.isFinite(joinWindowMs)) fail('INVALID_ARGUMENT', `joinWindowMs must be a positive number of milliseconds, got ${joinWindowMs}`, { field: 'joinWindowMs' });
}
