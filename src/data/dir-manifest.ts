import { md5Hex } from '../core/hashing.js';
import { fail } from '../core/errors.js';
import { MD5_PATTERN } from './object-key.js';
import type { DirEntry } from './types.js';

/**
 * Compares two strings by Unicode code point, as Python's `sorted` does. JS `<` compares
 * UTF-16 code units, which disagrees only when a surrogate pair meets U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800–DFFF) encode code points above FFFF, so they sort after E000–FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff ? x + 0x10000 : x;
    const ys = y >= 0xd800 && y <= 0xdfff ? y + 0x10000 : y;
    return xs - ys;
  }
  return a.length - b.length;
}

/** Sorts manifest entries in place by relpath, as DVC does (code-point order of the full string). */
export function sortEntries<T extends { readonly relpath: string }>(entries: T[]): T[] {
  const plain = entries.every((e) => !/[\ud800-\uffff]/.test(e.relpath));
  if (plain) return entries.sort((a, b) => (a.relpath < b.relpath ? -1 : a.relpath > b.relpath ? 1 : 0));
  return entries.sort((a, b) => compareCodePoints(a.relpath, b.relpath));
}

const PLAIN_ASCII = /^[ !#-[\]-~]*$/;

/** A string as Python's `json.dumps` (ensure_ascii=True) writes it: everything outside ' '..'~' escaped. */
export function pythonJsonString(s: string): string {
  // The common case (printable ASCII without quote or backslash) needs no escaping at all.
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  const json = JSON.stringify(s);
  if (/^[\x20-\x7e]*$/.test(json)) return json;
  return json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The manifest bytes DVC hashes and stores: `json.dumps(sorted(entries), sort_keys=True)`, one
 * line, `", "` / `": "` separators, no trailing newline. `entries` must already be sorted.
 */
export function serializeManifest(entries: readonly DirEntry[]): Buffer {
  const parts = entries.map((e) => `{"md5": "${e.md5}", "relpath": ${pythonJsonString(e.relpath)}}`);
  return Buffer.from(`[${parts.join(', ')}]`, 'utf8');
}

/** The object id of a manifest: md5 of its bytes plus `.dir`. */
export function manifestHash(bytes: Uint8Array): string {
  return `${md5Hex(bytes)}.dir`;
}

/**
 * Reads a `.dir` object's JSON (compact as DVC stores it, or any JSON list of
 * `{md5, relpath}`). CACHE_CORRUPT naming `where` when it is not a manifest.
 */
export function parseManifest(bytes: Uint8Array | string, where: string): DirEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch {
    fail('CACHE_CORRUPT', `${where}: not a directory manifest (invalid JSON)`, { path: where });
  }
  if (!Array.isArray(value)) fail('CACHE_CORRUPT', `${where}: not a directory manifest (expected a JSON list)`, { path: where });
  return value.map((raw: unknown, i) => {
    const e = raw as Record<string, unknown> | null;
    const md5 = e?.md5;
    const relpath = e?.relpath;
    if (typeof md5 !== 'string' || !MD5_PATTERN.test(md5) || typeof relpath !== 'string' || relpath === '') {
      fail('CACHE_CORRUPT', `${where}: entry ${i} is not {"md5", "relpath"}`, { path: where, index: i });
    }
    return { md5, relpath };
  });
}
