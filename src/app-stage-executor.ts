/**
 * The executor pipeline stages run in: `/bin/sh`, with this same Paddock first on PATH. Part of the
 * composition root; `paddock repro` and the retraining loop (retrain, worker, serve, server) use it.
 */
import { existsSync, mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { ShellExecutor } from './pipeline/index.js';

/** A shell executor whose stage commands find the running `paddock` (see selfOnPath). */
export function stageExecutor(stateDir: string): ShellExecutor {
  return new ShellExecutor('/bin/sh', selfOnPath(stateDir));
}

/**
 * A folder holding a `paddock` link to the running CLI, for stage commands that call `paddock`
 * (as the quickstart's do) to run this same Paddock rather than whatever PATH finds, or nothing.
 */
function selfOnPath(stateDir: string): string[] {
  const entry = process.argv[1];
  if (!entry || !/paddock(\.js)?$/.test(path.basename(entry))) return [];
  const dir = path.join(stateDir, 'bin');
  const link = path.join(dir, 'paddock');
  try {
    const target = realpathSync(entry);
    if (!existsSync(link) || realpathSync(link) !== target) {
      mkdirSync(dir, { recursive: true });
      rmSync(link, { force: true });
      symlinkSync(target, link);
    }
    return [dir];
  } catch {
    return [];
  }
}
