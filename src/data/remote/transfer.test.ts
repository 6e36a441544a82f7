import { describe, expect, it } from 'vitest';
import { isPaddockError, PaddockError } from '../../core/errors.js';
import { noProgress } from '../../core/progress.js';
import { runPool, throwFailures } from './transfer.js';

const items = Array.from({ length: 20 }, (_, i) => i.toString(16).padStart(32, '0'));
const bar = noProgress('test', 'files');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runPool', () => {
  it('keeps at most `jobs` transfers in flight and runs every item', async () => {
    let inFlight = 0;
    let peak = 0;
    const outcome = await runPool(items, 3, bar, async () => {
      peak = Math.max(peak, ++inFlight);
      await sleep(2);
      inFlight--;
    });
    expect(peak).toBe(3);
    expect(outcome.done).toHaveLength(20);
    expect(outcome.failed).toEqual([]);
  });

  it('collects per-item failures and carries on with the rest', async () => {
    const outcome = await runPool(items, 4, bar, async (md5) => {
      if (md5 === items[3] || md5 === items[7]) throw new PaddockError('REMOTE_OBJECT_MISSING', `${md5} missing`);
    });
    expect(outcome.done).toHaveLength(18);
    expect(outcome.failed.map((f) => f.md5).sort()).toEqual([items[3], items[7]]);
    const err = (() => {
      try {
        throwFailures(outcome.failed, { verb: 'fetch from', url: 's3://b/p' });
      } catch (e) {
        return e;
      }
    })();
    expect(isPaddockError(err, 'REMOTE_OBJECT_MISSING')).toBe(true);
    expect((err as Error).message).toMatch(/^2 object\(s\) failed to fetch from s3:\/\/b\/p:/);
  });

  it('stops taking new work after a fatal failure and throws it', async () => {
    let started = 0;
    const err = await runPool(items, 2, bar, async () => {
      started++;
      throw new PaddockError('REMOTE_UNREACHABLE', 'down');
    }).catch((e: unknown) => e);
    expect(isPaddockError(err, 'REMOTE_UNREACHABLE')).toBe(true);
    expect(started).toBeLessThanOrEqual(2);
  });
});
