import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { servingRequestId, timeOrderedId } from './request-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('makes UUIDv7s carrying the time, distinct within one millisecond, in time order across milliseconds', async () => {
    const before = Date.now();
    const ids = Array.from({ length: 1000 }, () => timeOrderedId());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    const ms = Number.parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 3));
    expect(timeOrderedId() > ids.at(-1)!).toBe(true);
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
