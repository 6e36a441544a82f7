/**
 * Request ids of the model server: the caller's `x-request-id` (1–200 characters), else a new
 * UUIDv7. `paddock serve` makes them Fastify's own request ids (`genReqId`), so a request's id is
 * read from `request.id` instead of being kept aside per request.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Fastify's `genReqId` for the serving server: the caller's id when usable, else a new one. */
export function servingRequestId(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  return typeof given === 'string' && given.length > 0 && given.length <= 200 ? given : timeOrderedId();
}

let lastMs = -1;
let timePrefix = '';

/**
 * A new request id: a UUIDv7 (RFC 9562: the time in ms, then random bits), so the ids the
 * prediction log indexes arrive in order and its index grows at one end instead of everywhere
 * (random v4 ids made each logged row rewrite an index page somewhere in a large index).
 */
export function timeOrderedId(): string {
  const now = Date.now();
  if (now !== lastMs) {
    // The time part is shared by every id of the same millisecond: formatted once.
    lastMs = now;
    const time = now.toString(16).padStart(12, '0');
    timePrefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
  }
  // randomUUID is v4 (pooled randomness, fast): keep its random tail with the variant bits.
  return timePrefix + randomUUID().slice(15);
}
