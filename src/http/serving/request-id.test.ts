import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { servingRequestId, timeOrderedId } from './request-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('makes UUIDv7s carrying the time, distinct and in order within a millisecond and across milliseconds', async () => {
    const before = Date.now();
    const ids = Array.from({ length: 1000 }, () => timeOrderedId());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    const ms = Number.parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
    // In order within a millisecond too (rand_a counts), as well as across milliseconds.
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 3));
    expect(timeOrderedId() > ids.at(-1)!).toBe(true);
  });

  it('stays distinct past 4,096 ids in one millisecond (a new random tail when the counter runs out)', () => {
    const ids = Array.from({ length: 20_000 }, () => timeOrderedId());
    for (const id of ids.slice(0, 50)) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it("takes the caller's x-request-id when it is 1-200 characters, else makes one", () => {
    const raw = (id?: string | string[]) => ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as unknown as IncomingMessage;
    expect(servingRequestId(raw('trace-7'))).toBe('trace-7');
    expect(servingRequestId(raw('x'.repeat(200)))).toBe('x'.repeat(200));
    expect(servingRequestId(raw('x'.repeat(201)))).toMatch(UUID_V7);
    expect(servingRequestId(raw(''))).toMatch(UUID_V7);
    expect(servingRequestId(raw())).toMatch(UUID_V7);
  });
});
