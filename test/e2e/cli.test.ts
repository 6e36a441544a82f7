import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../src/test-support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** Every command path with its `--help` text, found by walking `paddock [sub] --help` (one spawn each). */
async function commandHelps(prefix: readonly string[] = []): Promise<{ path: string[]; help: string }[]> {
  // Commands nest two levels at most (`models alias set`); deeper means the walk went wrong.
  expect(prefix.length, `command path ${prefix.join(' ')}`).toBeLessThanOrEqual(3);
  const help = await runCli(dir, [...prefix, '--help']);
  expect(help.code, `${prefix.join(' ')} --help`).toBe(0);
  const section = help.stdout.split(/\nCommands:\n/)[1];
  const names = (section ?? '')
    .split('\n')
    .map((l) => /^ {2}([a-z][a-z0-9-]*)(?=\s|$)/.exec(l)?.[1])
    .filter((n): n is string => Boolean(n) && n !== 'help');
  const nested = await Promise.all(names.map((n) => commandHelps([...prefix, n])));
  return [{ path: prefix.slice(), help: help.stdout }, ...nested.flat()];
}

describe('the CLI', () => {
  it('has --help with a description on every command', async () => {
    const helps = await commandHelps();
    expect(helps.length).toBeGreaterThan(10);
    for (const { path: p, help } of helps.filter((x) => x.path.length > 0)) {
      expect(help, p.join(' ')).toMatch(/^Usage: paddock /);
      expect(help.split('\n').filter(Boolean).length, `${p.join(' ')} help has a description`).toBeGreaterThan(2);
    }
  }, 120_000);

  it('init creates the project and is harmless when run twice', async () => {
    const first = await runCli(dir, ['init', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).created.length).toBe(3);
    expect(existsSync(path.join(dir, 'paddock.yaml'))).toBe(true);
    expect(existsSync(path.join(dir, '.paddock/cache'))).toBe(true);
    expect(existsSync(path.join(dir, '.paddock/state.db'))).toBe(true);
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('/.paddock/\n');
    const before = readFileSync(path.join(dir, 'paddock.yaml'), 'utf8');
    const second = await runCli(dir, ['init', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).created).toEqual([]);
    expect(readFileSync(path.join(dir, 'paddock.yaml'), 'utf8')).toBe(before);
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('/.paddock/\n');
  });

  it('rejects a bad config key with file:line and a suggestion, exit code 78', async () => {
    await runCli(dir, ['init']);
    writeFileSync(path.join(dir, 'paddock.yaml'), 'core:\n  remot: x\n');
    const r = await runCli(dir, ['status']);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`${path.join(dir, 'paddock.yaml')}:2`);
    expect(r.stderr).toContain("did you mean 'core.remote'");
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('says how to start outside a project', async () => {
    const r = await runCli(dir, ['status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('paddock init');
  });

  it('answers an unknown command with usage and exit code 2', async () => {
    const r = await runCli(dir, ['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command/);
  });
});
