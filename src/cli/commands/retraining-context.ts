/**
 * The retraining loop as the CLI opens and prints it: `paddock retrain` and `worker` open it on
 * the project's metadata database; the lines long-running commands print of its jobs. The
 * wiring itself is the composition root's (src/app-retraining.ts).
 */
import type { Command } from 'commander';
import { openMetadata } from '../../app.js';
import { retrainingContextOn, type ContextOptions, type RetrainingContext } from '../../app-retraining.js';
import type { Retraining } from '../../automation/index.js';
import { commandProject } from '../context.js';
import type { Output } from '../output.js';
import { describeTrigger } from './retrain-render.js';

/** What a long-running command (server, serve) prints of the retraining jobs it runs. */
export function retrainingLines(out: Output): Required<Pick<ContextOptions, 'onStarted' | 'onFinished'>> {
  return {
    onStarted: (id) => out.line(`Retraining ${id}: started`),
    onFinished: (r) => out.line(`Retraining ${r.id}: ${r.status}${r.version !== undefined ? ` (version ${r.version})` : ''}${r.reason ? `: ${r.reason.split('\n')[0]}` : ''}`),
  };
}

/** The line for a retraining a trigger asked for. */
export function requestedLine(r: Retraining): string {
  return `Trigger ${describeTrigger(r.trigger)} → retraining ${r.id} ${r.status}${r.status === 'skipped' ? `: ${r.reason}` : ''}`;
}

/**
 * Opens the project's metadata store and wires the retraining job (the pipeline runs in this
 * process through the shell executor, stage commands calling this same `paddock`) and the queue
 * `retraining.queue` (or `queue`) names. The caller closes it.
 */
export async function openRetrainingContext(cmd: Command, options: ContextOptions = {}): Promise<RetrainingContext> {
  const project = commandProject(cmd);
  const metadata = await openMetadata(project);
  try {
    const ctx = await retrainingContextOn(project, metadata, options);
    return {
      ...ctx,
      async close() {
        await ctx.close();
        await metadata.close();
      },
    };
  } catch (err) {
    await metadata.close();
    throw err;
  }
}

