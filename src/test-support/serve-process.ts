import { spawn } from 'node:child_process';
import { CLI } from './cli.js';

/** A `paddock serve` or `paddock server` process started by a test. */
export interface ServeProcess {
  /** The URL it printed (`… listening on http://…`). */
  readonly url: string;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in its stdout, polling; throws after `ms`. */
  waitFor(pattern: RegExp, ms: number): Promise<RegExpExecArray>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Spawns the real `paddock serve …` in `cwd`; resolves once it prints the URL it listens on. */
export function startServe(cwd: string, args: readonly string[]): Promise<ServeProcess> {
  return startListening(cwd, ['serve', ...args]);
}

/** Spawns `paddock <args>` (a command that prints `… listening on <url>`) in `cwd`; resolves once it has. */
export function startListening(cwd: string, args: readonly string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) {
        resolve({
          url: m[1]!,
          output: () => stdout,
          waitFor: async (pattern, ms) => {
            const deadline = Date.now() + ms;
            for (;;) {
              const found = pattern.exec(stdout);
              if (found) return found;
              if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms in:\n${stdout}\n${stderr}`);
              await new Promise((r) => setTimeout(r, 50));
            }
          },
          stop: async (signal = 'SIGTERM') => {
            if (child.exitCode === null) child.kill(signal);
            return { ...(await exited), stdout, stderr };
          },
        });
      }
    });
    void exited.then(({ code, signal }) => reject(new Error(`paddock ${args[0]} exited (${code ?? signal}) before listening:\n${stdout}\n${stderr}`)));
  });
}
