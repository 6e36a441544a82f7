import { describe, expect, it } from 'vitest';
import { configSchema } from '../../core/config.js';
import { fixedClock } from '../../core/clock.js';
import { memoryRetrainingStore } from '../../test-support/memory-retraining-store.js';
import type { RetrainingQueue } from './retraining-queue.js';
import { TriggerPoller } from './trigger-poller.js';
import { checkSchedules, onAlert, type DataWatchDeps } from './triggers.js';

const pipelines = configSchema.parse({
  retraining: {
    pipelines: {
      flights: { model: 'flights-late', min_interval_minutes: 0, triggers: { alerts: ['flights-drift', 'flights-auc'], schedule: '0 3 * * *' } },
      weather: { model: 'rain', min_interval_minutes: 0, triggers: { alerts: ['rain-drift'] } },
    },
  },
}).retraining.pipelines;

function deps(start: string): DataWatchDeps & { queued: string[]; clock: ReturnType<typeof fixedClock> } {
  const queued: string[] = [];
  const queue: RetrainingQueue = { kind: 'redis', add: async (j) => void queued.push(j.id), close: async () => undefined };
  return {
    store: memoryRetrainingStore(), queue, pipelines, clock: fixedClock(new Date(start)), queued,
    readDataVersions: async () => ({}), lockedDataVersion: async () => undefined,
  };
}

describe('retraining triggers', () => {
  it('an alert retrains the pipelines that list its rule, recording the alert and its numbers, once per alert', async () => {
    const d = deps('2026-06-01T12:00:00Z');
    const alert = { rule: 'flights-drift', deployment: 'flights', firedAt: new Date('2026-06-01T11:59:00Z'), numbers: { drifted_share: 0.6 } };
    const [r, ...more] = await onAlert(alert, d);
    expect(more).toEqual([]);
    expect(r).toMatchObject({ pipeline: 'flights', model: 'flights-late', status: 'queued', trigger: { kind: 'alert', detail: { rule: 'flights-drift', deployment: 'flights', firedAt: '2026-06-01T11:59:00.000Z', numbers: { drifted_share: 0.6 } } } });
    expect((await onAlert(alert, d)).map((x) => x.id)).toEqual([r!.id]);
    expect(d.queued).toEqual([r!.id]);
    expect(await onAlert({ ...alert, rule: 'unlisted' }, d)).toEqual([]);
  });

  it('the schedule fires once for the latest tick in the polled span, with the tick as the id', async () => {
    const d = deps('2026-06-01T12:00:00Z');
    expect(await checkSchedules(new Date('2026-06-01T02:58:00Z'), new Date('2026-06-01T02:59:59Z'), d)).toEqual([]);
    const [r] = await checkSchedules(new Date('2026-06-01T02:59:00Z'), new Date('2026-06-01T03:00:30Z'), d);
    expect(r).toMatchObject({ id: 'schedule-flights-202606010300', trigger: { kind: 'schedule', detail: { cron: '0 3 * * *', tick: '2026-06-01T03:00:00.000Z' } } });
    // Two days unpolled: one retraining, for the latest tick.
    const caughtUp = await checkSchedules(new Date('2026-06-01T03:00:30Z'), new Date('2026-06-03T04:00:00Z'), d);
    expect(caughtUp.map((x) => x.trigger)).toEqual([{ kind: 'schedule', detail: { cron: '0 3 * * *', tick: '2026-06-03T03:00:00.000Z' } }]);
  });

  it('the poller checks schedules from where it last looked', async () => {
    const d = deps('2026-06-01T02:59:00Z');
    const poller = new TriggerPoller(d, { pollMs: 60_000 });
    expect(await poller.poll()).toEqual([]);
    d.clock.set(new Date('2026-06-01T03:00:10Z'));
    expect((await poller.poll()).map((r) => r.id)).toEqual(['schedule-flights-202606010300']);
    d.clock.set(new Date('2026-06-01T03:01:10Z'));
    expect(await poller.poll()).toEqual([]);
    await poller.stop();
  });
});
