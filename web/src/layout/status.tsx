import type { ReactNode } from 'react';
import type { ApiState } from '../api/use-api';

/** Renders a fetch's error or a loading line, else its data through `children`. */
export function Loaded<T>({ state, children, what }: { state: ApiState<T>; what: string; children: (data: T) => ReactNode }) {
  if (state.error && state.data === undefined) return <p role="alert" className="error">Could not load {what}: {state.error.message}</p>;
  if (state.data === undefined) return <p className="muted" aria-busy="true">Loading {what}…</p>;
  return <>{children(state.data)}</>;
}

/** A date-time in the user's locale, from epoch milliseconds. */
export function formatTime(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '—';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A number with at most `digits` significant digits. */
export function formatNumber(value: number | string | undefined | null, digits = 4): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? value.toLocaleString() : value.toPrecision(digits);
}
