/**
 * What the processes of `paddock serve --workers N` tell each other over the cluster's IPC channels.
 * Workers share the port and the primary does not listen, so everything goes through the primary:
 *
 * - Metrics: a worker asked for /metrics sends `metrics-request`; the primary asks every connected
 *   worker (the asker too) for its registry's `getMetricsAsJSON()` and answers with all of them, and
 *   the asker renders their sum. A worker that does not answer within `collectTimeoutMs` fails the
 *   scrape with 503 naming it, rather than answering a partial sum: a counter summed over fewer
 *   workers goes down, which Prometheus takes for a counter reset (a false spike in `rate()`), while
 *   a failed scrape is only a gap.
 * - Canary analysis: workers other than the analysing one send `variant-batch` messages (see
 *   ForwardingVariantStats), which the primary passes to the analysing worker.
 *
 * prom-client's AggregatorRegistry.clusterMetrics() is not used: it works only in the primary, and
 * it gives up on the whole scrape after 5 s without saying which worker was missing.
 */
import cluster, { type Worker } from 'node:cluster';
import { PaddockError } from '../../core/errors.js';
import type { Logger } from '../../core/logging.js';
import { aggregateMetrics, type WorkerMetrics } from '../../http/serving/cluster-metrics.js';
import type { VariantBatch } from '../../serving/index.js';

/** How long the primary waits for every worker's metrics (a Prometheus scrape times out at 10 s by default). */
export const COLLECT_TIMEOUT_MS = 3_000;

type Message =
  | { readonly type: 'paddock:metrics-request'; readonly id: number }
  | { readonly type: 'paddock:metrics-collect'; readonly key: string }
  | { readonly type: 'paddock:metrics-part'; readonly key: string; readonly metrics?: WorkerMetrics; readonly error?: string }
  | { readonly type: 'paddock:metrics-response'; readonly id: number; readonly parts?: WorkerMetrics[]; readonly missing?: number[]; readonly error?: string }
  | { readonly type: 'paddock:variant-batch'; readonly from: number; readonly batch: VariantBatch };

function isMessage(m: unknown): m is Message {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string' && (m as { type: string }).type.startsWith('paddock:');
}

interface Collection {
  readonly asker: Worker;
  readonly id: number;
  /** Workers not answered yet: cluster id → worker number. */
  readonly waiting: Map<number, number>;
  readonly parts: WorkerMetrics[];
  readonly timer: NodeJS.Timeout;
}

/** In the primary: relays metrics requests and variant batches between the workers; returns its removal. */
export function relayClusterMessages(options: { readonly numberOf: (worker: Worker) => number; readonly analyser: number; readonly collectTimeoutMs?: number }): () => void {
  const collections = new Map<string, Collection>();
  const send = (worker: Worker | undefined, message: Message): void => {
    if (worker?.isConnected()) worker.send(message);
  };
  const finish = (key: string, answer: { parts?: WorkerMetrics[]; missing?: number[]; error?: string }): void => {
    const c = collections.get(key);
    if (!c) return;
    collections.delete(key);
    clearTimeout(c.timer);
    send(c.asker, { type: 'paddock:metrics-response', id: c.id, ...answer });
  };
  const onMessage = (worker: Worker, message: unknown): void => {
    if (!isMessage(message)) return;
    if (message.type === 'paddock:metrics-request') {
      const key = `${worker.id}:${message.id}`;
      const connected = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected());
      const timer = setTimeout(() => finish(key, { missing: [...collections.get(key)?.waiting.values() ?? []].sort((a, b) => a - b) }), options.collectTimeoutMs ?? COLLECT_TIMEOUT_MS);
      timer.unref();
      collections.set(key, { asker: worker, id: message.id, waiting: new Map(connected.map((w) => [w.id, options.numberOf(w)])), parts: [], timer });
      for (const w of connected) send(w, { type: 'paddock:metrics-collect', key });
    } else if (message.type === 'paddock:metrics-part') {
      const c = collections.get(message.key);
      if (!c || !c.waiting.delete(worker.id)) return;
      if (message.error !== undefined) return finish(message.key, { error: `worker ${options.numberOf(worker)} could not read its metrics: ${message.error}` });
      c.parts.push(message.metrics ?? []);
      if (c.waiting.size === 0) finish(message.key, { parts: c.parts });
    } else if (message.type === 'paddock:variant-batch') {
      send(Object.values(cluster.workers ?? {}).find((w) => w && options.numberOf(w) === options.analyser), message);
    }
  };
  cluster.on('message', onMessage);
  return () => {
    cluster.off('message', onMessage);
    for (const key of [...collections.keys()]) finish(key, { error: 'the server is shutting down' });
  };
}

