import path from 'node:path';
import type { Command } from 'commander';
import { openMetadata, openProject } from '../../app.js';
import { packageResolver } from '../../app-model-packages.js';
import { predictionLogNeedsMetadata, startPredictionLog } from '../../app-prediction-log.js';
import { fail, isPaddockError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { createLogger } from '../../core/logging.js';
import { ServingMetrics } from '../../http/serving/serving-metrics.js';
import { buildServingServer } from '../../http/serving/serving-server.js';
import { isModelUri, readModelPackage } from '../../models/index.js';
import { parseModelUri } from '../../registry/index.js';
import { ForwardingVariantStats, ModelPool, VariantStats, applyVariantBatch } from '../../serving/index.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { commandCwd, commandOutput } from '../context.js';
import { paddockVersion } from '../paddock-version.js';
import { createOutput } from '../output.js';
import { untilSignal } from '../until-signal.js';
import { WorkerChannel } from './serve-cluster.js';
import { serveDeployments } from '../../app-deployments.js';
import { deploymentLines } from './deployment-lines.js';
import { runWorkers, workerIndex } from './serve-workers.js';

interface ServeFlags {
  readonly host: string;
  readonly port: string;
  readonly poll: string;
  readonly logLevel: string;
  readonly trackingUri?: string;
  readonly deployment: string[];
  readonly maxBatchSize?: string;
  readonly maxLatencyMs?: string;
  readonly workers: string;
  readonly predictionLog: boolean;
}

/** `paddock serve`: models over the Open Inference Protocol, KServe V1 and MLflow's /invocations. */
export function registerServe(program: Command): void {
  program
    .command('serve [models...]')
    .description('serve models (models:/name@alias, models:/name/3 or a package directory; name=ref to choose the URL name) over the Open Inference Protocol (/v2), KServe V1 and MLflow /invocations, with /metrics')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on, 0 for any free port', '8080')
    .option('--poll <seconds>', 'how often to re-resolve models:/ aliases and hot-swap to a moved alias (0: never)', '10')
    .option('--log-level <level>', 'access and error log level on stderr (info logs every request)', 'warn')
    .option('--deployment <name>', 'serve a deployment (see `paddock deploy`): its stable, canary and mirror versions under its policy, followed every second (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('--max-batch-size <n>', 'adaptive batching (with --max-latency-ms): concurrent requests to a model run as one model call of up to n rows')
    .option('--max-latency-ms <ms>', 'adaptive batching (with --max-batch-size): how long the first request of a batch waits for others')
    .option('--workers <n>', 'processes answering on the one port (one per core is a good start)', '1')
    .option('--tracking-uri <uri>', "the registry's database (default: the project's)")
    .option('--no-prediction-log', "do not log predictions (default: monitoring.prediction_log in the project's paddock.yaml; outside a project none are logged)")
    .action(async (specs: string[], flags: ServeFlags, cmd: Command) => {
      const worker = workerIndex();
      const workers = wholeNumber(flags.workers, '--workers', 256);
      if (workers < 1) fail('INVALID_ARGUMENT', `--workers must be at least 1, got '${flags.workers}'`, { field: 'workers' });
      if (workers > 1 && worker === undefined) {
        wholeNumber(flags.port, '--port', 65_535);
        process.exitCode = await runWorkers(workers, (text) => commandOutput(cmd).warn(text));
        return;
      }
      // Only the first worker prints (and runs the canary analysis): the others would repeat it.
      const out = worker !== undefined && worker > 1 ? createOutput({ quiet: true }) : commandOutput(cmd);
      const cwd = commandCwd(cmd);
      const logger = createLogger(flags.logLevel as 'warn');
      // Checked before any model loads: a bad --port surfaced as an internal error after loading.
      const port = wholeNumber(flags.port, '--port', 65_535);
      const pollSeconds = Number(flags.poll);
      if (flags.poll.trim() === '' || !(pollSeconds >= 0)) fail('INVALID_ARGUMENT', `--poll must be a number of seconds (0: never re-resolve), got '${flags.poll}'`, { field: 'poll' });
      const batching = parseBatchingFlags(flags);
      const wanted = specs.map(parseServeSpec);
      if (wanted.length === 0 && flags.deployment.length === 0) fail('INVALID_ARGUMENT', 'serve what? give model references (models:/name@alias, a package directory) or --deployment <name>', { field: 'models' });
      const needsRegistry = wanted.some((w) => isModelUri(w.ref)) || flags.deployment.length > 0;
      const uri = flags.trackingUri ?? (process.env.PADDOCK_TRACKING_URI || undefined);
      const project = needsRegistry || flags.predictionLog ? projectAt(cwd, uri, needsRegistry) : undefined;
      const logging = flags.predictionLog && project !== undefined && project.config.monitoring.prediction_log.enabled;
      const meta = project && (needsRegistry || (logging && predictionLogNeedsMetadata(project))) ? await openMetadata(project) : undefined;
      const resolver = packageResolver(cwd, project && meta ? { project, registry: new SqlRegistryStore(meta), tracking: meta.tracking } : undefined);
      // In a cluster, /metrics answers the sum over the workers, and worker 1's canary analysis
      // judges every worker's requests: the others forward their outcomes to it (serve-cluster.ts).
      const channel = worker !== undefined ? new WorkerChannel({ worker, logger }) : undefined;
      const metrics = new ServingMetrics({ processMetrics: true, ...(channel && { render: () => channel.clusterMetrics() }) });
      const pool = new ModelPool({
        resolver,
        logger,
        onEvent: (e) => {
          if (e.type === 'batched') metrics.batched(e.name, e.version!, e.rows!);
          else if (e.type === 'swapped') out.line(`${e.name}: now serving version ${e.version} (was ${e.from})`);
        },
      });
      channel?.answerMetrics(metrics.registry);
      // Every worker writes its own batches; one of them prunes past the retention.
      const predictionLog = logging ? startPredictionLog(project, meta, { logger, prune: (worker ?? 1) === 1 }) : undefined;
      if (predictionLog) metrics.countPredictionLog(() => predictionLog.logger.counts());
      const analyses = flags.deployment.length > 0 && (worker ?? 1) === 1;
      const variantStats = channel && !analyses && flags.deployment.length > 0
        ? new ForwardingVariantStats({ send: (batch) => channel.sendBatch(batch), logger })
        : new VariantStats();
      channel?.onBatch((from, batch) => {
        if (batch.dropped > 0) logger.warn({ worker: from, dropped: batch.dropped }, 'a worker dropped request outcomes meant for the canary analysis (its queue was full)');
        if (analyses) applyVariantBatch(variantStats, batch);
      });
      try {
        for (const w of wanted) {
          const info = await pool.add(w.name ?? (await defaultServeName(w.ref, cwd)), w.ref, batching ? { batching } : {});
          out.line(`Loaded ${info.name} version ${info.version} from ${info.ref}`);
        }
        const served = await serveDeployments({ pool, meta, names: flags.deployment, stats: variantStats, analyse: analyses, logger, events: deploymentLines(out), ...(project && { project }), ...(predictionLog && { droppedPredictions: () => predictionLog.logger.counts().dropped }) });
        const { router } = served;
        // Which worker answered (tests and debugging a cluster): one header, set only in a cluster.
        const responseHeaders: Record<string, string> = worker !== undefined ? { 'x-paddock-worker': String(worker) } : {};
        const app = await buildServingServer({ pool, router, version: paddockVersion(), logger, metrics, variantStats, responseHeaders, ...(predictionLog && { predictionLog: predictionLog.logger }) });
        const url = await app.listen({ host: flags.host, port });
        const stopWatching = pollSeconds > 0 && needsRegistry ? pool.watch(pollSeconds * 1000) : () => undefined;
        out.result({ url, models: pool.list().map((m) => ({ name: m.name, version: m.version, ref: m.ref })) });
        out.line(`Paddock model server listening on ${url}${workers > 1 ? ` (${workers} workers)` : ''}`);
        for (const d of flags.deployment) out.line(`  ${url}/v2/models/${d}/infer   (deployment)`);
        for (const m of pool.list().filter((x) => !router.isInternal(x.name))) out.line(`  ${url}/v2/models/${m.name}/infer   (also /v1/models/${m.name}:predict${pool.list().length === 1 ? ', /invocations' : ''})`);
        out.line(`  ${url}/metrics`);
        await untilSignal();
        stopWatching();
        await served.stop();
        out.line('Shutting down: finishing requests in flight…');
        await app.close();
        // The outcomes of the last requests still go to the analysis.
        if (variantStats instanceof ForwardingVariantStats) await variantStats.stop();
      } finally {
        // The predictions of the last requests are written before the database closes.
        await predictionLog?.close();
        channel?.close();
        await pool.close();
        await meta?.close();
        // A cluster worker's channel to the primary would keep it alive after shutdown.
        if (worker !== undefined) process.disconnect?.();
      }
    });
}

/**
 * The project serving reads its registry and prediction log settings from. Outside a project,
 * plain package directories are still served (without a prediction log).
 */
function projectAt(cwd: string, uri: string | undefined, required: boolean): Project | undefined {
  try {
    return openProject({ cwd, logLevel: 'silent', ...(uri ? { flags: { 'metadata.uri': uri } } : {}) });
  } catch (err) {
    if (!required && isPaddockError(err, 'NOT_A_PROJECT')) return undefined;
    throw err;
  }
}

/** `name=ref` or just `ref`. */
export function parseServeSpec(spec: string): { name?: string; ref: string } {
  const m = /^([A-Za-z0-9][\w.-]*)=(.+)$/.exec(spec);
  if (m && !spec.startsWith('models:/')) return { name: m[1]!, ref: m[2]! };
  if (spec.trim() === '') fail('INVALID_ARGUMENT', 'an empty model reference', { field: 'models' });
  return { ref: spec };
}

/** The URL name: the registered model's name, else the package's manifest name. */
export async function defaultServeName(ref: string, cwd: string): Promise<string> {
  if (isModelUri(ref)) return parseModelUri(ref).name;
  try {
    return (await readModelPackage(path.resolve(cwd, ref))).manifest.name;
  } catch (err) {
    if (isPaddockError(err)) throw err;
    return path.basename(ref);
  }
}

/** The batching limits, when both flags are given; INVALID_ARGUMENT for one without the other or a bad number. */
export function parseBatchingFlags(flags: { readonly maxBatchSize?: string; readonly maxLatencyMs?: string }): { maxBatchSize: number; maxLatencyMs: number } | undefined {
  const { maxBatchSize, maxLatencyMs } = flags;
  if (maxBatchSize === undefined && maxLatencyMs === undefined) return undefined;
  if (maxBatchSize === undefined || maxLatencyMs === undefined) fail('INVALID_ARGUMENT', `adaptive batching needs both --max-batch-size and --max-latency-ms (got only ${maxBatchSize === undefined ? '--max-latency-ms' : '--max-batch-size'})`, { field: maxBatchSize === undefined ? 'max-batch-size' : 'max-latency-ms' });
  const size = wholeNumber(maxBatchSize, '--max-batch-size', 1_000_000);
  if (size < 1) fail('INVALID_ARGUMENT', `--max-batch-size must be at least 1 row, got '${maxBatchSize}'`, { field: 'max-batch-size' });
  const latency = Number(maxLatencyMs);
  if (maxLatencyMs.trim() === '' || !Number.isFinite(latency) || latency < 0 || latency > 60_000) fail('INVALID_ARGUMENT', `--max-latency-ms must be a number of milliseconds from 0 to 60000, got '${maxLatencyMs}'`, { field: 'max-latency-ms' });
  return { maxBatchSize: size, maxLatencyMs: latency };
}

/** A whole number in [0, max] from a flag, or INVALID_ARGUMENT naming the flag. */
function wholeNumber(text: string, flag: string, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 0 || n > max) fail('INVALID_ARGUMENT', `${flag} must be a whole number from 0 to ${max}, got '${text}'`, { field: flag.slice(2) });
  return n;
}
