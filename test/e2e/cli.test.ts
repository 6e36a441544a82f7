import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerCommands } from '../../src/cli/commands/index.js';
import { runCli, tempDir } from '../../src/test-support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** Every command below `command`, with its path (commander's tree, as `paddock` builds it). */
function commandPaths(command: Command, prefix: readonly string[] = []): { path: string[]; command: Command }[] {
  return command.commands.flatMap((c) => [{ path: [...prefix, c.name()], command: c }, ...commandPaths(c, [...prefix, c.name()])]);
}

describe('the CLI', () => {
  it('has --help with a description on every command', async () => {
    // The tree is walked in process (spawning ~80 CLIs at once took over a minute on two cores);
    // the binary's own --help is checked at the top and at the deepest command.
    const program = new Command('paddock');
    registerCommands(program);
    const commands = commandPaths(program);
    expect(commands.length).toBeGreaterThan(10);
    for (const { path: p, command } of commands) {
      expect(command.helpInformation(), p.join(' ')).toMatch(new RegExp(`^Usage: paddock ${p.join(' ')}`));
      expect(command.description(), `${p.join(' ')} has a description`).not.toBe('');
    }
    const deepest = commands.reduce((a, b) => (b.path.length > a.path.length ? b : a));
    expect(deepest.path.length, 'commands nest (e.g. models alias set)').toBeGreaterThan(1);
    for (const args of [['--help'], [...deepest.path, '--help']]) {
      const help = await runCli(dir, args);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout, args.join(' ')).toMatch(/^Usage: paddock /);
      expect(help.stdout.split('\n').filter(Boolean).length, `${args.join(' ')} has a description`).toBeGreaterThan(2);
    }
    // Every top-level command the binary lists is one the tree has (the two agree).
    const listed = (await runCli(dir, ['--help'])).stdout.split(/\nCommands:\n/)[1]!.split('\n')
      .map((l) => /^ {2}([a-z][a-z0-9-]*)(?=\s|$)/.exec(l)?.[1]).filter((n): n is string => Boolean(n) && n !== 'help');
    expect(listed.sort()).toEqual(program.commands.map((c) => c.name()).sort());
  });

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