/** In a worker: its side of the messages above; `close` before disconnecting. */
export class WorkerChannel {
  #nextId = 0;
  readonly #asked = new Map<number, { resolve: (parts: WorkerMetrics[]) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  #registry: { getMetricsAsJSON(): Promise<WorkerMetrics> } | undefined;
  #onBatch: ((from: number, batch: VariantBatch) => void) | undefined;
  readonly #listener = (message: unknown): void => this.#receive(message);

  constructor(private readonly options: { readonly worker: number; readonly logger: Logger; readonly collectTimeoutMs?: number }) {
    process.on('message', this.#listener);
  }

  /** Answers the primary's metrics collections from `registry`. */
  answerMetrics(registry: { getMetricsAsJSON(): Promise<WorkerMetrics> }): void {
    this.#registry = registry;
  }

  /** The Prometheus text of every worker's metrics summed; REMOTE_UNREACHABLE (503) naming a worker that did not answer. */
  async clusterMetrics(): Promise<string> {
    const id = this.#nextId++;
    const waitMs = (this.options.collectTimeoutMs ?? COLLECT_TIMEOUT_MS) + 2_000;
    const parts = await new Promise<WorkerMetrics[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#asked.delete(id);
        reject(new PaddockError('REMOTE_UNREACHABLE', `worker ${this.options.worker}: the primary process did not answer for the cluster's metrics within ${waitMs} ms; retry the scrape`, { worker: this.options.worker }));
      }, waitMs);
      this.#asked.set(id, { resolve, reject, timer });
      this.#send({ type: 'paddock:metrics-request', id }).catch((err: unknown) => {
        clearTimeout(timer);
        this.#asked.delete(id);
        reject(new PaddockError('REMOTE_UNREACHABLE', `worker ${this.options.worker}: asking the primary process for the cluster's metrics failed: ${(err as Error).message}`, { worker: this.options.worker }, { cause: err }));
      });
    });
    return aggregateMetrics(parts);
  }

  /** Sends a batch of request outcomes toward the analysing worker; resolves once handed to the IPC channel. */
  sendBatch(batch: VariantBatch): Promise<void> {
    return this.#send({ type: 'paddock:variant-batch', from: this.options.worker, batch });
  }

  /** Receives the other workers' batches (the analysing worker). */
  onBatch(handler: (from: number, batch: VariantBatch) => void): void {
    this.#onBatch = handler;
  }

  close(): void {
    process.off('message', this.#listener);
    for (const [id, asked] of this.#asked) {
      clearTimeout(asked.timer);
      asked.reject(new PaddockError('REMOTE_UNREACHABLE', 'the server is shutting down', {}));
      this.#asked.delete(id);
    }
  }

  #send(message: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!process.send || !process.connected) return reject(new Error('no IPC channel to the primary process'));
      process.send(message, undefined, undefined, (err) => (err ? reject(err) : resolve()));
    });
  }

  #receive(message: unknown): void {
    if (!isMessage(message)) return;
    if (message.type === 'paddock:metrics-collect') {
      const registry = this.#registry;
      if (!registry) return;
      registry.getMetricsAsJSON().then(
        (metrics) => this.#send({ type: 'paddock:metrics-part', key: message.key, metrics }),
        (err: unknown) => this.#send({ type: 'paddock:metrics-part', key: message.key, error: (err as Error).message }),
      ).catch((err: unknown) => this.options.logger.warn({ err }, 'answering the metrics collection failed'));
    } else if (message.type === 'paddock:metrics-response') {
      const asked = this.#asked.get(message.id);
      if (!asked) return;
      this.#asked.delete(message.id);
      clearTimeout(asked.timer);
      if (message.parts) asked.resolve(message.parts);
      else if (message.missing) asked.reject(new PaddockError('REMOTE_UNREACHABLE', `the cluster's metrics are incomplete: worker ${message.missing.join(', ')} did not answer within ${this.options.collectTimeoutMs ?? COLLECT_TIMEOUT_MS} ms (a partial sum would look like a counter reset); retry the scrape`, { missing: message.missing }));
      else asked.reject(new PaddockError('REMOTE_UNREACHABLE', `the cluster's metrics could not be collected: ${message.error ?? 'unknown error'}`, {}));
    } else if (message.type === 'paddock:variant-batch') {
      this.#onBatch?.(message.from, message.batch);
    }
  }
}
