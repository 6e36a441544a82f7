import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logging.js';
import { MemoryPredictionLog } from '../../test-support/memory-prediction-log.js';
import { AlertNotifier } from '../alerts/alert-notifier.js';
import type { AlertRule } from '../alerts/alert-rule.js';
import type { AlertEvent } from '../alerts/alert-store.js';
import { profileColumns } from '../profiles/monitoring-profile.js';
import { DroppedCounter } from './dropped-counter.js';
import { startMonitoring } from './monitoring-loop.js';
import type { MonitorReference } from './reference.js';

const T0 = Date.UTC(2026, 0, 1);
const WINDOW = 10_000;

describe('DroppedCounter', () => {
  it("counts a window's drops as the growth of the running total between the samples at its ends", () => {
    let total = 0;
    const counter = new DroppedCounter(() => total, 60_000);
    counter.sample(T0);
    total = 7;
    counter.sample(T0 + 5000);
    total = 10;
    counter.sample(T0 + WINDOW);
    total = 25;
    counter.sample(T0 + 2 * WINDOW);
    expect(counter.between(T0, T0 + WINDOW)).toBe(10);
    expect(counter.between(T0 + WINDOW, T0 + 2 * WINDOW)).toBe(15);
    // Before the first sample nothing is known.
    expect(counter.between(T0 - WINDOW, T0)).toBeUndefined();
  });

  it('forgets samples older than it keeps', () => {
    let total = 0;
    const counter = new DroppedCounter(() => total++, 20_000);
    for (let t = 0; t <= 100_000; t += 1000) counter.sample(T0 + t);
    expect(counter.between(T0, T0 + WINDOW)).toBeUndefined();
    expect(counter.between(T0 + 80_000, T0 + 90_000)).toBe(10);
  });

  it('feeds the dropped_predictions rule of the monitoring loop window by window', async () => {
    let total = 0;
    const counter = new DroppedCounter(() => total, 60_000);
    const rule: AlertRule = { name: 'drops', metric: 'dropped_predictions', above: 100, min_samples: 0, for_windows: 2, clear_windows: 2, notify: ['log'] };
    const events: AlertEvent[] = [];
    const notifier = new AlertNotifier({ rules: [rule], logger: silentLogger, onAlert: (e) => void events.push(e) });
    let now = T0;
    const xs = [0, 0.5, 1];
    const reference: MonitorReference = {
      source: 'monitoring-profile', inputs: profileColumns([{ name: 'x', kind: 'numeric', values: xs }]), outputs: profileColumns([{ name: 'y', kind: 'numeric', values: xs }]),
      task: { kind: 'regression' }, outputNames: { prediction: 'y' }, metrics: {}, description: 'synthetic',
    };
    const monitoring = startMonitoring({
      store: new MemoryPredictionLog(), deployments: ['d'], reference: async () => reference, windowMs: WINDOW, rules: [rule], notifier, logger: silentLogger,
      now: () => now, dropped: (_d, since, until) => counter.between(since, until),
    });
    try {
      counter.sample(T0);
      for (const k of [1, 2, 3]) {
        total += 150 * k;
        counter.sample(T0 + k * WINDOW);
        now = T0 + k * WINDOW + 1;
        const [w] = await monitoring.tick();
        expect(w!.dropped).toBe(150 * k);
      }
      await notifier.idle();
      expect(events.map((e) => [e.kind, e.windows.map((w) => w.value)])).toEqual([['fired', [150, 300]]]);
    } finally {
      await monitoring.stop();
    }
  });
});
