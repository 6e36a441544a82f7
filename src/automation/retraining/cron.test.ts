import { describe, expect, it } from 'vitest';
import { caught } from '../../test-support/caught.js';
import { cronMatches, nextCronTick, parseCron } from './cron.js';

const at = (iso: string) => new Date(iso);
const next = (expr: string, after: string) => nextCronTick(parseCron(expr), at(after))?.toISOString();

describe('parseCron / nextCronTick (5 fields, UTC)', () => {
  it('expands *, numbers, ranges, steps, lists and names', () => {
    const s = parseCron('*/15 1-3,22 * jan-mar mon-fri');
    expect([...s.minutes]).toEqual([0, 15, 30, 45]);
    expect([...s.hours]).toEqual([1, 2, 3, 22]);
    expect([...s.months]).toEqual([1, 2, 3]);
    expect([...s.daysOfWeek]).toEqual([1, 2, 3, 4, 5]);
    expect([...parseCron('0 0 * * 7').daysOfWeek]).toEqual([0]); // 7 is Sunday too
    expect([...parseCron('5-20/5 * * * *').minutes]).toEqual([5, 10, 15, 20]);
    expect([...parseCron('10/20 * * * *').minutes]).toEqual([10, 30, 50]);
  });

  it('finds the next tick strictly after a time', () => {
    expect(next('0 3 * * *', '2026-01-01T02:59:30Z')).toBe('2026-01-01T03:00:00.000Z');
    expect(next('0 3 * * *', '2026-01-01T03:00:00Z')).toBe('2026-01-02T03:00:00.000Z');
    expect(next('*/10 * * * *', '2026-01-01T00:00:00Z')).toBe('2026-01-01T00:10:00.000Z');
    expect(next('30 12 1 * *', '2026-01-15T00:00:00Z')).toBe('2026-02-01T12:30:00.000Z');
    expect(next('0 0 29 2 *', '2026-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z'); // leap day
    expect(next('0 9 * * mon', '2026-11-27T10:00:00Z')).toBe('2026-11-30T09:00:00.000Z'); // a Friday → Monday
    expect(next('0 0 31 dec *', '2026-12-31T00:00:00Z')).toBe('2027-12-31T00:00:00.000Z');
    expect(nextCronTick(parseCron('0 0 30 2 *'), at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('day of month and day of week both restricted: either matches (Vixie cron)', () => {
    const s = parseCron('0 0 13 * fri');
    expect(cronMatches(s, at('2026-11-13T00:00:00Z'))).toBe(true); // Friday the 13th
    expect(cronMatches(s, at('2026-11-20T00:00:00Z'))).toBe(true); // a Friday
    expect(cronMatches(s, at('2026-10-13T00:00:00Z'))).toBe(true); // a Tuesday the 13th
    expect(cronMatches(s, at('2026-11-19T00:00:00Z'))).toBe(false);
  });

  it('rejects bad expressions with CONFIG_INVALID naming the key and the field', async () => {
    for (const [expr, msg] of [
      ['0 3 * *', /has 4 field\(s\)/],
      ['60 * * * *', /minute '60' is outside 0–59/],
      ['* 5-2 * * *', /runs backwards/],
      ['* * * foo *', /month 'foo'/],
      ['*/0 * * * *', /step must be at least 1/],
      ['1,,2 * * * *', /minute field/],
    ] as const) {
      const err = await caught(async () => parseCron(expr, 'retraining.pipelines.p.triggers.schedule'));
      expect(err).toMatchObject({ code: 'CONFIG_INVALID', details: { key: 'retraining.pipelines.p.triggers.schedule' } });
      expect((err as Error).message).toMatch(msg);
    }
  });
});
