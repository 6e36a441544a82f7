import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import type { Stage } from '../model.js';
import type { ExecOptions, ExecResult, Executor, OutputStream } from './executor.js';

/**
 * Runs a stage's command with `/bin/sh -c` in the stage's wdir, as DVC does; a list `cmd`
 * runs item by item and stops at the first failure. Each command gets its own process group,
 * which is killed as a whole when the run is aborted or when Paddock receives SIGINT/SIGTERM,
 * so a stopped repro leaves no orphaned training job behind.
 */
export class ShellExecutor implements Executor {
  /**
   * @param shell the shell running each command
   * @param pathPrefix folders put first on the command's PATH (the CLI passes the one holding
   *   its own `paddock`, so a stage calling `paddock …` runs the same Paddock as the repro)
   */
  constructor(private readonly shell = '/bin/sh', private readonly pathPrefix: readonly string[] = []) {}

  async run(stage: Stage, options: ExecOptions): Promise<ExecResult> {
    const started = Date.now();
    const commands = typeof stage.cmd === 'string' ? [stage.cmd] : stage.cmd;
    for (const [index, command] of commands.entries()) {
      const { exitCode, signal } = await this.runOne(command, stage.wdir, options);
      if (exitCode !== 0) return { exitCode, ...(signal ? { signal } : {}), commandIndex: index, durationMs: Date.now() - started };
    }
    return { exitCode: 0, commandIndex: Math.max(0, commands.length - 1), durationMs: Date.now() - started };
  }

  private pathEnv(): Record<string, string> {
    return this.pathPrefix.length === 0 ? {} : { PATH: [...this.pathPrefix, process.env.PATH ?? ''].join(path.delimiter) };
  }

  private runOne(command: string, cwd: string, options: ExecOptions): Promise<{ exitCode: number; signal?: NodeJS.Signals }> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return resolve({ exitCode: 130, signal: 'SIGINT' });
      const child = spawn(this.shell, ['-c', command], {
        cwd,
        env: { ...process.env, ...this.pathEnv(), ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // own process group: killable as a whole with kill(-pid)
      });
      const out = lineSplitter('stdout', options.onOutput);
      const err = lineSplitter('stderr', options.onOutput);
      child.stdout.on('data', out.push);
      child.stderr.on('data', err.push);
      const killGroup = (sig: NodeJS.Signals) => {
        if (child.pid !== undefined) void terminateGroup(child.pid, sig);
      };
      const untrack = trackGroup(killGroup);
      const onAbort = () => killGroup('SIGTERM');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (e) => {
        untrack();
        reject(e);
      });
      // The command's status comes with 'exit'. Output is drained until the pipes close, but a
      // background process the command left holding them does not keep the stage running
      // (DVC waits for the command, not its descendants).
      child.on('exit', (code, signal) => {
        untrack();
        options.signal?.removeEventListener('abort', onAbort);
        const finish = () => {
          child.stdout.destroy();
          child.stderr.destroy();
          out.flush();
          err.flush();
          if (signal) resolve({ exitCode: 128 + (constants.signals[signal] ?? 0), signal });
          else resolve({ exitCode: code ?? 1 });
        };
        const timer = setTimeout(finish, DRAIN_MS);
        child.once('close', () => {
          clearTimeout(timer);
          finish();
        });
      });
    });
  }
}

const DRAIN_MS = 250;
const GRACE_MS = 2000;

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends `sig` to a process group, then SIGKILL to whatever is left after a grace period:
 * background jobs of a non-interactive shell ignore SIGINT, and must not outlive a stopped run.
 */
async function terminateGroup(pgid: number, sig: NodeJS.Signals): Promise<void> {
  try {
    process.kill(-pgid, sig);
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + GRACE_MS;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    if (!groupAlive(pgid)) return;
  }
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Gone meanwhile.
  }
}

/** Cuts a byte stream into lines (LF or CRLF); the unterminated tail is flushed at the end. */
function lineSplitter(stream: OutputStream, emit: (line: string, stream: OutputStream) => void) {
  let pending = '';
  const decoder = new TextDecoder();
  return {
    push: (chunk: Buffer) => {
      pending += decoder.decode(chunk, { stream: true });
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        emit(pending.slice(0, nl).replace(/\r$/, ''), stream);
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
    },
    flush: () => {
      pending += decoder.decode();
      if (pending !== '') emit(pending.replace(/\r$/, ''), stream);
      pending = '';
    },
  };
}

// Process groups of running commands, killed when Paddock itself is told to stop.
const running = new Set<(sig: NodeJS.Signals) => void>();
let interrupted = 0;

function onSignal(sig: NodeJS.Signals): void {
  interrupted++;
  for (const kill of running) kill(sig);
  // A second Ctrl-C while commands are still shutting down ends Paddock at once.
  if (interrupted > 1) process.exit(128 + (constants.signals[sig] ?? 0));
}

function trackGroup(kill: (sig: NodeJS.Signals) => void): () => void {
  if (running.size === 0) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  running.add(kill);
  return () => {
    running.delete(kill);
    if (running.size === 0) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  };
}

/** Whether Paddock received SIGINT/SIGTERM while commands were running. */
export function wasInterrupted(): boolean {
  return interrupted > 0;
}
