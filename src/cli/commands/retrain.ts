import type { Command } from 'commander';
import { ACTIVE_STATUSES, requestRetraining, type Retraining } from '../../automation/index.js';
import { commandOutput } from '../context.js';
import { actorOf } from './models-store.js';
import { renderHistory, renderRetraining } from './retrain-render.js';
import type { RetrainingContext } from '../../app-retraining.js';
import { openRetrainingContext } from './retraining-context.js';

interface RetrainFlags {
  readonly reason?: string;
  readonly wait?: boolean;
  readonly force?: boolean;
  readonly ignoreGuards?: boolean;
  readonly history?: boolean;
  readonly queue?: string;
  readonly actor?: string;
  readonly json?: boolean;
}

const POLL_MS = 500;

/** `paddock retrain <pipeline>`: a retraining by hand, through the same guards and queue as the triggers. */
export function registerRetrain(program: Command): void {
  program
    .command('retrain')
    .description("retrain a pipeline of paddock.yaml's retraining section by hand: reproduce it, register the challenger, start its canary; subject to the pipeline's minimum interval and budget")
    .argument('<pipeline>', 'a pipeline name under retraining.pipelines')
    .option('--reason <text>', 'why, recorded with the retraining')
    .option('--wait', 'follow the job to its end and print every step (the in-process queue always runs it here, to the end)')
    .option('--force', "run the pipeline's stages even if dvc.lock says they are up to date")
    .option('--ignore-guards', 'start even inside the minimum interval or over the budget (recorded)')
    .option('--history', "list the pipeline's retrainings instead of starting one")
    .option('--queue <uri>', 'in-process or redis://host:port (default: retraining.queue)')
    .option('--actor <name>', 'who asks, for the record (default: $PADDOCK_ACTOR, else the OS user)')
    .option('--json', 'print the retraining as JSON')
    .action(async (pipeline: string, flags: RetrainFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const ctx = await openRetrainingContext(cmd, { ...(flags.queue ? { queue: flags.queue } : {}) });
      try {
        if (flags.history) {
          const rows = await ctx.store.list({ pipeline, limit: 50 });
          out.result(rows);
          return renderHistory(out, rows);
        }
        const user = actorOf(cmd).actor;
        const row = await requestRetraining({
          pipeline,
          trigger: { kind: 'manual', detail: { user, ...(flags.reason ? { reason: flags.reason } : {}) } },
          ...(flags.force ? { force: true } : {}),
          ...(flags.ignoreGuards ? { ignoreGuards: true } : {}),
        }, ctx.triggers);
        const final = row.status === 'skipped' ? row : ctx.queue.kind === 'in-process' || flags.wait ? await waitFor(ctx, row.id) : row;
        out.result(final);
        if (final.status === 'queued') out.line(`Queued retraining ${final.id} of pipeline '${pipeline}' on ${ctx.settings.url}; \`paddock retrain ${pipeline} --history\` shows how it went.`);
        else renderRetraining(out, final);
        if (final.status === 'failed') process.exitCode = 1;
      } finally {
        await ctx.close();
      }
    });
}

/** The retraining once it is over (the in-process queue runs it in this process meanwhile). */
async function waitFor(ctx: RetrainingContext, id: string): Promise<Retraining> {
  for (;;) {
    const r = await ctx.store.get(id);
    if (!ACTIVE_STATUSES.has(r.status)) return r;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
