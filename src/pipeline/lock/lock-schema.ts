import type { LockEntry, LockStage } from '../model.js';

/** Reports a problem at a key path below the stage; never returns. */
export type LockIssue = (keyPath: readonly (string | number)[], message: string) => never;

const STAGE_KEYS = new Set(['cmd', 'deps', 'params', 'outs']);
const ENTRY_META = new Set(['hash', 'md5', 'size', 'nfiles', 'isexec', 'version_id', 'etag', 'checksum', 'files', 'path']);

/**
 * Validates one stage entry of dvc.lock (DVC's LOCK_FILE_STAGE_SCHEMA): `cmd` a string or a
 * list of strings, `deps`/`outs` lists of `{path, hash?, md5, size?, nfiles?…}`, `params` a
 * mapping of file → mapping. DVC 2 entries without `hash:` are accepted (legacy md5).
 */
export function parseLockStage(raw: unknown, issue: LockIssue): LockStage {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) issue([], 'expected a mapping with cmd, deps, params, outs');
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!STAGE_KEYS.has(key)) issue([key], `unknown key '${key}' (valid: cmd, deps, params, outs)`);
  const cmd = r.cmd;
  const cmdOk = typeof cmd === 'string' || (Array.isArray(cmd) && cmd.every((c) => typeof c === 'string'));
  if (!cmdOk) issue(['cmd'], "'cmd' must be a string or a list of strings");
  return {
    cmd: cmd as string | string[],
    ...(r.deps !== undefined ? { deps: parseEntries(r.deps, 'deps', issue) } : {}),
    ...(r.params !== undefined ? { params: parseParams(r.params, issue) } : {}),
    ...(r.outs !== undefined ? { outs: parseEntries(r.outs, 'outs', issue) } : {}),
  };
}

function parseEntries(raw: unknown, section: string, issue: LockIssue): LockEntry[] {
  if (raw === null) return [];
  if (!Array.isArray(raw)) issue([section], `'${section}' must be a list of {path, md5, …} entries`);
  return (raw as unknown[]).map((e, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) issue([section, i], `${section}[${i}] must be a mapping with 'path'`);
    const entry = e as Record<string, unknown>;
    if (typeof entry.path !== 'string' || entry.path === '') issue([section, i], `${section}[${i}] needs a 'path' string`);
    for (const key of Object.keys(entry)) if (!ENTRY_META.has(key)) issue([section, i, key], `${section}[${i}]: unknown key '${key}'`);
    if (entry.hash !== undefined && entry.hash !== 'md5') issue([section, i, 'hash'], `${section}[${i}]: unsupported hash '${String(entry.hash)}' (expected md5)`);
    if (entry.md5 !== undefined && (typeof entry.md5 !== 'string' || !/^[0-9a-f]{32}(\.dir)?$/.test(entry.md5))) {
      issue([section, i, 'md5'], `${section}[${i}]: 'md5' must be 32 hex digits (with .dir for a directory)`);
    }
    for (const key of ['size', 'nfiles'] as const) {
      const v = entry[key];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) issue([section, i, key], `${section}[${i}]: '${key}' must be a non-negative integer`);
    }
    return {
      path: entry.path as string,
      hash: 'md5' as const,
      md5: (entry.md5 as string | undefined) ?? '',
      size: (entry.size as number | undefined) ?? 0,
      ...(entry.nfiles !== undefined ? { nfiles: entry.nfiles as number } : {}),
    };
  });
}

function parseParams(raw: unknown, issue: LockIssue): Record<string, Record<string, unknown>> {
  if (raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) issue(['params'], "'params' must map a params file to its key: value pairs");
  const out: Record<string, Record<string, unknown>> = {};
  for (const [file, values] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof values !== 'object' || values === null || Array.isArray(values)) issue(['params', file], `params of '${file}' must be a mapping of key: value`);
    out[file] = values as Record<string, unknown>;
  }
  return out;
}
