import type { Command } from 'commander';
import { artifactStoreConfig, artifactsRootOf, openMetadata } from '../../app.js';
import { promotionGuard } from '../../app-promotion.js';
import type { Project } from '../../core/project.js';
import type { MetadataStore } from '../../storage/sql/open-metadata-store.js';
import { SqlTokenStore } from '../../http/auth/token-store.js';
import { cachedArtifactStores } from '../../http/open-artifacts.js';
import { buildServer } from '../../http/server.js';
import { openObjectStore } from '../../storage/artifacts/open-object-store.js';
import { WebhookDispatcher, withWebhooks } from '../../registry/index.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { SqlDeploymentStore } from '../../storage/sql/deployments/sql-deployment-store.js';
import { SqlWebhookStore } from '../../storage/sql/registry/sql-webhook-store.js';
import { packageResolver } from '../../app-model-packages.js';
import { labelJoinSettings, openPredictionLogStore, startPredictionLog } from '../../app-prediction-log.js';
import type { RegistryStore } from '../../registry/index.js';
import { ModelPool, VariantStats } from '../../serving/index.js';
import type { TrackingStore } from '../../tracking/index.js';
import { commandOutput, commandProject } from '../context.js';
import type { Output } from '../output.js';
import { paddockVersion } from '../paddock-version.js';
import { defaultServeName, parseServeSpec } from './serve.js';
import { serveDeployments } from '../../app-deployments.js';
import { deploymentLines } from './deployment-lines.js';
import { untilSignal } from '../until-signal.js';
import { TriggerPoller } from '../../automation/index.js';
import { retrainingContextOn, type RetrainingContext } from '../../app-retraining.js';
import { requestedLine, retrainingLines } from './retraining-context.js';
import { alertRetrainingLinks } from '../../app-serving-monitor.js';
import { deploymentReferences } from '../../app-monitor-reference.js';
import { SqlAlertStore } from '../../storage/sql/alerts/sql-alert-store.js';
import { SqlRetrainingStore } from '../../storage/sql/retraining/sql-retraining-store.js';

