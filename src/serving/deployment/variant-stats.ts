/**
 * Request outcomes per deployment and variant (stable, canary), kept in memory for the canary
 * analysis: the serving routes record one outcome where an inference through the router ends
 * (its HTTP status and duration), and the analysis reads a summary of a time range.
 *
 * Each (deployment, variant) keeps the most recent `capacity` outcomes in a ring buffer (typed
 * arrays, no allocation per request), so memory stays bounded at any request rate. When more than
 * `capacity` requests arrive in one analysis interval, the summary covers the newest `capacity` of
 * them: still a large sample, and the most recent one. Outcomes carry the version that answered,
 * so a summary never mixes an old canary's requests with a new one's. An outcome may carry its
 * rows' predicted labels (classification), for comparing the variants' label distributions.
 *
 * Shadow comparisons (the router's ShadowRecords) are kept beside them, per deployment (see
 * shadow-stats.ts): the analysis reads both from one object.
 */
import type { ShadowRecord } from './shadow.js';
import { ShadowStats, type ShadowSummary } from './shadow-stats.js';

/** One finished request through the deployment router. */
export interface VariantOutcome {
  readonly deployment: string;
  readonly variant: 'stable' | 'canary';
  /** The version that answered. */
  readonly version: string;
  /** The HTTP status returned; 5xx counts as an error, anything else as a success. */
  readonly status: number;
  /** From request parsed to response ready, in milliseconds. */
  readonly ms: number;
  /** The predicted label of each row (classification models only). */
  readonly labels?: readonly string[];
}

/** How often each label was predicted. */
export interface LabelCounts {
  /** Rows with a label. */
  readonly rows: number;
  readonly counts: ReadonlyMap<string, number>;
}

/** What happened to one variant's requests in a time range. */
export interface VariantSummary {
  readonly requests: number;
  /** Requests answered with a 5xx status. */
  readonly errors: number;
  /** (requests - errors) / requests; 1 when there were no requests. */
  readonly successRate: number;
  /** 99th percentile latency in ms (nearest rank); 0 when there were no requests. */
  readonly p99Ms: number;
}

/** Options of VariantStats. */
export interface VariantStatsOptions {
  /** Outcomes kept per deployment and variant (default 50 000). */
  readonly capacity?: number;
  /** Milliseconds since the epoch stamped on each outcome (default Date.now; tests inject one). */
  readonly now?: () => number;
}

/** A fixed-size ring of outcomes. */
class Ring {
  readonly at: Float64Array;
  readonly ms: Float64Array;
  readonly error: Uint8Array;
  readonly version: string[];
  readonly labels: (readonly string[] | undefined)[];
  next = 0;
  size = 0;

  constructor(readonly capacity: number) {
    this.at = new Float64Array(capacity);
    this.ms = new Float64Array(capacity);
    this.error = new Uint8Array(capacity);
    this.version = new Array<string>(capacity);
    this.labels = new Array<readonly string[] | undefined>(capacity);
  }

  push(at: number, ms: number, error: boolean, version: string, labels: readonly string[] | undefined): void {
    const i = this.next;
    this.at[i] = at;
    this.ms[i] = ms;
    this.error[i] = error ? 1 : 0;
    this.version[i] = version;
    this.labels[i] = labels;
    this.next = (i + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }
}

const EMPTY: VariantSummary = { requests: 0, errors: 0, successRate: 1, p99Ms: 0 };

/** Rolling request outcomes per deployment and variant; see the file comment. */
export class VariantStats {
  readonly #rings = new Map<string, Ring>();
  readonly #capacity: number;
  readonly #now: () => number;
  readonly #shadows: ShadowStats;

  constructor(options: VariantStatsOptions = {}) {
    this.#capacity = Math.max(1, Math.floor(options.capacity ?? 50_000));
    this.#now = options.now ?? Date.now;
    this.#shadows = new ShadowStats(this.#capacity, this.#now);
  }

