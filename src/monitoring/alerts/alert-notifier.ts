/**
 * Where fired and cleared alerts go: the alert store first (so each alert has an id and its
 * numbers are kept), then the log, the rule's webhooks and the in-process callback the
 * automation listens on. Webhooks reuse the registry's dispatcher: the same MLflow-shaped body
 * (`{entity: 'alert', action: 'fired' | 'cleared', timestamp, data}`), the same HMAC-SHA256
 * signature headers and the same retries with backoff, off the caller's path.
 */
import { fail } from '../../core/errors.js';
import type { Logger } from '../../core/logging.js';
import { WebhookDispatcher, type WebhookDeliveryAttempt, type WebhookDispatcherOptions, type WebhookTarget } from '../../registry/index.js';
import type { AlertRule } from './alert-rule.js';
import type { AlertEvent, AlertStore, StoredAlert } from './alert-store.js';

/** The webhook events of alerts. */
export type AlertWebhookEvent = 'alert.fired' | 'alert.cleared';

/** One delivery attempt of an alert webhook (kept in memory, the last MAX_ATTEMPTS). */
export type AlertDeliveryAttempt = Omit<WebhookDeliveryAttempt, 'event'> & { readonly event: AlertWebhookEvent };

const MAX_ATTEMPTS = 1000;

export interface AlertNotifierOptions {
  readonly rules: readonly AlertRule[];
  readonly logger: Logger;
  readonly store?: AlertStore;
  /** The automation's hook: called with every stored alert, fired or cleared. */
  readonly onAlert?: (alert: StoredAlert | AlertEvent) => void | Promise<void>;
  /** Where `secret_env` names are looked up (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Delivery tuning (tests shorten the backoff). */
  readonly webhooks?: Omit<WebhookDispatcherOptions<AlertWebhookEvent>, 'store'>;
}

export class AlertNotifier {
  private readonly rules: ReadonlyMap<string, AlertRule>;
  private readonly targets: ReadonlyMap<string, readonly WebhookTarget[]>;
  private readonly dispatcher: WebhookDispatcher<AlertWebhookEvent>;
  private readonly attempts: AlertDeliveryAttempt[] = [];

  constructor(private readonly options: AlertNotifierOptions) {
    this.rules = new Map(options.rules.map((r) => [r.name, r]));
    this.targets = new Map(options.rules.map((r) => [r.name, webhookTargets(r, options.env ?? process.env)]));
    this.dispatcher = new WebhookDispatcher<AlertWebhookEvent>({
      ...options.webhooks,
      store: {
        targetsFor: async (_event, rule) => this.targets.get(rule) ?? [],
        recordAttempt: async (a) => this.recordAttempt(a),
      },
      onError: (message, err) => options.logger.warn({ err }, message),
    });
  }

  /** Stores, logs and sends each event; returns them as stored (with ids when there is a store). */
  async notify(events: readonly AlertEvent[]): Promise<(StoredAlert | AlertEvent)[]> {
    const out: (StoredAlert | AlertEvent)[] = [];
    for (const event of events) {
      const alert = this.options.store ? await this.options.store.record(event) : event;
      out.push(alert);
      const rule = this.rules.get(event.rule);
      if (!rule || rule.notify.includes('log')) this.log(alert);
      if (this.targets.get(event.rule)?.length) this.dispatcher.emit(`alert.${event.kind}`, event.rule, alert);
      try {
        await this.options.onAlert?.(alert);
      } catch (err) {
        this.options.logger.error({ err, alert: event.rule }, `alert ${event.rule}: the automation hook failed`);
      }
    }
    return out;
  }

  /** Webhook attempts so far, oldest first. */
  deliveries(): readonly AlertDeliveryAttempt[] {
    return this.attempts;
  }

  /** Resolves when every webhook delivery (with its retries) is done. */
  idle(): Promise<void> {
    return this.dispatcher.idle();
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private log(alert: StoredAlert | AlertEvent): void {
    const what = alert.column ? `${alert.metric} of ${alert.column}` : alert.performanceMetric ? `${alert.metric} ${alert.performanceMetric}` : alert.metric;
    const message = `alert ${alert.rule} ${alert.kind} on deployment ${alert.deployment}: ${what} = ${Number(alert.value.toPrecision(4))} (${alert.kind === 'fired' ? 'breached' : 'healthy again vs'} ${alert.condition}) in ${alert.windows.length} consecutive windows`;
    const fields = { alert: { ...alert } };
    if (alert.kind === 'fired') this.options.logger.warn(fields, message);
    else this.options.logger.info(fields, message);
  }

  private recordAttempt(a: AlertDeliveryAttempt): void {
    this.attempts.push(a);
    if (this.attempts.length > MAX_ATTEMPTS) this.attempts.shift();
    if (!a.succeeded) this.options.logger.warn({ attempt: a }, `alert webhook ${a.webhookId}: attempt ${a.attempt} failed (${a.statusCode ?? a.error})`);
  }
}

/** The rule's webhooks, ids `<rule>#<n>`; a secret_env that is not set is an error naming it. */
function webhookTargets(rule: AlertRule, env: NodeJS.ProcessEnv): WebhookTarget[] {
  const out: WebhookTarget[] = [];
  rule.notify.forEach((n, i) => {
    if (typeof n === 'string') return;
    let secret = n.secret;
    if (n.secret_env !== undefined) {
      secret = env[n.secret_env];
      if (!secret) fail('CONFIG_INVALID', `paddock.yaml: alerts rule '${rule.name}': notify[${i}].secret_env names ${n.secret_env}, which is not set; export it or remove secret_env`, { rule: rule.name, variable: n.secret_env });
    }
    out.push({ id: `${rule.name}#${i}`, url: n.webhook, ...(secret ? { secret } : {}) });
  });
  return out;
}
