import { describe, expect, it } from 'vitest';
import type { LabelRecord, PredictionLogStore, PredictionRecord } from './prediction-log.js';
import { PredictionLogger } from './prediction-logger.js';

/** A store that keeps what it is given, and can be told to fail or to hold writes. */
class FakeStore implements PredictionLogStore {
  readonly batches: PredictionRecord[][] = [];
  failures = 0;
  attempts = 0;
  gate: Promise<void> | undefined;
  async append(records: readonly PredictionRecord[]): Promise<void> {
    this.attempts++;
    await this.gate;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('database is down');
    }
    this.batches.push([...records]);
  }
  async scan(): Promise<void> {}
  async attachLabels(_d: string, labels: readonly LabelRecord[]) {
    return { matched: 0, unmatched: labels.length };
  }
  async prune(): Promise<number> {
    return 0;
  }
  rows(): PredictionRecord[] {
    return this.batches.flat();
  }
}

function row(requestId: string, rowIndex = 0): PredictionRecord {
  return { requestId, rowIndex, deployment: 'd', model: 'm', version: '1', variant: 'default', inputs: { x: rowIndex }, outputs: { y: 1 }, latencyMs: 1, at: 1 };
}

const slow = { flushIntervalMs: 3_600_000 };

describe('PredictionLogger', () => {
  it('keeps or drops whole requests when sampling, about at the sample rate', async () => {
    const store = new FakeStore();
    const logger = new PredictionLogger({ store, sampleRate: 0.25, ...slow });
    for (let r = 0; r < 4000; r++) for (let i = 0; i < 3; i++) logger.record(row(`req-${r}`, i));
    await logger.close();
    const byRequest = new Map<string, number>();
    for (const rec of store.rows()) byRequest.set(rec.requestId, (byRequest.get(rec.requestId) ?? 0) + 1);
    expect([...byRequest.values()].every((n) => n === 3)).toBe(true);
    expect(byRequest.size).toBeGreaterThan(850);
    expect(byRequest.size).toBeLessThan(1150);
    expect(logger.counts()).toEqual({ written: byRequest.size * 3, dropped: 0, buffered: 0 });
  });

  it('logs everything at rate 1 and nothing at rate 0', async () => {
    const all = new FakeStore();
    const none = new FakeStore();
    const a = new PredictionLogger({ store: all, sampleRate: 1, ...slow });
    const b = new PredictionLogger({ store: none, sampleRate: 0, ...slow });
    for (let r = 0; r < 100; r++) {
      a.record(row(`q${r}`));
      b.record(row(`q${r}`));
    }
    await a.close();
    await b.close();
    expect(all.rows()).toHaveLength(100);
    expect(none.attempts).toBe(0);
  });

  it('drops and counts rows beyond the buffer, rows being written included, and never waits', async () => {
    const store = new FakeStore();
    let open!: () => void;
    store.gate = new Promise((resolve) => { open = resolve; });
    const logger = new PredictionLogger({ store, bufferSize: 10, flushRows: 4, ...slow });
    for (let i = 0; i < 6; i++) logger.record(row(`a${i}`));
    const flushing = logger.flush(); // takes the 6 rows; the store holds them
    for (let i = 0; i < 10; i++) logger.record(row(`b${i}`));
    expect(logger.counts()).toEqual({ written: 0, dropped: 6, buffered: 10 });
    open();
    await flushing;
    await logger.close();
    expect(store.rows().map((r) => r.requestId)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'b0', 'b1', 'b2', 'b3']);
    expect(logger.counts()).toEqual({ written: 10, dropped: 6, buffered: 0 });
  });

  it('flushes by itself once flush_rows rows wait', async () => {
    const store = new FakeStore();
    const logger = new PredictionLogger({ store, flushRows: 5, ...slow });
    for (let i = 0; i < 5; i++) logger.record(row(`r${i}`));
    expect(store.attempts).toBe(0); // not on the caller's stack
    await new Promise((resolve) => setImmediate(resolve));
    await logger.flush();
    expect(store.rows()).toHaveLength(5);
    await logger.close();
  });

  it('flushes on its interval', async () => {
    const store = new FakeStore();
    const logger = new PredictionLogger({ store, flushIntervalMs: 5 });
    logger.record(row('r'));
    for (let i = 0; i < 200 && store.rows().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(store.rows()).toHaveLength(1);
    await logger.close();
  });

  it('retries a failing store, then writes the batch once it recovers', async () => {
    const store = new FakeStore();
    store.failures = 2;
    const errors: string[] = [];
    const logger = new PredictionLogger({ store, retryDelaysMs: [1, 1, 1], onError: (m) => errors.push(m), ...slow });
    logger.record(row('r'));
    await logger.close();
    expect(store.attempts).toBe(3);
    expect(store.rows()).toHaveLength(1);
    expect(logger.counts()).toEqual({ written: 1, dropped: 0, buffered: 0 });
    expect(errors).toHaveLength(2);
  });

  it('drops and counts a batch the store keeps refusing, and carries on', async () => {
    const store = new FakeStore();
    store.failures = 3;
    const errors: string[] = [];
    const logger = new PredictionLogger({ store, retryDelaysMs: [1, 1], onError: (m) => errors.push(m), ...slow });
    logger.record(row('a', 0));
    logger.record(row('a', 1));
    await logger.flush();
    expect(logger.counts()).toEqual({ written: 0, dropped: 2, buffered: 0 });
    expect(errors.at(-1)).toMatch(/dropped 2 predictions after 3 failed writes/);
    logger.record(row('b'));
    await logger.close();
    expect(store.rows().map((r) => r.requestId)).toEqual(['b']);
    expect(logger.counts()).toEqual({ written: 1, dropped: 2, buffered: 0 });
  });

  it('close() writes what is buffered, and takes nothing after', async () => {
    const store = new FakeStore();
    const logger = new PredictionLogger({ store, ...slow });
    for (let i = 0; i < 7; i++) logger.record(row(`r${i}`));
    expect(store.rows()).toHaveLength(0);
    await logger.close();
    expect(store.rows()).toHaveLength(7);
    logger.record(row('late'));
    await logger.flush();
    expect(store.rows()).toHaveLength(7);
  });
});

describe('PredictionLogger batches', () => {
  it('writes at most maxBatchRows rows per store call', async () => {
    const store = new FakeStore();
    const logger = new PredictionLogger({ store, maxBatchRows: 4, ...slow });
    for (let i = 0; i < 10; i++) logger.record(row(`r${i}`));
    await logger.close();
    expect(store.batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(store.rows().map((r) => r.requestId)).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
  });

  it('a flush started by flush_rows writes whole maxBatchRows batches; the rest waits for more rows, the timer or close', async () => {
    const store = new FakeStore();
    const logger = new PredictionLogger({ store, flushRows: 4, maxBatchRows: 4, ...slow });
    // Ten rows recorded in one turn: the flush they start runs after them.
    for (let i = 0; i < 10; i++) logger.record(row(`r${i}`));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.batches.map((b) => b.length)).toEqual([4, 4]);
    expect(logger.counts()).toMatchObject({ written: 8, buffered: 2 });
    for (let i = 10; i < 12; i++) logger.record(row(`r${i}`));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.batches.map((b) => b.length)).toEqual([4, 4, 4]);
    logger.record(row('r12'));
    await logger.close();
    expect(store.batches.map((b) => b.length)).toEqual([4, 4, 4, 1]);
    expect(store.rows().map((r) => r.requestId)).toEqual(Array.from({ length: 13 }, (_, i) => `r${i}`));
  });
});