  /** Records one outcome, stamped with the current time. */
  record(outcome: VariantOutcome): void {
    const key = keyOf(outcome.deployment, outcome.variant);
    let ring = this.#rings.get(key);
    if (!ring) {
      ring = new Ring(this.#capacity);
      this.#rings.set(key, ring);
    }
    ring.push(this.#now(), Number.isFinite(outcome.ms) ? outcome.ms : 0, outcome.status >= 500, outcome.version, outcome.labels);
  }

  /** Records one shadow comparison (a DeploymentRouter shadow listener), stamped with the current time. */
  recordShadow(record: ShadowRecord): void {
    this.#shadows.record(record);
  }

  /**
   * The outcomes of `variant` of `deployment` recorded in [since, until) (until defaults to now),
   * only those answered by `version` when given.
   */
  summary(deployment: string, variant: 'stable' | 'canary', range: { readonly since: number; readonly until?: number; readonly version?: string }): VariantSummary {
    const ring = this.#rings.get(keyOf(deployment, variant));
    if (!ring) return EMPTY;
    const until = range.until ?? Number.POSITIVE_INFINITY;
    const latencies: number[] = [];
    let errors = 0;
    for (let k = 0; k < ring.size; k++) {
      const i = (ring.next - 1 - k + ring.capacity) % ring.capacity;
      const at = ring.at[i]!;
      if (at < range.since || at >= until) continue;
      if (range.version !== undefined && ring.version[i] !== range.version) continue;
      latencies.push(ring.ms[i]!);
      errors += ring.error[i]!;
    }
    if (latencies.length === 0) return EMPTY;
    return { requests: latencies.length, errors, successRate: (latencies.length - errors) / latencies.length, p99Ms: percentile(latencies, 0.99) };
  }

  /** The shadow comparisons of `deployment` in [since, until) from `primaryVersion`'s requests to `shadowVersion` (each filter when given). */
  shadowSummary(deployment: string, range: { readonly since: number; readonly until?: number; readonly primaryVersion?: string; readonly shadowVersion?: string }): ShadowSummary {
    return this.#shadows.summary(deployment, range);
  }

  /** The labels `variant` of `deployment` predicted in [since, until), only `version`'s when given (outcomes without labels are skipped). */
  labelCounts(deployment: string, variant: 'stable' | 'canary', range: { readonly since: number; readonly until?: number; readonly version?: string }): LabelCounts {
    const counts = new Map<string, number>();
    let rows = 0;
    const ring = this.#rings.get(keyOf(deployment, variant));
    if (!ring) return { rows, counts };
    const until = range.until ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < ring.size; i++) {
      const labels = ring.labels[i];
      if (!labels || ring.at[i]! < range.since || ring.at[i]! >= until) continue;
      if (range.version !== undefined && ring.version[i] !== range.version) continue;
      for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
      rows += labels.length;
    }
    return { rows, counts };
  }

  /** Forgets a deployment's outcomes (it is no longer served). */
  forget(deployment: string): void {
    this.#rings.delete(keyOf(deployment, 'stable'));
    this.#rings.delete(keyOf(deployment, 'canary'));
    this.#shadows.forget(deployment);
  }
}

function keyOf(deployment: string, variant: string): string {
  return `${deployment}\u0000${variant}`;
}

/**
 * Total variation distance between two label distributions: half the sum over labels of
 * |share in a − share in b|; 0 for the same shares, 1 when no label is shared. 0 when either is empty.
 */
export function labelShift(a: LabelCounts, b: LabelCounts): number {
  if (a.rows === 0 || b.rows === 0) return 0;
  let sum = 0;
  for (const label of new Set([...a.counts.keys(), ...b.counts.keys()])) {
    sum += Math.abs((a.counts.get(label) ?? 0) / a.rows - (b.counts.get(label) ?? 0) / b.rows);
  }
  return sum / 2;
}

/** Nearest-rank percentile (the smallest value with at least q of the values at or below it). */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}
