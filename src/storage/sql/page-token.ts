import { fail } from '../../core/errors.js';

/**
 * Opaque page tokens: base64 of `{"o":offset,"q":fingerprint}`. The fingerprint ties a token to
 * the query that issued it, so a token replayed with another filter is rejected instead of
 * silently skipping rows. Offsets are stable because every order ends with a unique key.
 */
export function encodePageToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: fingerprint })).toString('base64');
}

/** The offset a token stands for (0 without a token); INVALID_ARGUMENT for a forged or foreign one. */
export function decodePageToken(token: string | undefined, fingerprint: string): number {
  if (token === undefined || token === '') return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const p = parsed as { o?: unknown; q?: unknown } | undefined;
  if (!p || !Number.isSafeInteger(p.o) || (p.o as number) < 0 || p.q !== fingerprint) {
    fail('INVALID_ARGUMENT', 'invalid page_token: pass back the next_page_token of the previous page of the same query', { field: 'page_token' });
  }
  return p.o as number;
}

/** A short fingerprint of the query parts that decide which rows and order a page has. */
export function queryFingerprint(parts: unknown): string {
  const text = JSON.stringify(parts);
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}
