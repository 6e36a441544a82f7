import { fail } from '../core/errors.js';

/**
 * Checks an artifact path from a request and returns it normalised (no trailing slash, '' for
 * the root). Rejects what could escape a run's root or the artifact root: `..` and `.` parts,
 * absolute paths (`/x`, `C:\x`), backslashes, NUL, URLs, and the same hidden behind percent
 * encoding (`%2e%2e`), as MLflow's validate_path_is_safe does.
 */
export function safeArtifactPath(raw: string, field = 'path'): string {
  const decoded = decodeRepeatedly(raw);
  for (const candidate of [raw, decoded]) {
    const problem = pathProblem(candidate);
    if (problem) fail('INVALID_ARGUMENT', `Invalid value ${JSON.stringify(raw)} for parameter '${field}': ${problem}. Artifact paths are relative, '/'-separated, without '.' or '..' parts.`, { field, path: raw });
  }
  return raw.replace(/\/+$/, '');
}

function pathProblem(p: string): string | undefined {
  if (p.includes('\0')) return 'it contains a NUL byte';
  if (p.includes('\\')) return 'it contains a backslash';
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return 'it is an absolute path';
  if (/^[a-z][a-z0-9+.-]*:/i.test(p)) return 'it is a URI, not a path';
  const parts = p.replace(/\/+$/, '').split('/');
  if (p !== '' && parts.some((s) => s === '..')) return "it contains '..'";
  if (p !== '' && parts.some((s) => s === '.' || s === '')) return "it contains an empty or '.' part";
  return undefined;
}

function decodeRepeatedly(s: string): string {
  let cur = s;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(cur);
    } catch {
      break; // a literal '%' in a file name: nothing further is hidden behind it
    }
    if (next === cur) break;
    cur = next;
  }
  return cur;
}

/** Immediate children of `dir` among `keys` (files with sizes, and sub-directories), sorted. */
export function childrenOf(dir: string, objects: Iterable<{ key: string; size: number }>): { path: string; isDir: boolean; size?: number }[] {
  const prefix = dir === '' ? '' : `${dir}/`;
  const files = new Map<string, { path: string; isDir: boolean; size?: number }>();
  for (const o of objects) {
    if (!o.key.startsWith(prefix)) continue;
    const rest = o.key.slice(prefix.length);
    const slash = rest.indexOf('/');
    const child = prefix + (slash < 0 ? rest : rest.slice(0, slash));
    if (slash < 0) files.set(child, { path: child, isDir: false, size: o.size });
    else if (!files.has(child)) files.set(child, { path: child, isDir: true });
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
