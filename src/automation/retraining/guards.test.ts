import { describe, expect, it } from 'vitest';
import { configSchema } from '../../core/config.js';
import { caught } from '../../test-support/caught.js';
import { memoryRetrainingStore } from '../../test-support/memory-retraining-store.js';
import { guardReason, isAbandonedHere, thisOwner } from './guards.js';
import { InProcessQueue } from './in-process-queue.js';
import { requestRetraining } from './request-retraining.js';
import type { Retraining } from './retraining.js';
import type { RetrainingJob } from './run-retraining.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');

function pipelineConfig(extra: Record<string, unknown> = {}) {
  return configSchema.parse({ retraining: { pipelines: { flights: { model: 'flights-late', ...extra } } } }).retraining.pipelines.flights!;
}

function row(over: Partial<Retraining>): Retraining {
  return {
    id: 'rt-x', pipeline: 'flights', model: 'flights-late', status: 'succeeded', trigger: { kind: 'manual', detail: { user: 'u' } },
    reason: '', steps: [], dataVersions: {}, attempts: 1, createdAt: NOW - 2 * HOUR, pipelineMs: 60_000, ...over,
  };
}

describe('retraining guards', () => {
  it('the config fills the defaults: target register, 60 min interval, no budget, canary steps', () => {
    const c = pipelineConfig();
    expect(c).toMatchObject({ target: 'register', min_interval_minutes: 60, budget: {}, triggers: { data: [], alerts: [] }, canary: { step_weights: [25, 50, 100] } });
  });

  it('lets a retraining start when nothing is running, the interval has passed and the budget has room', () => {
    expect(guardReason({ pipeline: 'flights', config: pipelineConfig(), recent: [row({})], now: NOW })).toBeUndefined();
  });

  it('skips inside the minimum interval of the model, naming the last retraining and when the next may start', () => {
    const reason = guardReason({ pipeline: 'flights', config: pipelineConfig({ min_interval_minutes: 180 }), recent: [row({ id: 'rt-last' })], now: NOW });
    expect(reason).toMatch(/last retraining of flights-late \(rt-last\) started 120 min ago.*min_interval_minutes is 180.*2026-06-01T13:00:00.000Z/);
    // Another pipeline of the same model counts too; a skipped trigger does not.
    expect(guardReason({ pipeline: 'flights', config: pipelineConfig({ min_interval_minutes: 180 }), recent: [row({ pipeline: 'other' })], now: NOW })).toMatch(/min_interval/);
    expect(guardReason({ pipeline: 'flights', config: pipelineConfig({ min_interval_minutes: 180 }), recent: [row({ status: 'skipped' })], now: NOW })).toBeUndefined();
  });

  it('never two active retrainings of one pipeline, unless the active one was abandoned by a dead process', () => {
    const running = row({ id: 'rt-run', status: 'running', createdAt: NOW - 5 * HOUR, owner: 'elsewhere:1' });
    expect(guardReason({ pipeline: 'flights', config: pipelineConfig(), recent: [running], now: NOW })).toMatch(/rt-run of pipeline 'flights' is still running/);
    expect(guardReason({ pipeline: 'flights', config: pipelineConfig(), recent: [running], now: NOW, isAbandoned: () => true })).toBeUndefined();
  });

  it('keeps to the daily budget of runs and of pipeline minutes', () => {
    const day = [row({ id: 'a', createdAt: NOW - 3 * HOUR }), row({ id: 'b', createdAt: NOW - 5 * HOUR }), row({ id: 'c', createdAt: NOW - 25 * HOUR })];
    expect(guardReason({ pipeline: 'flights', config: pipelineConfig({ min_interval_minutes: 0, budget: { max_runs_per_day: 2 } }), recent: day, now: NOW }))
      .toMatch(/budget: 2 retrainings .*max_runs_per_day \(2\)/);
    expect(guardReason({ pipeline: 'flights', config: pipelineConfig({ min_interval_minutes: 0, budget: { max_runs_per_day: 3 } }), recent: day, now: NOW })).toBeUndefined();
    expect(guardReason({ pipeline: 'flights', config: pipelineConfig({ min_interval_minutes: 0, budget: { max_minutes_per_day: 2 } }), recent: day, now: NOW }))
      .toMatch(/ran 2\.0 min in the last 24 h, reaching .*max_minutes_per_day \(2\)/);
  });

  it('a dead owner on this host is abandoned; a live one (this process) or another host is not', () => {
    expect(isAbandonedHere(row({ owner: thisOwner() }))).toBe(false);
    expect(isAbandonedHere(row({ owner: `${thisOwner().split(':')[0]}:2147483646` }))).toBe(true);
    expect(isAbandonedHere(row({ owner: 'some-other-host:2147483646' }))).toBe(false);
  });
});

