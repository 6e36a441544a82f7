import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/cli.js';
import { loadIgnoreRules } from './ignore.js';

describe('.dvcignore rules', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  it('follows gitignore semantics for the common patterns', () => {
    writeFileSync(path.join(tmp.dir, '.dvcignore'), '# comment\n*.tmp\n/data/raw/\nlogs/**/debug.log\n!keep.tmp\n');
    const r = loadIgnoreRules(tmp.dir);
    expect(r.ignores('data/x.tmp', false)).toBe(true);
    expect(r.ignores('data/keep.tmp', false)).toBe(false);
    expect(r.ignores('data/raw', true)).toBe(true);
    expect(r.ignores('data/raw', false)).toBe(false);
    expect(r.ignores('data/raw/a.csv', false)).toBe(true);
    expect(r.ignores('other/data/raw', true)).toBe(false);
    expect(r.ignores('logs/a/b/debug.log', false)).toBe(true);
    expect(r.ignores('data/x.csv', false)).toBe(false);
  });
});
