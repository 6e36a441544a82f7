/**
 * The storage form of a metric series: chunks of up to {@link MAX_CHUNK_POINTS} points, each one
 * BLOB/bytea of three packed little-endian float64 columns (steps, timestamps, values). A batch
 * appends one chunk per key, so a million points are a few dozen rows instead of a million.
 * float64 holds MLflow's int64 steps and millisecond timestamps exactly up to 2^53, and NaN and
 * ±Infinity values as they are.
 */

/** Most points in one chunk (24 bytes each: 1.5 MiB), bounding the size of one row. */
export const MAX_CHUNK_POINTS = 65_536;
/** A new append smaller than this is merged into a small last chunk instead of adding a row. */
export const SMALL_CHUNK_POINTS = 1024;

/** A series in columns. */
export interface SeriesColumns {
  readonly steps: Float64Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Packs points [from, to) of the columns into one chunk's bytes. */
export function encodeChunk(cols: SeriesColumns, from = 0, to = cols.steps.length): Buffer {
  const n = to - from;
  const out = new Float64Array(n * 3);
  out.set(cols.steps.subarray(from, to), 0);
  out.set(cols.timestamps.subarray(from, to), n);
  out.set(cols.values.subarray(from, to), 2 * n);
  if (!LITTLE_ENDIAN) swap64(new Uint8Array(out.buffer));
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** Unpacks one chunk (copying, since driver buffers may be unaligned or pooled). */
export function decodeChunk(bytes: Uint8Array, n: number): SeriesColumns {
  if (bytes.byteLength !== n * 24) throw new Error(`metric chunk holds ${bytes.byteLength} bytes, expected ${n * 24}`);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  if (!LITTLE_ENDIAN) swap64(copy);
  const all = new Float64Array(copy.buffer);
  return { steps: all.subarray(0, n), timestamps: all.subarray(n, 2 * n), values: all.subarray(2 * n, 3 * n) };
}

/** Concatenates decoded chunks into one series. */
export function concatSeries(parts: readonly SeriesColumns[]): SeriesColumns {
  const total = parts.reduce((s, p) => s + p.steps.length, 0);
  const steps = new Float64Array(total);
  const timestamps = new Float64Array(total);
  const values = new Float64Array(total);
  let at = 0;
  for (const p of parts) {
    steps.set(p.steps, at);
    timestamps.set(p.timestamps, at);
    values.set(p.values, at);
    at += p.steps.length;
  }
  return { steps, timestamps, values };
}

/**
 * Sorts a series by (step, timestamp), keeping insertion order among equal points. Series are
 * nearly always logged in order, so the check is a single pass and the sort rarely runs.
 */
export function sortSeries(s: SeriesColumns): SeriesColumns {
  const n = s.steps.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) {
    const ds = s.steps[i]! - s.steps[i - 1]!;
    sorted = ds > 0 || (ds === 0 && s.timestamps[i]! >= s.timestamps[i - 1]!);
  }
  if (sorted) return s;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (s.steps[a]! - s.steps[b]!) || (s.timestamps[a]! - s.timestamps[b]!) || a - b);
  const pick = (col: Float64Array) => Float64Array.from(order, (i) => col[i]!);
  return { steps: pick(s.steps), timestamps: pick(s.timestamps), values: pick(s.values) };
}

function swap64(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 8) bytes.subarray(i, i + 8).reverse();
}
