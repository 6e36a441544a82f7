import { describe, expect, it } from 'vitest';
import { InProcessQueue, type Retraining, type RetrainingJob } from './automation/index.js';
import { fixedClock } from './core/clock.js';
import { configSchema } from './core/config.js';
import { silentLogger } from './core/logging.js';
import { AlertNotifier, startMonitoring, type PredictionRecord } from './monitoring/index.js';
import type { MonitorReference } from './monitoring/monitor/reference.js';
import { profileColumns } from './monitoring/profiles/monitoring-profile.js';
import { MemoryPredictionLog } from './test-support/memory-prediction-log.js';
import { memoryRetrainingStore } from './test-support/memory-retraining-store.js';
import { monitoringTimes } from './core/config-monitoring.js';
import { alertRetrainingLinks, retrainOnAlert } from './app-serving-monitor.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 5, 1, 10);

// `flights-slow` names its pipeline on the rule (retrain:flights); `flights-errors` is listed by the pipeline.
const config = configSchema.parse({
  alerts: [
    { name: 'flights-slow', metric: 'latency_p99', above: 50, min_samples: 10, for_windows: 1, notify: ['retrain:flights'] },
    { name: 'flights-errors', metric: 'error_rate', above: 0.5, min_samples: 10, for_windows: 1 },
    { name: 'typo', metric: 'latency_p99', above: 50, notify: ['retrain:flight'] },
  ],
  retraining: { pipelines: { flights: { model: 'flights-late', min_interval_minutes: 0, triggers: { alerts: ['flights-errors'] } } } },
});

function reference(): MonitorReference {
  const xs = Array.from({ length: 200 }, (_, i) => i / 200);
  return {
    source: 'monitoring-profile',
    inputs: profileColumns([{ name: 'x', kind: 'numeric', values: xs }]),
    outputs: profileColumns([{ name: 'late', kind: 'numeric', values: xs }]),
    task: { kind: 'regression' },
    outputNames: { prediction: 'late' },
    metrics: {},
    description: 'synthetic',
  };
}

/** An hour of slow predictions of deployment `flights`. */
async function slowHour(): Promise<MemoryPredictionLog> {
  const log = new MemoryPredictionLog();
  const rows: PredictionRecord[] = Array.from({ length: 50 }, (_, i) => ({
    requestId: `r${i}`, rowIndex: 0, deployment: 'flights', model: 'flights-late', version: '1', variant: 'stable',
    inputs: { x: (i % 10) / 10 }, outputs: { late: (i % 10) / 10 }, latencyMs: 200, at: START + i * 1000,
  }));
  await log.append(rows);
  return log;
}

describe('serving monitor → retraining', () => {
  it('links a rule to the pipelines its retrain: names or whose triggers.alerts list it, and reports names of no pipeline', () => {
    const links = alertRetrainingLinks(config);
    expect([...links.rules]).toEqual([['flights-slow', ['flights']], ['flights-errors', ['flights']]]);
    expect(links.unknown).toEqual([{ rule: 'typo', pipeline: 'flight' }]);
    expect(alertRetrainingLinks({ ...config, retraining: { ...config.retraining, pipelines: {} } }).rules.size).toBe(0);
  });

  it('an alert with retrain: flights fired by the monitoring loop requests one retraining, run by the in-process queue', async () => {
    const store = memoryRetrainingStore();
    const ran: RetrainingJob[] = [];
    const queue = new InProcessQueue(async (job) => {
      ran.push(job);
      return store.update(job.id, { status: 'succeeded' });
    });
    const requested: Retraining[] = [];
    const deps = { store, queue, pipelines: config.retraining.pipelines, clock: fixedClock(new Date(START + HOUR + 1000)) };
    const notifier = new AlertNotifier({ rules: config.alerts, logger: silentLogger, onAlert: retrainOnAlert(deps, { logger: silentLogger, onRequested: (r) => requested.push(r) }) });
    const monitoring = startMonitoring({
      store: await slowHour(), deployments: ['flights'], reference: async () => reference(), windowMs: HOUR,
      rules: config.alerts, notifier, logger: silentLogger, now: () => START + HOUR + 1000,
    });
    try {
      const [window] = await monitoring.tick();
      expect(window?.latency?.p99).toBe(200);
      await queue.idle();
      expect(requested).toHaveLength(1);
      expect(requested[0]).toMatchObject({
        pipeline: 'flights', model: 'flights-late', status: 'queued',
        trigger: { kind: 'alert', detail: { rule: 'flights-slow', deployment: 'flights', firedAt: new Date(START + HOUR).toISOString(), numbers: { metric: 'latency_p99', value: 200 } } },
      });
      expect(ran.map((j) => j.id)).toEqual([requested[0]!.id]);
      expect([...store.rows.values()].map((r) => [r.id, r.status])).toEqual([[requested[0]!.id, 'succeeded']]);
    } finally {
      await monitoring.stop();
      await queue.close();
    }
  });

  it('a cleared alert retrains nothing, and a failing store is logged, not thrown', async () => {
    const store = memoryRetrainingStore();
    const queue = new InProcessQueue(async () => fail());
    const deps = { store, queue, pipelines: config.retraining.pipelines, clock: fixedClock(new Date(START)) };
    const errors: string[] = [];
    const logger = { ...silentLogger, error: (_: unknown, message: string) => void errors.push(message) } as unknown as typeof silentLogger;
    const hook = retrainOnAlert(deps, { logger });
    const alert = { rule: 'flights-slow', deployment: 'flights', kind: 'cleared', metric: 'latency_p99', value: 1, condition: '> 50', windows: [], at: START, retrain: ['flights'] } as const;
    await hook(alert);
    expect(store.rows.size).toBe(0);
    store.create = () => Promise.reject(new Error('database is down'));
    await hook({ ...alert, kind: 'fired' });
    expect(errors).toEqual(['alert flights-slow on flights: could not request a retraining: database is down']);
    await queue.close();
  });
});

