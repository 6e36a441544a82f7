import { fail } from '../../core/errors.js';

/**
 * Rejects keys that could escape the store's root or that no backend stores faithfully:
 * keys are `/`-separated, relative, without empty, `.` or `..` segments.
 */
export function checkKey(key: string, url: string): string {
  const bad = key === '' || key.startsWith('/') || key.includes('\0') || key.split('/').some((s) => s === '' || s === '.' || s === '..');
  if (bad) fail('INVALID_ARGUMENT', `${url}: invalid object key '${key}' (keys are relative, '/'-separated, without empty, '.' or '..' parts)`, { url, key });
  return key;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; resolves when all settle. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && firstError === undefined) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (firstError !== undefined) throw firstError;
}
