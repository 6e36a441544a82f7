import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the compiled CLI launcher (tests run `npm run build` first via pretest). */
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/paddock.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `paddock` CLI in `cwd` and collects its output (never throws on exit code). */
export function runCli(cwd: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** runCli that must succeed: a non-zero exit throws with the command and its output (a test step, not the thing under test). */
export async function runCliOk(cwd: string, args: readonly string[]): Promise<CliResult> {
  const r = await runCli(cwd, args);
  if (r.code !== 0) throw new Error(`paddock ${args.join(' ')} exited with ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'paddock-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