interface ServerFlags {
  readonly host?: string;
  readonly port?: string;
  readonly auth?: boolean;
  readonly serve: string[];
  readonly deployment: string[];
  readonly triggers: boolean;
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
    .option('--serve <model>', 'also serve this model (models:/name@alias or a package directory; name=ref to choose the URL name) over /v2, /v1 and /invocations (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('--deployment <name>', 'also serve this deployment (see `paddock deploy`) under its traffic policy, with its canary analysis (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('--no-triggers', "don't poll the data and schedule triggers of paddock.yaml's retraining pipelines")
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
      // Moves of aliases and deployments the promotion policy guards are checked first, on every API.
      const guard = promotionGuard(project, { db: meta.db, dialect: meta.dialect, tracking: meta.tracking });
      const registry = guard.registry(withWebhooks(new SqlRegistryStore(database), webhooks));
      const tokens = new SqlTokenStore(meta.db);
      const serving = flags.serve.length > 0 || flags.deployment.length > 0;
      const pool = serving ? await servedModels(flags.serve, project, registry, meta.tracking, out) : undefined;
      const variantStats = new VariantStats();
      // Retraining jobs (from the trigger poller and from fired alerts) share one loop: with the
      // in-process queue they run in this server; with a redis queue `paddock worker` takes them.
      let stopping = false;
      const polled = flags.triggers ? Object.entries(project.config.retraining.pipelines).filter(([, p]) => p.triggers.data.length > 0 || p.triggers.schedule !== undefined).map(([name]) => name) : [];
      const alerted = flags.deployment.length > 0 && project.config.monitoring.prediction_log.enabled && alertRetrainingLinks(project.config).rules.size > 0;
      const retraining = polled.length > 0 || alerted ? await openRetraining(project, meta, () => stopping, out) : undefined;
      // The server prunes the prediction log past its retention, and joins labels to it, serving or not.
      // Started before the deployments: their monitor samples its dropped counter at once.
      const predictionLog = startPredictionLog(project, meta, { logger: project.logger, prune: true });
      // The dropped-predictions alert rule reads the log's counter.
      const droppedPredictions = () => predictionLog?.logger.counts().dropped ?? 0;
      const deployments = pool ? await serveDeployments({ pool, meta, names: flags.deployment, stats: variantStats, analyse: true, logger: project.logger, events: deploymentLines(out), project, droppedPredictions, ...(retraining && { retraining }) }) : undefined;
      const labelStore = predictionLog?.store ?? openPredictionLogStore(project, meta);
      const app = await buildServer({
        tracking: meta.tracking,
        registry,
        deployments: guard.deployments(new SqlDeploymentStore(database)),
        promotion: guard.store,
        artifacts,
        artifactRoot: artifactsRootOf(project),
        auth: settings.auth ? { tokens } : false,
        limits: { bodyLimitBytes: Math.round(settings.body_limit_mb * 2 ** 20), maxBatchMetrics: settings.max_batch_metrics },
        logger: project.logger,
        labels: { store: labelStore, ...labelJoinSettings(project) },
        monitoring: { predictionLog: labelStore, alerts: new SqlAlertStore(meta), retrainings: new SqlRetrainingStore(meta), rules: project.config.alerts, referenceOf: deploymentReferences(project, meta, project.root) },
        project,
        ...(pool ? { serving: { pool, version: paddockVersion(), router: deployments!.router, variantStats, ...(predictionLog && { predictionLog: predictionLog.logger }) } } : {}),
      });
      if (settings.auth && (await tokens.list()).every((t) => t.revokedAt !== undefined)) {
        out.warn('auth is on but there are no active tokens: create one with `paddock tokens create --role admin`');
      }
      const url = await app.listen({ host: settings.host, port: settings.port });
      out.result({ url, auth: settings.auth });
      out.line(`Paddock server listening on ${url}${settings.auth ? ' (bearer tokens required)' : ''}`);
      out.line(`  Paddock API:  ${url}/api/v1/openapi.json`);
      out.line(`  MLflow API:   MLFLOW_TRACKING_URI=${url}`);
      for (const m of pool?.list().filter((x) => !deployments?.router.isInternal(x.name)) ?? []) out.line(`  Model:        ${url}/v2/models/${m.name}/infer (version ${m.version})`);
      for (const d of flags.deployment) out.line(`  Deployment:   ${url}/v2/models/${d}/infer`);
      const poller = retraining && polled.length > 0 ? startTriggerPoller(retraining, out) : undefined;
      if (poller) out.line(`  Triggers:     data and schedule of ${polled.join(', ')} every ${project.config.retraining.poll_seconds} s; jobs ${retraining!.queue.kind === 'in-process' ? 'run in this server' : `go to ${retraining!.settings.queueName} for \`paddock worker\``} (--no-triggers: off)`);
      await untilSignal();
      stopping = true;
      out.line('Shutting down…');
      await poller?.stop();
      await deployments?.stop();
      // The signal stopped a pipeline running in-process (its record says so); then the queue closes, before the database.
      await retraining?.close();
      // In-flight requests finish; idle keep-alive sockets close at once.
      await app.close();
      await pool?.close();
      await predictionLog?.close();
      if (!predictionLog) await labelStore.close?.();
      await webhooks.close();
      await artifacts.closeAll();
      await meta.close();
    });
}

/** The retraining loop; one that cannot be opened (a redis queue without bullmq) is a warning: the server runs without it. */
async function openRetraining(project: Project, meta: MetadataStore, stopping: () => boolean, out: Output): Promise<RetrainingContext | undefined> {
  try {
    return await retrainingContextOn(project, meta, { stopping, ...retrainingLines(out) });
  } catch (err) {
    out.warn(`retraining triggers and alert retraining are off: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/** Polls the retraining pipelines' data and schedule triggers every retraining.poll_seconds; a failed poll is a warning. */
function startTriggerPoller(ctx: RetrainingContext, out: Output): TriggerPoller {
  const poller = new TriggerPoller(ctx.triggers, {
    pollMs: ctx.project.config.retraining.poll_seconds * 1000,
    onRequested: (r) => out.line(requestedLine(r)),
    onError: (err) => out.warn(`triggers: ${err instanceof Error ? err.message : String(err)}`),
  });
  poller.start();
  return poller;
}

/** The models `--serve` names, loaded before the server listens; aliases are re-resolved every 10 s. */
async function servedModels(specs: readonly string[], project: Project, registry: RegistryStore, tracking: TrackingStore, out: Output): Promise<ModelPool> {
  const pool = new ModelPool({ resolver: packageResolver(project.root, { project, registry, tracking }), logger: project.logger, onEvent: (e) => { if (e.type === 'swapped') out.line(`${e.name}: now serving version ${e.version} (was ${e.from})`); } });
  for (const spec of specs) {
    const { name, ref } = parseServeSpec(spec);
    await pool.add(name ?? (await defaultServeName(ref, project.root)), ref);
  }
  pool.watch(10_000);
  return pool;
}
