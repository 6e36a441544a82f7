/**
 * SQL LIKE for the in-memory evaluator: `%` matches any run of characters (newlines too), `_`
 * exactly one, everything else literally (MLflow's own regex translation treated `.`/`+` as
 * regex syntax; its test suite requires `+` to be literal). No escape character, as in SQLite.
 * LIKE is case-sensitive and ILIKE is not, matching MLflow's SQL stores.
 */

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 256;

function compile(pattern: string, insensitive: boolean): RegExp {
  const cacheKey = `${insensitive ? 'i' : 's'}:${pattern}`;
  let re = cache.get(cacheKey);
  if (re === undefined) {
    let source = '';
    for (const ch of pattern) {
      if (ch === '%') source += '.*';
      else if (ch === '_') source += '.';
      else source += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    }
    re = new RegExp(`^${source}$`, insensitive ? 'isu' : 'su');
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(cacheKey, re);
  }
  return re;
}

/** Whether `value` matches the LIKE `pattern` (ILIKE when `insensitive`). */
export function sqlLike(value: string, pattern: string, insensitive = false): boolean {
  return compile(pattern, insensitive).test(value);
}
