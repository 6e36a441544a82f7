import type { Command } from 'commander';
import { artifactStoreConfig, artifactsRootOf, openMetadata } from '../../app.js';
import type { Project } from '../../core/project.js';
import { SqlTokenStore } from '../../http/auth/token-store.js';
import { cachedArtifactStores } from '../../http/open-artifacts.js';
import { buildServer } from '../../http/server.js';
import { openObjectStore } from '../../storage/artifacts/open-object-store.js';
import { WebhookDispatcher, withWebhooks } from '../../registry/index.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { SqlWebhookStore } from '../../storage/sql/registry/sql-webhook-store.js';
import { commandOutput, commandProject } from '../context.js';
import { untilSignal } from '../until-signal.js';

interface ServerFlags {
  readonly host?: string;
  readonly port?: string;
  readonly auth?: boolean;
}

/** Object stores for artifact URIs under the configured root (S3 settings from `artifacts.*`). */
function artifactOpener(project: Project): ReturnType<typeof cachedArtifactStores> {
  return cachedArtifactStores((uri) => openObjectStore(artifactStoreConfig(project, uri), { root: project.root, name: 'artifacts' }));
}

export function registerServer(program: Command): void {
  program
    .command('server')
    .description("serve Paddock's API (/api/v1) and MLflow's REST API (/api/2.0/mlflow) over the project's tracking store and registry")
    .option('--host <host>', 'interface to listen on (default server.host, 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free port (default server.port, 5000)')
    .option('--auth', 'require bearer tokens (create them with `paddock tokens create`)')
    .action(async (flags: ServerFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const project = commandProject(cmd, {
        flags: { 'server.host': flags.host, 'server.port': flags.port === undefined ? undefined : Number(flags.port), 'server.auth': flags.auth },
      });
      const { server: settings } = project.config;
      const meta = await openMetadata(project);
      const database = { db: meta.db as never, dialect: meta.dialect, close: async () => undefined };
      // Registry writes through the server notify the registered webhooks, off the request path.
      const webhooks = new WebhookDispatcher({ store: new SqlWebhookStore(database), onError: (message, err) => project.logger.warn({ err }, message) });
      const artifacts = artifactOpener(project);
      const registry = withWebhooks(new SqlRegistryStore(database), webhooks);
      const tokens = new SqlTokenStore(meta.db);
      const app = await buildServer({
        tracking: meta.tracking,
        registry,
        artifacts,
        artifactRoot: artifactsRootOf(project),
        auth: settings.auth ? { tokens } : false,
        limits: { bodyLimitBytes: Math.round(settings.body_limit_mb * 2 ** 20), maxBatchMetrics: settings.max_batch_metrics },
        logger: project.logger,
      });
      if (settings.auth && (await tokens.list()).every((t) => t.revokedAt !== undefined)) {
        out.warn('auth is on but there are no active tokens: create one with `paddock tokens create --role admin`');
      }
      const url = await app.listen({ host: settings.host, port: settings.port });
      out.result({ url, auth: settings.auth });
      out.line(`Paddock server listening on ${url}${settings.auth ? ' (bearer tokens required)' : ''}`);
      out.line(`  Paddock API:  ${url}/api/v1/openapi.json`);
      out.line(`  MLflow API:   MLFLOW_TRACKING_URI=${url}`);
      await untilSignal();
      out.line('Shutting down…');
      // In-flight requests finish; idle keep-alive sockets close at once.
      await app.close();
      await webhooks.close();
      await artifacts.closeAll();
      await meta.close();
    });
}
