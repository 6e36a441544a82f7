import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { alertsConfigSchema } from '../../core/config-monitoring.js';
import { silentLogger } from '../../core/logging.js';
import { verifyWebhookSignature, WEBHOOK_HEADERS } from '../../registry/index.js';
import { MemoryAlertStore } from '../../storage/memory/memory-alert-store.js';
import type { WindowResult } from '../monitor/monitor-window.js';
import { AlertEvaluator } from './alert-evaluator.js';
import { AlertNotifier } from './alert-notifier.js';

const HOUR = 3_600_000;

/** A window with only what the accuracy rule reads. */
function window(i: number, accuracy: number, rows = 500): WindowResult {
  return {
    deployment: 'fraud', since: i * HOUR, until: (i + 1) * HOUR, rows, requests: rows, labeled: rows, versions: {},
    performance: { realized: { rows, metrics: { accuracy }, skipped: 0 } },
  };
}

const rules = (extra: Record<string, unknown> = {}) => alertsConfigSchema.parse([{ name: 'accuracy-low', metric: 'performance', performance_metric: 'accuracy', below: 0.7, notify: ['log', 'retrain:flights'], ...extra }]);

describe('alert hysteresis', () => {
  it('a new evaluator resumed from the recorded alerts neither judges those windows again nor fires a firing alert twice, and still clears it', () => {
    const first = new AlertEvaluator(rules());
    const bad = [0, 1].flatMap((i) => first.evaluate(window(i, 0.6)));
    expect(bad).toMatchObject([{ kind: 'fired', at: 2 * HOUR }]);
    // Without the record, a second process fires again on the same windows (the duplicate this prevents).
    const unaware = new AlertEvaluator(rules());
    expect([0, 1].flatMap((i) => unaware.evaluate(window(i, 0.6)))).toMatchObject([{ kind: 'fired' }]);
    const next = new AlertEvaluator(rules());
    next.resume([...bad, { ...bad[0]!, rule: 'other-rule', kind: 'cleared', at: 9 * HOUR }]);
    expect([0, 1].flatMap((i) => next.evaluate(window(i, 0.6)))).toEqual([]);
    expect(next.evaluate(window(2, 0.5))).toEqual([]); // still firing: no second event
    expect(next.status()).toContainEqual({ rule: 'accuracy-low', deployment: bad[0]!.deployment, firing: true });
    expect([3, 4].flatMap((i) => next.evaluate(window(i, 0.9)))).toMatchObject([{ kind: 'cleared', value: 0.9 }]);
  });

  it('one noisy window does not fire; two consecutive do; it clears after clear_windows healthy ones', () => {
    const e = new AlertEvaluator(rules());
    const fired = (acc: number, i: number, rows?: number) => e.evaluate(window(i, acc, rows));
    expect(fired(0.8, 0)).toEqual([]);
    expect(fired(0.6, 1)).toEqual([]); // one bad window
    expect(fired(0.8, 2)).toEqual([]);
    expect(fired(0.6, 3)).toEqual([]);
    const [alert] = fired(0.65, 4);
    expect(alert).toMatchObject({ rule: 'accuracy-low', kind: 'fired', metric: 'performance', performanceMetric: 'accuracy', value: 0.65, below: 0.7, retrain: ['flights'], at: 5 * HOUR });
    expect(alert!.windows.map((w) => w.value)).toEqual([0.6, 0.65]);
    expect(fired(0.6, 5)).toEqual([]); // still firing: no second event
    expect(fired(0.8, 6)).toEqual([]); // one healthy window does not clear
    expect(fired(0.6, 7)).toEqual([]);
    expect(fired(0.8, 8)).toEqual([]);
    expect(fired(0.9, 9)).toMatchObject([{ kind: 'cleared', value: 0.9 }]);
  });

  it('skips windows below min_samples and windows already seen', () => {
    const e = new AlertEvaluator(rules({ min_samples: 100 }));
    expect(e.evaluate(window(0, 0.5))).toEqual([]);
    expect(e.evaluate(window(1, 0.5, 20))).toEqual([]); // too few labels: skipped, the streak holds
    expect(e.evaluate(window(1, 0.5))).toEqual([]); // the same window again is ignored
    expect(e.evaluate(window(2, 0.5))).toHaveLength(1);
  });

  it('refuses rules missing what their metric needs', () => {
    expect(() => alertsConfigSchema.parse([{ name: 'x', metric: 'drift_score' }])).toThrow(/column/);
    expect(() => alertsConfigSchema.parse([{ name: 'x', metric: 'latency_p99' }])).toThrow(/above or below/);
  });
});

describe('alert notifier', () => {
  const servers: ReturnType<typeof createServer>[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    servers.length = 0;
  });

  it('records the alert, calls the automation hook and delivers a signed webhook, retrying a 503', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = received.length === 1 ? 503 : 200;
        res.end();
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const store = new MemoryAlertStore();
    const hooked: unknown[] = [];
    const notifier = new AlertNotifier({
      rules: rules({ notify: ['log', { webhook: url, secret_env: 'ALERT_SECRET' }] }), logger: silentLogger, store,
      env: { ALERT_SECRET: 's3cret' }, onAlert: (a) => void hooked.push(a), webhooks: { baseDelayMs: 1 },
    });
    const e = new AlertEvaluator(rules());
    const events = [...e.evaluate(window(0, 0.5)), ...e.evaluate(window(1, 0.55))];
    const [stored] = await notifier.notify(events);
    await notifier.idle();
    await notifier.close();
    expect(stored).toMatchObject({ id: 1, kind: 'fired', value: 0.55 });
    expect(await store.list({ deployment: 'fraud' })).toHaveLength(1);
    expect(hooked).toEqual([stored]);
    expect(received).toHaveLength(2);
    const last = received[1]!;
    const h = (name: string) => String(last.headers[name.toLowerCase()]);
    expect(verifyWebhookSignature('s3cret', h(WEBHOOK_HEADERS.deliveryId), h(WEBHOOK_HEADERS.timestamp), last.body, h(WEBHOOK_HEADERS.signature))).toBe(true);
    expect(verifyWebhookSignature('wrong', h(WEBHOOK_HEADERS.deliveryId), h(WEBHOOK_HEADERS.timestamp), last.body, h(WEBHOOK_HEADERS.signature))).toBe(false);
    const body = JSON.parse(last.body);
    expect(body).toMatchObject({ entity: 'alert', action: 'fired', data: { rule: 'accuracy-low', value: 0.55, windows: [{ value: 0.5 }, { value: 0.55 }] } });
    expect(notifier.deliveries().map((d) => [d.attempt, d.statusCode, d.succeeded])).toEqual([[1, 503, false], [2, 200, true]]);
  });
});
