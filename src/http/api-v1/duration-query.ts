import { fail } from '../../core/errors.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A duration query parameter ('60s', '1h', '7d', '500ms') in milliseconds, within [min, max]:
 * INVALID_ARGUMENT naming the parameter otherwise. Undefined gives `fallback`.
 */
export function durationParam(text: string | undefined, name: string, fallback: number, range: { readonly min: number; readonly max: number }): number {
  if (text === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2]!]! : NaN;
  if (!(ms > 0)) fail('INVALID_ARGUMENT', `query field '${name}': '${text}' is not a duration; give one such as 60s, 30m, 1h or 1d`, { field: name, in: 'query' });
  if (ms < range.min || ms > range.max) fail('INVALID_ARGUMENT', `query field '${name}': ${text} is outside ${range.min / 1000} s to ${range.max / 1000} s`, { field: name, in: 'query' });
  return ms;
}

/** A time query parameter: ISO 8601 or milliseconds since the epoch; undefined gives `fallback`. */
export function timeParam(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) fail('INVALID_ARGUMENT', `query field '${name}': '${text}' is not a time; give ISO 8601 (2026-03-01T12:00:00Z) or milliseconds since the epoch`, { field: name, in: 'query' });
  return ms;
}
