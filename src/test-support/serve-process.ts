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
  /** Sends `signal` and waits for the exit; after `ms` (default 20 s) kills it and throws with its output. */
  stop(signal?: NodeJS.Signals, ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Spawns the real `paddock serve …` in `cwd`; resolves once it prints the URL it listens on. */
export function startServe(cwd: string, args: readonly string[]): Promise<ServeProcess> {
  return startListening(cwd, ['serve', ...args]);
}

/** How long a server may take to start listening (model loading on a busy two-core machine). */
const START_MS = 45_000;

/** Spawns `paddock <args>` (a command that prints `… listening on <url>`) in `cwd`; resolves once it has. */
export function startListening(cwd: string, args: readonly string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    // A server that neither listens nor exits is killed and named, not left to the test's timeout.
    const startTimer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`paddock ${args[0]} did not start listening within ${START_MS} ms:\n${stdout}\n${stderr}`));
    }, START_MS);
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) {
        clearTimeout(startTimer);
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
          stop: async (signal = 'SIGTERM', ms = 20_000) => {
            if (child.exitCode === null) child.kill(signal);
            let timer: NodeJS.Timeout | undefined;
            const late = new Promise<never>((_resolve, fail) => {
              timer = setTimeout(() => {
                child.kill('SIGKILL');
                fail(new Error(`paddock ${args[0]} did not exit within ${ms} ms of ${signal}:\n${stdout}\n${stderr}`));
              }, ms);
            });
            try {
              return { ...(await Promise.race([exited, late])), stdout, stderr };
            } finally {
              clearTimeout(timer);
            }
          },
        });
      }
    });
    void exited.then(({ code, signal }) => reject(new Error(`paddock ${args[0]} exited (${code ?? signal}) before listening:\n${stdout}\n${stderr}`)));
  });
}
