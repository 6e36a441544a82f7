// End to end through the built CLI (`npm run build` first, as `npm test` does).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ERROR_CATALOGUE } from '../../core/errors.js';
import { runCli, tempDir } from '../../test-support/cli.js';

const tmp = tempDir('paddock-ci-cli-');
afterAll(() => tmp.cleanup());

function project(name: string): string {
  const dir = path.join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('paddock ci init', () => {
  it('writes the GitHub workflow, refuses to overwrite it, and --force replaces it', async () => {
    const dir = project('gh');
    const file = path.join(dir, '.github/workflows/paddock.yml');
    const first = await runCli(dir, ['ci', 'init', 'github', '--name', 'churn']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Wrote .github/workflows/paddock.yml');
    const doc = parse(readFileSync(file, 'utf8'));
    expect(doc.jobs.paddock.steps.map((s: { run?: string }) => s.run).filter(Boolean)).toContain(
      'npx paddock evaluate model data/test.parquet --compare models:/churn@champion --gate "auc >= champion.auc - 0.005" --report evaluation.html',
    );

    writeFileSync(file, '# my own edits\n');
    const again = await runCli(dir, ['ci', 'init', 'github', '--name', 'churn']);
    expect(again.code).toBe(ERROR_CATALOGUE.ALREADY_EXISTS.exit);
    expect(again.stderr).toContain('.github/workflows/paddock.yml already exists');
    expect(again.stderr).toContain('--force');
    expect(readFileSync(file, 'utf8')).toBe('# my own edits\n');

    const forced = await runCli(dir, ['ci', 'init', 'github', '--name', 'fraud', '--gate', 'auc >= 0.9', '--gate', `f1 > champion.f1 && tag == "it's"`, '--force', '--json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toEqual({ path: '.github/workflows/paddock.yml', provider: 'github' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('my own edits');
    expect(text).toContain(`--gate "auc >= 0.9" --gate 'f1 > champion.f1 && tag == "it'\\''s"'`);
    expect(text).not.toContain('champion.auc - 0.005');
    expect(text).toContain('--name fraud --alias challenger');
    expect(readdirTmp(dir)).toEqual([]);
  });

  it('writes .gitlab-ci.yml with custom options, and --print writes nothing', async () => {
    const dir = project('gl');
    const printed = await runCli(dir, ['ci', 'init', 'gitlab', '--name', 'churn', '--data', 'data/flights.parquet', '--target', 'delayed', '--print']);
    expect(printed.code).toBe(0);
    expect(existsSync(path.join(dir, '.gitlab-ci.yml'))).toBe(false);
    const doc = parse(printed.stdout);
    expect(doc.stages).toEqual(['validate', 'train', 'evaluate', 'register']);
    expect(doc.validate.script).toEqual(['npx paddock pull', 'npx paddock validate data/flights.parquet --schema schema.yaml']);
    expect(doc.evaluate.script[0]).toContain('--target delayed');

    const written = await runCli(dir, ['ci', 'init', 'gitlab', '--name', 'churn', '--data', 'data/flights.parquet', '--target', 'delayed', '--json']);
    expect(written.code).toBe(0);
    expect(JSON.parse(written.stdout)).toEqual({ path: '.gitlab-ci.yml', provider: 'gitlab' });
    expect(readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(printed.stdout);
  });

  it('rejects an unknown provider and a missing --name with INVALID_ARGUMENT', async () => {
    const dir = project('bad');
    const [unknown, noName] = await Promise.all([runCli(dir, ['ci', 'init', 'jenkins', '--name', 'churn']), runCli(dir, ['ci', 'init', 'gitlab'])]);
    expect(unknown.code).toBe(ERROR_CATALOGUE.INVALID_ARGUMENT.exit);
    expect(unknown.stderr).toContain("unknown CI provider 'jenkins': use one of github, gitlab");
    expect(noName.code).toBe(ERROR_CATALOGUE.INVALID_ARGUMENT.exit);
    expect(noName.stderr).toContain('--name');
    expect(existsSync(path.join(dir, '.gitlab-ci.yml'))).toBe(false);
  });
});

/** Leftover temp files from the atomic write (there must be none). */
function readdirTmp(dir: string): string[] {
  return readdirSync(path.join(dir, '.github/workflows')).filter((f) => f.endsWith('.tmp'));
}
