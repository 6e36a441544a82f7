import type { Command } from 'commander';
import { probeBullMq, startBullMqWorker, TriggerPoller, type RetrainingWorker } from '../../automation/index.js';
import { fail } from '../../core/errors.js';
import { commandOutput } from '../context.js';
import { untilSignal } from '../until-signal.js';
import { describeTrigger } from './retrain-render.js';
import { openRetrainingContext } from './retraining-context.js';

interface WorkerFlags {
  readonly queue?: string;
  readonly concurrency?: string;
  readonly triggers?: boolean;
}

/**
 * `paddock worker`: takes retraining jobs from the BullMQ queue (several workers on several
 * machines share it) and, with --triggers, polls the data and schedule triggers. SIGTERM/SIGINT
 * stop it: no new job is taken; a pipeline running then is stopped and its job goes back to the
 * queue (retried by this or another worker).
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run retraining jobs from the queue (retraining.queue: redis://…), and with --triggers watch tracked data versions and cron schedules')
    .option('--queue <uri>', 'redis://host:port[/db], or in-process with --triggers (default: retraining.queue)')
    .option('--concurrency <n>', 'jobs run at once by this worker', '1')
    .option('--triggers', 'also poll the data and schedule triggers every retraining.poll_seconds')
    .action(async (flags: WorkerFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const concurrency = Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) fail('INVALID_ARGUMENT', `--concurrency must be a positive integer, got '${flags.concurrency}'`, { field: 'concurrency' });
      let stopping = false;
      const ctx = await openRetrainingContext(cmd, {
        ...(flags.queue ? { queue: flags.queue } : {}),
        stopping: () => stopping,
        onStarted: (id) => out.line(`Retraining ${id}: started`),
        onFinished: (r) => out.line(`Retraining ${r.id}: ${r.status}${r.version !== undefined ? ` (version ${r.version})` : ''}${r.reason ? `: ${r.reason.split('\n')[0]}` : ''}`),
      });
      const { config } = ctx.project;
      let worker: RetrainingWorker | undefined;
      let poller: TriggerPoller | undefined;
      try {
        if (ctx.queue.kind === 'redis') {
          if (!(await probeBullMq())) fail('CONFIG_INVALID', 'paddock worker needs the bullmq package for a redis:// queue: install it (npm install bullmq)', { key: 'retraining.queue' });
          worker = await startBullMqWorker(ctx.settings, ctx.handler, {
            concurrency,
            lockMs: config.retraining.lock_seconds * 1000,
            onFailed: (id, err, final) => {
              out.warn(`retraining ${id} failed ${final ? 'for good' : 'this attempt (the queue retries it)'}: ${err.message}`);
              if (final) void ctx.store.update(id, { status: 'failed', reason: `the job failed on every attempt: ${err.message}`, finishedAt: Date.now() }).catch(() => undefined);
            },
            onError: (err) => out.warn(`worker: ${err.message}`),
          });
        } else if (!flags.triggers) {
          fail('INVALID_ARGUMENT', 'the in-process queue has no workers: set retraining.queue to redis://host:port (or pass --queue), or run `paddock worker --triggers` to poll triggers and run their jobs here', { field: 'queue' });
        }
        if (flags.triggers) {
          poller = new TriggerPoller(ctx.triggers, {
            pollMs: config.retraining.poll_seconds * 1000,
            onRequested: (r) => out.line(`Trigger ${describeTrigger(r.trigger)} → retraining ${r.id} ${r.status}${r.status === 'skipped' ? `: ${r.reason}` : ''}`),
            onError: (err) => out.warn(`triggers: ${err instanceof Error ? err.message : String(err)}`),
          });
          poller.start();
        }
        out.line(`Worker ready: queue ${ctx.settings.url === 'in-process' ? 'in-process' : `${ctx.settings.url} (${ctx.settings.queueName})`}, concurrency ${concurrency}${poller ? `, triggers every ${config.retraining.poll_seconds} s` : ''}; pid ${process.pid}`);
        await untilSignal();
        stopping = true;
        out.line('Stopping: no new jobs; a running pipeline is stopped and its job goes back to the queue.');
      } finally {
        await poller?.stop();
        await worker?.close();
        await ctx.close();
      }
    });
}
