import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.js';
import type { WebhookDeliveryAttempt, WebhookEvent, WebhookTarget } from './webhook-model.js';
import { signWebhook, WEBHOOK_HEADERS } from './signature.js';

/**
 * Where a dispatcher finds the targets of an event and records its attempts: the registry's
 * WebhookStore, or another capability's (monitoring alerts) with its own `<entity>.<action>` events.
 */
export interface WebhookDeliveryStore<E extends string = WebhookEvent> {
  /** The targets of `event` within `scope` (the registry: a model name). */
  targetsFor(event: E, scope: string): Promise<readonly WebhookTarget[]>;
  recordAttempt(attempt: Omit<WebhookDeliveryAttempt, 'event'> & { readonly event: E }): Promise<void>;
}

/** Tuning for {@link WebhookDispatcher}; defaults follow MLflow's delivery settings. */
export interface WebhookDispatcherOptions<E extends string = WebhookEvent> {
  /** The registry's WebhookStore is one. */
  readonly store: WebhookDeliveryStore<E>;
  /** Tries per delivery, the first included (default 4: MLflow's 3 retries after the first). */
  readonly maxAttempts?: number;
  /** Backoff before retry n is baseDelayMs·2^(n-1) (default 1000: MLflow's backoff_factor 1 s). */
  readonly baseDelayMs?: number;
  /** Cap of one backoff, Retry-After included (default 60 s, as MLflow). */
  readonly maxDelayMs?: number;
  /** Per-request timeout (default 30 s, MLflow's MLFLOW_WEBHOOK_REQUEST_TIMEOUT). */
  readonly timeoutMs?: number;
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number;
  /** Deliveries waiting beyond this are dropped and reported (default 10,000): memory stays bounded. */
  readonly maxQueue?: number;
  readonly clock?: Clock;
  /** Told about failures that have nowhere else to go (store errors, dropped deliveries). */
  readonly onError?: (message: string, err?: unknown) => void;
}

// MLflow retries these statuses (urllib3 Retry status_forcelist); other 4xx are final.
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

interface Delivery<E extends string> {
  readonly target: WebhookTarget;
  readonly event: E;
  readonly deliveryId: string;
  readonly timestamp: string;
  readonly body: string;
  attempt: number;
}

type Job<E extends string> = { readonly kind: 'fanout'; readonly event: E; readonly modelName: string; readonly data: unknown } | { readonly kind: 'send'; readonly delivery: Delivery<E> };

/**
 * Delivers registry events to webhooks off the request path: `emit` only enqueues; a small
 * in-process worker pool looks up the subscribed webhooks, POSTs the signed JSON body and
 * retries with exponential backoff, recording every attempt. Events still queued when the
 * process exits are lost (the audit log keeps the record of the change itself).
 */
export class WebhookDispatcher<E extends string = WebhookEvent> {
  private readonly queue: Job<E>[] = [];
  private running = 0;
  private outstanding = 0;
  private waiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private readonly o: Required<Omit<WebhookDispatcherOptions<E>, 'onError'>> & Pick<WebhookDispatcherOptions<E>, 'onError'>;

  constructor(options: WebhookDispatcherOptions<E>) {
    this.o = {
      maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 60_000, timeoutMs: 30_000, concurrency: 4, maxQueue: 10_000, clock: systemClock,
      ...options,
    };
  }

  /** Queues `event` for every webhook subscribed to it; returns at once. */
  emit(event: E, modelName: string, data: unknown): void {
    if (this.closed) return;
    this.push({ kind: 'fanout', event, modelName, data });
  }

  /** Resolves when nothing is queued, in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops accepting events and drops pending retries; in-flight requests finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.outstanding -= this.timers.size + this.queue.length;
    this.timers.clear();
    this.queue.length = 0;
    this.settle();
    await this.idle();
  }

  private push(job: Job<E>): void {
    if (this.outstanding >= this.o.maxQueue) {
      this.o.onError?.(`webhook queue full (${this.o.maxQueue}): dropped ${job.kind === 'fanout' ? job.event : job.delivery.event}`);
      return;
    }
    this.outstanding++;
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.o.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running++;
      void this.run(job).finally(() => {
        this.running--;
        this.outstanding--;
        this.settle();
        this.pump();
      });
    }
  }

  private settle(): void {
    if (this.outstanding > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async run(job: Job<E>): Promise<void> {
    try {
      if (job.kind === 'fanout') await this.fanOut(job.event, job.modelName, job.data);
      else await this.send(job.delivery);
    } catch (err) {
      this.o.onError?.('webhook delivery failed unexpectedly', err);
    }
  }

  private async fanOut(event: E, modelName: string, data: unknown): Promise<void> {
    const targets = await this.o.store.targetsFor(event, modelName);
    const [entity, action] = event.split('.') as [string, string];
    const body = JSON.stringify({ entity, action, timestamp: this.o.clock.now().toISOString(), data });
    const timestamp = String(Math.floor(this.o.clock.now().getTime() / 1000));
    for (const target of targets) {
      this.push({ kind: 'send', delivery: { target, event, deliveryId: randomUUID(), timestamp, body, attempt: 1 } });
    }
  }

  private async send(d: Delivery<E>): Promise<void> {
    const started = performance.now();
    let statusCode: number | undefined;
    let error: string | undefined;
    let retryAfterMs: number | undefined;
    try {
      const response = await fetch(d.target.url, {
        method: 'POST',
        headers: this.headers(d),
        body: d.body,
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      statusCode = response.status;
      retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      await response.body?.cancel().catch(() => undefined);
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${(err.cause as Error | undefined)?.message ?? err.message}` : String(err);
    }
    const succeeded = statusCode !== undefined && statusCode >= 200 && statusCode < 300;
    await this.o.store.recordAttempt({
      webhookId: d.target.id, deliveryId: d.deliveryId, event: d.event, attempt: d.attempt, succeeded,
      durationMs: Math.round(performance.now() - started), timestamp: this.o.clock.now().getTime(),
      ...(statusCode !== undefined ? { statusCode } : {}), ...(error !== undefined ? { error } : {}),
    }).catch((err) => this.o.onError?.(`could not record webhook attempt for ${d.target.url}`, err));
    const retryable = error !== undefined || (statusCode !== undefined && RETRY_STATUSES.has(statusCode));
    if (!succeeded && retryable && d.attempt < this.o.maxAttempts && !this.closed) this.retryLater(d, retryAfterMs);
  }

  private headers(d: Delivery<E>): Record<string, string> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      [WEBHOOK_HEADERS.deliveryId]: d.deliveryId,
      [WEBHOOK_HEADERS.timestamp]: d.timestamp,
    };
    // Retries resend the identical request (same id, timestamp, signature), as MLflow's do.
    if (d.target.secret) headers[WEBHOOK_HEADERS.signature] = signWebhook(d.target.secret, d.deliveryId, d.timestamp, d.body);
    return headers;
  }

  private retryLater(d: Delivery<E>, retryAfterMs: number | undefined): void {
    const backoff = this.o.baseDelayMs * 2 ** (d.attempt - 1);
    const delay = Math.min(this.o.maxDelayMs, Math.max(backoff, retryAfterMs ?? 0));
    this.outstanding++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.outstanding--;
      this.push({ kind: 'send', delivery: { ...d, attempt: d.attempt + 1 } });
      this.settle();
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
