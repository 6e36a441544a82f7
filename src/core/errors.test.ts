import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, PaddockError, fromSystemError, isPaddockError } from './errors.js';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/errors.md');

/** Rows of the table in docs/errors.md: | CODE | status | exit | hint | */
function documentedRows(): Map<string, { status: number; exit: number; hint: string }> {
  const rows = new Map<string, { status: number; exit: number; hint: string }>();
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const m = /^\| `([A-Z_]+)` \| (\d+) \| (\d+) \| (.*) \|$/.exec(line);
    if (m) rows.set(m[1]!, { status: Number(m[2]), exit: Number(m[3]), hint: m[4]!.replaceAll('\\|', '|') });
  }
  return rows;
}

describe('error catalogue', () => {
  it('is documented in docs/errors.md, code for code', () => {
    const rows = documentedRows();
    expect([...rows.keys()].sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      expect(rows.get(code), code).toEqual({ status: spec.status, exit: spec.exit, hint: spec.hint });
    }
  });

  it('gives every code a distinct-enough hint and a failure exit code', () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      expect(spec.hint.length, code).toBeGreaterThan(10);
      expect(spec.exit, code).toBeGreaterThan(0);
      expect(spec.status, code).toBeGreaterThanOrEqual(400);
    }
  });

  it('maps file-system errors to catalogue codes naming the path', () => {
    const enoent = Object.assign(new Error('x'), { code: 'ENOENT' });
    const enospc = Object.assign(new Error('x'), { code: 'ENOSPC' });
    expect(fromSystemError(enoent, '/a/b').code).toBe('PATH_NOT_FOUND');
    expect(fromSystemError(enoent, '/a/b').message).toContain('/a/b');
    expect(fromSystemError(enospc, '/c').code).toBe('DISK_FULL');
    expect(fromSystemError(new Error('boom')).code).toBe('INTERNAL');
    const own = new PaddockError('LOCKED', 'held');
    expect(fromSystemError(own)).toBe(own);
    expect(isPaddockError(own, 'LOCKED')).toBe(true);
    expect(isPaddockError(own, 'INTERNAL')).toBe(false);
  });
});
