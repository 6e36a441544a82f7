import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import { WEBHOOK_EVENTS, type Webhook, type WebhookEvent } from '../../registry/index.js';
import { commandOutput } from '../context.js';
import { formatTable } from '../output.js';
import { addRegistryOptions, withRegistry } from './models-store.js';

interface CreateFlags {
  readonly events: string;
  readonly model?: string;
  readonly secret?: string;
}

/** `paddock webhooks`: who the registry notifies (signed as MLflow's webhooks are). */
export function registerWebhooks(program: Command): void {
  const webhooks = program.command('webhooks').description('registry webhooks: HTTP callbacks on model events, signed with HMAC-SHA256 as MLflow signs them');

  addRegistryOptions(webhooks.command('create <name> <url>'))
    .description('notify <url> of registry events (sent by `paddock server`)')
    .requiredOption('--events <list>', `comma-separated: ${WEBHOOK_EVENTS.join(', ')}`)
    .option('--model <name>', "only this model's events (default: every model)")
    .option('--secret <secret>', 'sign deliveries with this secret (X-MLflow-Signature)')
    .option('--json', 'print the webhook as JSON')
    .action(async (name: string, url: string, flags: CreateFlags, cmd: Command) => {
      const events = parseEvents(flags.events);
      const hook = await withRegistry(cmd, (_r, _t, store) => store.createWebhook({ name, url, events, modelName: flags.model, secret: flags.secret }));
      commandOutput(cmd).result(hook);
      commandOutput(cmd).line(`Created webhook ${hook.id} → ${hook.url} (${hook.events.join(', ')})`);
    });

  addRegistryOptions(webhooks.command('list'))
    .description('list webhooks')
    .option('--json', 'print the result as JSON')
    .action(async (_flags, cmd: Command) => {
      const out = commandOutput(cmd);
      const hooks = await withRegistry(cmd, (_r, _t, store) => store.listWebhooks());
      out.result({ webhooks: hooks });
      out.line(hooks.length === 0 ? 'No webhooks.' : formatTable(['ID', 'NAME', 'URL', 'MODEL', 'EVENTS', 'STATUS'], hooks.map(row)));
    });

  addRegistryOptions(webhooks.command('delete <id>'))
    .description('delete a webhook (its delivery history goes with it)')
    .action(async (id: string, _flags, cmd: Command) => {
      await withRegistry(cmd, (_r, _t, store) => store.deleteWebhook(id));
      commandOutput(cmd).line(`Deleted webhook ${id}`);
    });

  addRegistryOptions(webhooks.command('deliveries <id>'))
    .description("a webhook's delivery attempts, oldest first")
    .option('--json', 'print the result as JSON')
    .action(async (id: string, _flags, cmd: Command) => {
      const out = commandOutput(cmd);
      const attempts = await withRegistry(cmd, (_r, _t, store) => store.deliveries(id));
      out.result({ deliveries: attempts });
      out.line(formatTable(['WHEN', 'EVENT', 'ATTEMPT', 'STATUS', 'RESULT'], attempts.map((a) => [
        new Date(a.timestamp).toISOString(), a.event, String(a.attempt), a.statusCode === undefined ? '-' : String(a.statusCode), a.succeeded ? 'ok' : (a.error ?? 'failed'),
      ])));
    });
}

function parseEvents(list: string): WebhookEvent[] {
  const events = list.split(',').map((e) => e.trim()).filter(Boolean);
  for (const e of events) {
    if (!(WEBHOOK_EVENTS as readonly string[]).includes(e)) fail('INVALID_ARGUMENT', `--events: unknown event '${e}' (known: ${WEBHOOK_EVENTS.join(', ')})`, { field: 'events', event: e });
  }
  if (events.length === 0) fail('INVALID_ARGUMENT', '--events: name at least one event', { field: 'events' });
  return events as WebhookEvent[];
}

function row(h: Webhook): string[] {
  return [h.id, h.name, h.url, h.modelName ?? '(all)', h.events.join(','), h.status];
}