describe('monitoring.window and monitoring.label_delay', () => {
  it('default to 1h and 0s, and accept 10s … 1d windows', () => {
    expect(monitoringTimes(configSchema.parse({}).monitoring)).toEqual({ windowMs: HOUR, delayMs: 0 });
    expect(monitoringTimes(configSchema.parse({ monitoring: { window: '10s', label_delay: '45s' } }).monitoring)).toEqual({ windowMs: 10_000, delayMs: 45_000 });
    expect(monitoringTimes(configSchema.parse({ monitoring: { window: '1d' } }).monitoring).windowMs).toBe(24 * HOUR);
  });

  it('reject a window out of range or not a duration, naming the field and what to give', () => {
    const issue = (monitoring: object) => {
      const r = configSchema.safeParse({ monitoring });
      expect(r.success).toBe(false);
      const first = r.error!.issues[0]!;
      return `${first.path.join('.')}: ${first.message}`;
    };
    expect(issue({ window: '5s' })).toBe("monitoring.window: '5s' is out of range: the monitoring window must be from 10s to 1d");
    expect(issue({ window: '2d' })).toBe("monitoring.window: '2d' is out of range: the monitoring window must be from 10s to 1d");
    expect(issue({ window: 'hourly' })).toBe("monitoring.window: 'hourly' is not a duration: give a number and a unit (ms, s, m, h, d), e.g. 30s, 5m, 1h or 1d");
    expect(issue({ label_delay: '8d' })).toBe("monitoring.label_delay: '8d' is out of range: the label delay must be from 0s to 7d");
  });

  it('with a label delay, a window is judged only that long after it ends, so labels arriving meanwhile count', async () => {
    const log = await slowHour();
    let now = START + HOUR + 1000;
    const notifier = new AlertNotifier({ rules: [], logger: silentLogger });
    const monitoring = startMonitoring({
      store: log, deployments: ['flights'], reference: async () => reference(), windowMs: HOUR, delayMs: 10 * 60_000,
      rules: [], notifier, logger: silentLogger, now: () => now,
    });
    try {
      // One second after the hour ended: still within the delay, so the window judged is the hour before (empty).
      const [early] = await monitoring.tick();
      expect([early!.since, early!.rows]).toEqual([START - HOUR, 0]);
      await log.attachLabels('flights', Array.from({ length: 50 }, (_, i) => ({ requestId: `r${i}`, label: (i % 10) / 10, at: START + HOUR + 60_000 })));
      now = START + HOUR + 10 * 60_000;
      const [late] = await monitoring.tick();
      expect([late!.since, late!.rows, late!.labeled]).toEqual([START, 50, 50]);
      expect(late!.performance.realized?.metrics.rmse).toBe(0);
    } finally {
      await monitoring.stop();
    }
  });
});

function fail(): never {
  throw new Error('no job should run');
}