describe('requestRetraining', () => {
  const clock = { now: () => new Date(NOW) };
  const pipelines = { flights: pipelineConfig({ min_interval_minutes: 30 }) };

  it('records and queues the first request; a second inside the interval is recorded as skipped, not queued', async () => {
    const store = memoryRetrainingStore();
    const queued: RetrainingJob[] = [];
    const queue = { kind: 'redis' as const, add: async (j: RetrainingJob) => void queued.push(j), close: async () => undefined };
    const first = await requestRetraining({ pipeline: 'flights', trigger: { kind: 'manual', detail: { user: 'ana' } } }, { store, queue, pipelines, clock });
    expect(first.status).toBe('queued');
    await store.update(first.id, { status: 'succeeded' });
    const second = await requestRetraining({ pipeline: 'flights', trigger: { kind: 'alert', detail: { rule: 'drift', firedAt: new Date(NOW).toISOString() } } }, { store, queue, pipelines, clock });
    expect(second.status).toBe('skipped');
    expect(second.reason).toMatch(/min_interval_minutes is 30/);
    expect(queued.map((j) => j.id)).toEqual([first.id]);
    // By hand, on purpose: the guards can be ignored, and the record says so.
    const forced = await requestRetraining({ pipeline: 'flights', trigger: { kind: 'manual', detail: { user: 'ana' } }, ignoreGuards: true }, { store, queue, pipelines, clock });
    expect(forced).toMatchObject({ status: 'queued', reason: 'guards ignored on request' });
    expect(store.rows.size).toBe(3);
  });

  it('one trigger id is one retraining, however many times it is seen; an unknown pipeline is NOT_FOUND listing the known ones', async () => {
    const store = memoryRetrainingStore();
    const queued: string[] = [];
    const queue = { kind: 'redis' as const, add: async (j: RetrainingJob) => void queued.push(j.id), close: async () => undefined };
    const req = { pipeline: 'flights', id: 'schedule-flights-202606011200', trigger: { kind: 'schedule' as const, detail: { cron: '0 12 * * *', tick: '2026-06-01T12:00:00.000Z' } } };
    const a = await requestRetraining(req, { store, queue, pipelines, clock });
    const b = await requestRetraining(req, { store, queue, pipelines, clock });
    expect(b).toEqual(a);
    expect(queued).toEqual(['schedule-flights-202606011200']);
    const err = await caught(() => requestRetraining({ ...req, pipeline: 'nope' }, { store, queue, pipelines, clock }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toMatch(/'nope' is not in paddock.yaml's retraining.pipelines \(known: flights\)/);
  });
});

describe('InProcessQueue', () => {
  it('runs jobs one at a time in order, queues an id once, and reports a job that throws', async () => {
    const log: string[] = [];
    let active = 0;
    const errors: string[] = [];
    const queue = new InProcessQueue(async (job) => {
      active++;
      log.push(`start ${job.id} (${active} active)`);
      await new Promise((r) => setImmediate(r));
      active--;
      log.push(`end ${job.id}`);
      if (job.id === 'b') throw new Error('boom');
      return row({ id: job.id });
    }, (job, err) => void errors.push(`${job.id}: ${(err as Error).message}`));
    await queue.add({ id: 'a' });
    await queue.add({ id: 'b' });
    await queue.add({ id: 'a' }); // still queued: not twice
    await queue.add({ id: 'c' });
    await queue.close();
    expect(log).toEqual(['start a (1 active)', 'end a', 'start b (1 active)', 'end b', 'start c (1 active)', 'end c']);
    expect(errors).toEqual(['b: boom']);
    await expect(queue.add({ id: 'd' })).rejects.toThrow(/closed/);
  });
});
