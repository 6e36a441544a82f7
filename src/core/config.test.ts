import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/cli.js';
import { loadConfig } from './config.js';
import { PaddockError } from './errors.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function write(text: string): void {
  writeFileSync(path.join(dir, 'paddock.yaml'), text);
}

function errorOf(fn: () => unknown): PaddockError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PaddockError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('loadConfig', () => {
  it('fills defaults when there is no file', () => {
    const c = loadConfig(dir, { env: {} });
    expect(c.cache.dir).toBe('.paddock/cache');
    expect(c.cache.type).toBe('reflink,copy');
    expect(c.metadata.uri).toBe('sqlite:.paddock/paddock.db');
    expect(Object.isFrozen(c.core)).toBe(true);
  });

  it('applies file < env < flags precedence', () => {
    write('core:\n  jobs: 4\n  remote: a\ncache:\n  type: copy\n');
    const env = { PADDOCK_CORE_JOBS: '8', PADDOCK_CACHE_TYPE: 'hardlink' };
    const c = loadConfig(dir, { env, flags: { 'core.jobs': 2 } });
    expect(c.core.jobs).toBe(2);
    expect(c.core.remote).toBe('a');
    expect(c.cache.type).toBe('hardlink');
    expect(loadConfig(dir, { env }).core.jobs).toBe(8);
    expect(loadConfig(dir, { env: {} }).core.jobs).toBe(4);
  });

  it('rejects an unknown key with file, line and the nearest valid key', () => {
    write('core:\n  jobs: 4\ncache:\n  dri: /x\n');
    const err = errorOf(() => loadConfig(dir, { env: {} }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(`${path.join(dir, 'paddock.yaml')}:4`);
    expect(err.message).toContain("unknown key 'cache.dri'");
    expect(err.message).toContain("did you mean 'cache.dir'");
  });

  it('rejects a wrongly typed value naming the key', () => {
    write('core:\n  jobs: many\n');
    const err = errorOf(() => loadConfig(dir, { env: {} }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('core.jobs');
    expect(err.message).toContain(':2');
  });

  it('reports malformed YAML with its line', () => {
    write('core:\n  jobs: [1, 2\nremotes: {}\n');
    const err = errorOf(() => loadConfig(dir, { env: {} }));
    expect(err.code).toBe('YAML_INVALID');
    expect(err.message).toMatch(/paddock\.yaml:\d+/);
  });

  it('validates remotes and rejects unknown remote keys', () => {
    write('remotes:\n  s3:\n    url: s3://b/p\n    endpoint: http://127.0.0.1:9000\n');
    expect(loadConfig(dir, { env: {} }).remotes.s3?.url).toBe('s3://b/p');
    write('remotes:\n  s3:\n    url: s3://b/p\n    endpont: x\n');
    const err = errorOf(() => loadConfig(dir, { env: {} }));
    expect(err.message).toContain("did you mean 'remotes.s3.endpoint'");
  });
});
