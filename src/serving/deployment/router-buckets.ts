/**
 * How a deployment picks the version for a request: every request falls in a bucket of [0, 100)
 * and the candidates own consecutive ranges of buckets from 0 (the first candidate [0, w1), the
 * next [w1, w1 + w2), …), stable the rest. A sticky key hashes to a fixed bucket, so one caller
 * always gets the same version at given weights, and a caller in the first candidate's range
 * stays in it as that weight grows (10 → 25 → 50 only adds buckets).
 */
import type { InputRow } from '../../models/index.js';
import type { TrafficPolicy } from './deployment.js';

/** The version a bucket falls to, and which kind of slot answers it. */
export interface VariantChoice {
  readonly variant: 'stable' | 'canary';
  readonly version: string;
}

/** What routing reads of a request. */
export interface RoutableRequest {
  /** A request header by name (case-insensitive as HTTP is), or undefined when absent. */
  header(name: string): string | undefined;
  readonly rows: readonly InputRow[];
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a (32 bit) over the key's UTF-8 bytes. */
export function fnv1a(key: string): number {
  let h = FNV_OFFSET;
  for (const byte of Buffer.from(key, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/**
 * FNV-1a then murmur3's finalizer: FNV alone leaves keys that differ only in their last character
 * ("user-1", "user-2") close together in the high bits, which pick the bucket.
 */
export function hashKey(key: string): number {
  let h = fnv1a(key);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The key's bucket in [0, 100); fractional so that fractional weights (2.5%) are honoured too. */
export function stickyBucket(key: string): number {
  return (hashKey(key) / 2 ** 32) * 100;
}

/** The sticky key of a request under `policy`, or undefined (no sticky rule, header or column absent). */
export function stickyKey(policy: TrafficPolicy, request: RoutableRequest): string | undefined {
  const sticky = policy.sticky;
  if (!sticky) return undefined;
  if ('header' in sticky) {
    const value = request.header(sticky.header);
    return value === undefined || value === '' ? undefined : value;
  }
  const value = request.rows[0]?.[sticky.column];
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The version owning `bucket` (in [0, 100)) under `policy`. */
export function chooseVariant(policy: TrafficPolicy, bucket: number): VariantChoice {
  let upper = 0;
  for (const candidate of policy.candidates) {
    upper += candidate.weight;
    if (bucket < upper) return { variant: 'canary', version: candidate.version };
  }
  return { variant: 'stable', version: policy.stable };
}

/** Every version a policy names (stable, candidates, mirror), each once, stable first. */
export function policyVersions(policy: TrafficPolicy): string[] {
  const versions = [policy.stable, ...policy.candidates.map((c) => c.version)];
  if (policy.mirror) versions.push(policy.mirror.version);
  return [...new Set(versions)];
}
