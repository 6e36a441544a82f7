import os from 'node:os';
import type { Command } from 'commander';
import { openMetadata, openProject } from '../../app.js';
import { promotionGuard } from '../../app-promotion.js';
import type { Project } from '../../core/project.js';
import { fail } from '../../core/errors.js';
import type { Actor, RegistryStore, WebhookStore } from '../../registry/index.js';
import type { MetadataStore } from '../../storage/sql/open-metadata-store.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { SqlWebhookStore } from '../../storage/sql/registry/sql-webhook-store.js';
import type { TrackingStore } from '../../tracking/index.js';
import { commandCwd } from '../context.js';

/** The flags every `paddock models` command takes. */
export function addRegistryOptions(cmd: Command): Command {
  return cmd.option('--tracking-uri <uri>', "a database (sqlite:…, postgres://…) instead of the project's store (default: $PADDOCK_TRACKING_URI)");
}

/** The flags of commands that change the registry: who (and why) goes into the audit log. */
export function addActorOptions(cmd: Command): Command {
  return cmd
    .option('--actor <name>', 'who makes the change, for the audit log (default: $PADDOCK_ACTOR, else the OS user)')
    .option('--reason <text>', 'why, for the audit log');
}

/**
 * `--override` on commands that can move production: go ahead although the promotion policy's
 * checks fail (paddock.yaml `promotion`), recorded in the audit log as `policy.override`. Locally
 * whoever runs the CLI against the database is its admin; over HTTP only admin tokens may override.
 */
export function addOverrideOption(cmd: Command): Command {
  return cmd.option('--override', "move it even though the promotion policy's checks fail (needs --reason; audited as policy.override)");
}

/** Who the audit log names: --actor, $PADDOCK_ACTOR, or the OS user; with --override when given. */
export function actorOf(cmd: Command): Actor {
  const opts = cmd.optsWithGlobals() as { actor?: string; reason?: string; override?: boolean };
  const actor = opts.actor || process.env.PADDOCK_ACTOR || safeUserName();
  return { actor, ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.override ? { override: true } : {}) };
}

function safeUserName(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Opens the project's metadata database, or the one --tracking-uri (or $PADDOCK_TRACKING_URI)
 * names, runs `fn` over it and closes it. `commands` names the command group for the message
 * refusing a non-database URI (e.g. `models`, `deploy`).
 */
export async function withMetadata<T>(cmd: Command, commands: string, fn: (metadata: MetadataStore, project: Project) => Promise<T>): Promise<T> {
  const opts = cmd.optsWithGlobals() as { trackingUri?: string };
  const uri = opts.trackingUri ?? (process.env.PADDOCK_TRACKING_URI || undefined);
  if (uri && !/^(sqlite:|postgres(ql)?:\/\/)/i.test(uri)) {
    fail('INVALID_ARGUMENT', `--tracking-uri '${uri}': the ${commands} commands read a database (sqlite:<path> or postgres://…), not a server`, { field: 'trackingUri', uri });
  }
  const project = openProject({ cwd: commandCwd(cmd), logLevel: 'silent', ...(uri ? { flags: { 'metadata.uri': uri } } : {}) });
  const metadata = await openMetadata(project);
  try {
    return await fn(metadata, project);
  } finally {
    await metadata.close();
  }
}

/**
 * Opens the registry (and the tracking store beside it, for lineage) in the metadata database, runs `fn`, and closes it.
 * Moves of aliases the project's promotion policy guards are checked first (app-promotion.ts).
 */
export async function withRegistry<T>(cmd: Command, fn: (registry: RegistryStore, tracking: TrackingStore, webhooks: WebhookStore) => Promise<T>): Promise<T> {
  return withMetadata(cmd, 'models', (metadata, project) => fn(promotionGuard(project, metadata).registry(new SqlRegistryStore(metadata)), metadata.tracking, new SqlWebhookStore(metadata)));
}
