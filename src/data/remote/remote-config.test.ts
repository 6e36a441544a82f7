import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProject } from '../../app.js';
import { isPaddockError } from '../../core/errors.js';
import { tempDir } from '../../test-support/cli.js';
import { addRemote, listRemotes, removeRemote, setDefaultRemote } from './remote-config.js';

let tmp: { dir: string; cleanup: () => void };
const CONFIG = `# team settings: keep this comment
core:
  jobs: 4 # tuned for CI
`;

beforeEach(() => {
  tmp = tempDir('paddock-remote-config-');
  writeFileSync(path.join(tmp.dir, 'paddock.yaml'), CONFIG);
});
afterEach(() => tmp.cleanup());

const open = () => openProject({ cwd: tmp.dir, env: {} });
const text = () => readFileSync(path.join(tmp.dir, 'paddock.yaml'), 'utf8');

describe('remote configuration', () => {
  it('adds a remote, keeps comments, and the result loads as configuration', async () => {
    await addRemote(open(), 'store', 's3://bucket/prefix', { endpoint: 'http://127.0.0.1:9000', default: true });
    expect(text()).toContain('# team settings: keep this comment');
    expect(text()).toContain('jobs: 4 # tuned for CI');
    const project = open();
    expect(project.config.core.remote).toBe('store');
    expect(project.config.remotes.store).toMatchObject({ url: 's3://bucket/prefix', endpoint: 'http://127.0.0.1:9000' });
    expect(listRemotes(project)).toEqual([{ name: 'store', url: 's3://bucket/prefix', endpoint: 'http://127.0.0.1:9000', default: true }]);
  });

  it('refuses to overwrite a remote without force, and replaces it with force', async () => {
    await addRemote(open(), 'a', '/data/one');
    const err = await addRemote(open(), 'a', '/data/two').catch((e: unknown) => e);
    expect(isPaddockError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect((err as Error).message).toContain('--force');
    await addRemote(open(), 'a', '/data/two', { force: true });
    expect(open().config.remotes.a!.url).toBe('/data/two');
  });

  it('rejects bad names and unknown defaults', async () => {
    expect(isPaddockError(await addRemote(open(), 'bad name', '/x').catch((e: unknown) => e), 'INVALID_ARGUMENT')).toBe(true);
    expect(isPaddockError(await setDefaultRemote(open(), 'ghost').catch((e: unknown) => e), 'REMOTE_NOT_CONFIGURED')).toBe(true);
    expect(text()).toBe(CONFIG);
  });

  it('sets the default and removes a remote, unsetting the default it was', async () => {
    await addRemote(open(), 'a', '/data/a');
    await addRemote(open(), 'b', '/data/b');
    await setDefaultRemote(open(), 'b');
    expect(open().config.core.remote).toBe('b');
    await removeRemote(open(), 'b');
    const project = open();
    expect(project.config.core.remote).toBe('');
    expect(Object.keys(project.config.remotes)).toEqual(['a']);
    expect(text()).toContain('jobs: 4 # tuned for CI');
    expect(isPaddockError(await removeRemote(open(), 'b').catch((e: unknown) => e), 'REMOTE_NOT_CONFIGURED')).toBe(true);
  });
});
