/**
 * Request ids of the model server: the caller's `x-request-id` (1–200 characters), else a new
 * UUIDv7. `paddock serve` makes them Fastify's own request ids (`genReqId`), so a request's id is
 * read from `request.id` instead of being kept aside per request.
 */
import { randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Fastify's `genReqId` for the serving server: the caller's id when usable, else a new one. */
export function servingRequestId(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  return typeof given === 'string' && given.length > 0 && given.length <= 200 ? given : timeOrderedId();
}

let lastMs = -1;
let timePrefix = '';
let counter = 0;
let tail = '';

/** The 4,096 three-digit hex strings of rand_a's counter, made once. */
const HEX3 = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(3, '0'));

/**
 * A new request id: a UUIDv7 (RFC 9562: the time in ms, then 74 more bits), so the ids the
 * prediction log indexes arrive in order and its index grows at one end instead of everywhere
 * (random v4 ids made each logged row rewrite an index page somewhere in a large index).
 *
 * The 74 bits follow RFC 9562's method 1 (a fixed-length dedicated counter): rand_a is a 12-bit
 * counter started at a random value below 2048 each millisecond, rand_b 62 random bits drawn
 * once per millisecond. Ids made within a millisecond are then in order too, and each costs a
 * string concatenation instead of a randomUUID() (a tenth of a request's JavaScript time on the
 * serving path). The random tail keeps ids of different processes (`serve --workers`) apart;
 * request ids are identifiers, not secrets.
 */
export function timeOrderedId(): string {
  const now = Date.now();
  if (now !== lastMs) {
    // The time part is shared by every id of the same millisecond: formatted once.
    lastMs = now;
    const time = now.toString(16).padStart(12, '0');
    timePrefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
    newTail();
  } else if (++counter > 0xfff) {
    // 2,048+ ids in one millisecond: a new random tail keeps the next ones distinct.
    newTail();
  }
  return timePrefix + HEX3[counter]! + tail;
}

/** Random bytes drawn 4 KiB at a time: one draw from the system's generator costs as much as hundreds of ids. */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

/** A fresh random rand_b (variant bits 10, then 62 random bits) and a counter start below 2048. */
function newTail(): void {
  if (poolAt + 10 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const bytes = pool.subarray(poolAt, (poolAt += 10));
  counter = ((bytes[0]! << 8) | bytes[1]!) & 0x7ff;
  bytes[2] = (bytes[2]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex', 2);
  tail = `-${hex.slice(0, 4)}-${hex.slice(4)}`;
}
