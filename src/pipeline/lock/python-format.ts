/**
 * Python formatting rules DVC's files and hashes depend on: `repr(float)`, `json.dumps(…,
 * sort_keys=True)` and string ordering by code point. JS differs from Python on each of these
 * (`1e-5` vs `1e-05`, UTF-16 vs code-point order), so a byte-identical run-cache key or lock
 * file needs these helpers.
 */

/** Compares two strings by Unicode code point, as Python's `sorted()` does. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done && cb.done ? 0 : ca.done ? -1 : 1;
    const d = ca.value.codePointAt(0)! - cb.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/**
 * `repr()` of a Python float for a JS number that is not an integer value: the shortest
 * round-trip digits, positional when the exponent is in [-4, 16), otherwise `1e-05` style.
 * Integer values are printed as integers, since JS cannot tell `1` from `1.0`.
 */
export function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  const [mant, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    const s = n.toFixed(Math.max(0, (mant.split('.')[1]?.length ?? 0) - exp));
    return s.includes('.') ? s : `${s}.0`;
  }
  const sign = exp < 0 ? '-' : '+';
  return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** A string as Python's `json.dumps` writes it (ensure_ascii=True). */
export function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * `json.dumps(value, sort_keys=True)` with Python's default separators (`, ` and `: `): the
 * input of DVC's `dict_md5` / `dict_sha256`.
 */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return pyJsonString(value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort(compareCodePoints);
    const obj = value as Record<string, unknown>;
    return `{${keys.map((k) => `${pyJsonString(k)}: ${pyJsonDumps(obj[k])}`).join(', ')}}`;
  }
  return pyJsonString(String(value));
}
