/**
 * How the quickstart tour runs its steps: each prints what it does and the command a user would
 * type, then runs that command (the real CLI, or git) in the project, its output indented.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from '../../core/errors.js';

export const PACKAGE_ROOT = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const CLI = path.join(PACKAGE_ROOT, 'bin/paddock.js');

export type Log = (line: string) => void;

/** The airline's feed the quickstart lands months from (vega-datasets' flights, January–June 2001). */
export const FEED = 'feed/flights-3m.parquet';

/** One step of the tour: what it does, and the command a user would type. */
export interface Step {
  readonly say: string;
  readonly cmd: readonly string[];
}

/** A word as a user would type it in a shell. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** Prints the step, runs its command (`paddock`, `git` or `node`) in `dir` with the output indented, and a blank line. */
export async function runStep(dir: string, log: Log, step: Step): Promise<void> {
  const { cmd } = step;
  log(`# ${step.say}\n$ ${cmd.map(shellWord).join(' ')}`);
  if (cmd[0] === 'git') {
    await exec('git', ['add', '-A'], dir, log, false);
    await exec('git', cmd.slice(1), dir, log, false);
  } else if (cmd[0] === 'node') {
    await exec(process.execPath, cmd.slice(1), dir, log, false);
  } else {
    await exec(process.execPath, [CLI, ...cmd.slice(1)], dir, log, false);
  }
  log('');
}

/** Prints a file of the project as `cat` would, indented, and a blank line. */
export function showFile(dir: string, log: Log, say: string, file: string): void {
  log(`# ${say}\n$ cat ${shellWord(file)}`);
  for (const line of readFileSync(path.join(dir, file), 'utf8').replace(/\n$/, '').split('\n')) log(`  ${line}`);
  log('');
}

/** Runs `paddock <args>` in `dir` without printing anything; resolves with its stdout. */
export function paddockOutput(dir: string, args: readonly string[]): Promise<string> {
  let stdout = '';
  return exec(process.execPath, [CLI, ...args], dir, () => undefined, false, (chunk) => (stdout += chunk)).then(() => stdout);
}

/** Runs a command; its stdout and stderr go to `log` indented (or to `onStdout`); rejects on a non-zero exit unless `optional`. */
export function exec(cmd: string, args: readonly string[], cwd: string, log: Log, optional: boolean, onStdout?: (chunk: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PADDOCK_QUICKSTART: '1' } });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().replace(/\n$/, '').split('\n')) log(`  ${line}`);
    };
    child.stdout.on('data', onStdout ? (chunk: Buffer) => onStdout(chunk.toString()) : forward);
    child.stderr.on('data', forward);
    child.on('error', (err) => (optional ? resolve() : reject(err)));
    child.on('close', (code) => {
      if (code === 0 || optional) resolve();
      else reject(new Error(`\`${[cmd === process.execPath ? 'paddock' : cmd, ...args.slice(cmd === process.execPath ? 1 : 0)].join(' ')}\` exited with ${code}`));
    });
  });
}

/** A `paddock …` command the tour left running in the background. */
export interface Background {
  /** Everything it printed on stdout so far. */
  output(): string;
  /** Resolves once `pattern` matches its output; rejects after `timeoutMs` or when it exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM, and wait for it to exit. */
  stop(): Promise<void>;
}

/** Prints the step with a trailing `&` and starts `paddock <args>`; its output goes to `log` prefixed by `label`. */
export function startBackground(dir: string, log: Log, step: Step, label: string): Background {
  log(`# ${step.say}\n$ ${step.cmd.map(shellWord).join(' ')} &`);
  const child = spawn(process.execPath, [CLI, ...step.cmd.slice(1)], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PADDOCK_QUICKSTART: '1' } });
  let stdout = '';
  let exitCode: number | null | undefined;
  const listeners = new Set<() => void>();
  // A tour stopped by a signal stops the server too (Ctrl-C reaches both; a plain kill only the tour).
  const onSignal = (signal: NodeJS.Signals) => {
    child.kill('SIGTERM');
    process.kill(process.pid, signal);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const exited = new Promise<void>((resolve) => child.once('close', (code) => {
    exitCode = code;
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    listeners.forEach((l) => l());
    resolve();
  }));
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().replace(/\n$/, '').split('\n')) {
      const text = readableLog(line);
      if (text !== undefined) log(`  [${label}] ${text}`);
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    forward(chunk);
    listeners.forEach((l) => l());
  });
  child.stderr.on('data', forward);
  return {
    output: () => stdout,
    waitFor: (pattern, timeoutMs) => new Promise((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(stdout);
        if (m) done(() => resolve(m));
        else if (exitCode !== undefined) done(() => reject(new Error(`\`${step.cmd.join(' ')}\` exited with ${exitCode} before printing ${pattern}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`\`${step.cmd.join(' ')}\` did not print ${pattern} within ${timeoutMs / 1000} s`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    }),
    stop: async () => {
      if (exitCode === undefined) child.kill('SIGTERM');
      await exited;
    },
  };
}

const LEVELS: Readonly<Record<number, string>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * A structured log line (JSON on stderr) as `warn: <message>` for the story; other lines as they
 * are. An alert's log record (its rule's `log` destination: the alert itself, with its windows,
 * in the `alert` field; errors about an alert name only its rule) is left out: the serving
 * process prints the same alert on stdout with each window's numbers, and the story shows each
 * alert once.
 */
function readableLog(line: string): string | undefined {
  if (!line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; alert?: unknown };
    if (typeof entry.alert === 'object' && entry.alert !== null && 'windows' in entry.alert && (entry.level ?? 30) <= 40) return undefined;
    return typeof entry.msg === 'string' ? `${LEVELS[entry.level ?? 30] ?? 'log'}: ${entry.msg}` : line;
  } catch {
    return line;
  }
}

/** `preferred` when nothing listens there, else any free port. */
export function freePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const probe = net.createServer();
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', () => {
        const actual = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(actual));
      });
    });
  return tryListen(preferred).catch(() => tryListen(0));
}

/** The folder of Paddock's package.json, found upwards (this file may be bundled or not). */
function packageRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'examples/quickstart'))) return dir;
  }
  fail('INTERNAL', `cannot find Paddock's package folder above ${from}`);
}
