/**
 * Shadow comparisons per deployment, kept in memory for the canary analysis: the router's shadow
 * listener records each mirrored request's comparison (ShadowRecord), and the analysis reads a
 * summary of a time range for one (primary version, shadow version) pair, e.g. stable → canary.
 *
 * Like VariantStats, each deployment keeps the newest `capacity` comparisons in a ring buffer of
 * typed arrays (the rows, agreed rows and summed |Δ| of each record, not the rows themselves), so
 * memory stays bounded at any request rate.
 */
import type { ShadowRecord } from './shadow.js';

/** What the mirrored requests of one version pair found in a time range. */
export interface ShadowSummary {
  /** Mirrored requests (comparisons), errors included. */
  readonly requests: number;
  /** Mirrored requests the shadow failed to answer. */
  readonly errors: number;
  /** Rows compared; a failed shadow's rows count, as rows that did not agree. */
  readonly rows: number;
  /** Rows whose answers agreed: the label (classification, exact) or |Δ| within the tolerance (regression). */
  readonly agreedRows: number;
  /** agreedRows / rows; 1 when there were no rows. */
  readonly agreement: number;
  /** Regression: mean |shadow − primary| over the rows that have one (undefined when none has). */
  readonly meanAbsDelta?: number;
}

const EMPTY: ShadowSummary = { requests: 0, errors: 0, rows: 0, agreedRows: 0, agreement: 1 };

/** A fixed-size ring of comparisons. */
class Ring {
  readonly at: Float64Array;
  readonly rows: Float64Array;
  readonly agreed: Float64Array;
  /** Sum of |Δ| (NaN when a prediction was not a number) and the rows it covers (0: not regression). */
  readonly deltaSum: Float64Array;
  readonly deltaRows: Float64Array;
  readonly error: Uint8Array;
  readonly primary: string[];
  readonly shadow: string[];
  next = 0;
  size = 0;

  constructor(readonly capacity: number) {
    this.at = new Float64Array(capacity);
    this.rows = new Float64Array(capacity);
    this.agreed = new Float64Array(capacity);
    this.deltaSum = new Float64Array(capacity);
    this.deltaRows = new Float64Array(capacity);
    this.error = new Uint8Array(capacity);
    this.primary = new Array<string>(capacity);
    this.shadow = new Array<string>(capacity);
  }

  push(at: number, r: ShadowRecord): void {
    const i = this.next;
    this.at[i] = at;
    this.rows[i] = r.rows;
    this.agreed[i] = r.outcome === 'error' ? 0 : r.agreedRows ?? (r.outcome === 'agree' ? r.rows : 0);
    const deltas = r.outcome !== 'error' && r.kind === 'regression' && r.meanAbsDelta !== undefined;
    this.deltaSum[i] = deltas ? r.meanAbsDelta! * r.rows : 0;
    this.deltaRows[i] = deltas ? r.rows : 0;
    this.error[i] = r.outcome === 'error' ? 1 : 0;
    this.primary[i] = r.primaryVersion;
    this.shadow[i] = r.shadowVersion;
    this.next = (i + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }
}

/** Rolling shadow comparisons per deployment; see the file comment. */
export class ShadowStats {
  readonly #rings = new Map<string, Ring>();

  constructor(private readonly capacity: number, private readonly now: () => number) {}

  /** Records one comparison, stamped with the current time. */
  record(record: ShadowRecord): void {
    let ring = this.#rings.get(record.deployment);
    if (!ring) {
      ring = new Ring(this.capacity);
      this.#rings.set(record.deployment, ring);
    }
    ring.push(this.now(), record);
  }

  /** The comparisons of `deployment` recorded in [since, until) between these versions (each filter when given). */
  summary(deployment: string, range: { readonly since: number; readonly until?: number; readonly primaryVersion?: string; readonly shadowVersion?: string }): ShadowSummary {
    const ring = this.#rings.get(deployment);
    if (!ring) return EMPTY;
    const until = range.until ?? Number.POSITIVE_INFINITY;
    let requests = 0;
    let errors = 0;
    let rows = 0;
    let agreedRows = 0;
    let deltaSum = 0;
    let deltaRows = 0;
    for (let i = 0; i < ring.size; i++) {
      const at = ring.at[i]!;
      if (at < range.since || at >= until) continue;
      if (range.primaryVersion !== undefined && ring.primary[i] !== range.primaryVersion) continue;
      if (range.shadowVersion !== undefined && ring.shadow[i] !== range.shadowVersion) continue;
      requests++;
      errors += ring.error[i]!;
      rows += ring.rows[i]!;
      agreedRows += ring.agreed[i]!;
      deltaSum += ring.deltaSum[i]!;
      deltaRows += ring.deltaRows[i]!;
    }
    if (requests === 0) return EMPTY;
    return { requests, errors, rows, agreedRows, agreement: rows === 0 ? 1 : agreedRows / rows, ...(deltaRows > 0 ? { meanAbsDelta: deltaSum / deltaRows } : {}) };
  }

  forget(deployment: string): void {
    this.#rings.delete(deployment);
  }
}
