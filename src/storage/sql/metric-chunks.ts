/**
 * The storage form of a metric series: chunks of up to {@link MAX_CHUNK_POINTS} points, each one
 * BLOB/bytea holding three columns (steps, timestamps, values). A batch appends one chunk per
 * key, so a million points are a few dozen rows instead of a million.
 *
 * Layout (little-endian): an 8-byte header [format 1, steps encoding, timestamps encoding, 0×5],
 * then steps, timestamps and values. Values are always float64 (NaN and ±Infinity kept as they
 * are). Steps and timestamps are integers (MLflow int64, exact in float64 up to 2^53) and within
 * one chunk nearly always span less than 2^31, so they are stored as a float64 base plus int32
 * offsets (16 bytes a point in all instead of 24); a column that does not fit stays float64.
 */

/** Most points in one chunk (at most 24 bytes each: 1.5 MiB), bounding the size of one row. */
export const MAX_CHUNK_POINTS = 65_536;
/** A new append smaller than this is merged into a small last chunk instead of adding a row. */
export const SMALL_CHUNK_POINTS = 256;

/** A series in columns. */
export interface SeriesColumns {
  readonly steps: Float64Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

const FORMAT = 1;
const HEADER = 8;
const RAW = 0;
const BASE_INT32 = 1;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Whether a column slice fits base + int32 offsets. */
function fitsInt32(col: Float64Array, from: number, to: number): boolean {
  const base = col[from]!;
  for (let i = from; i < to; i++) {
    const d = col[i]! - base;
    if (!(d >= INT32_MIN && d <= INT32_MAX) || !Number.isInteger(d)) return false;
  }
  return true;
}

function columnBytes(encoding: number, n: number): number {
  return encoding === BASE_INT32 ? 8 + 4 * n : 8 * n;
}

function writeColumn(view: DataView, at: number, col: Float64Array, from: number, to: number, encoding: number): number {
  if (encoding === RAW) {
    for (let i = from; i < to; i++, at += 8) view.setFloat64(at, col[i]!, true);
    return at;
  }
  const base = from < to ? col[from]! : 0;
  view.setFloat64(at, base, true);
  at += 8;
  for (let i = from; i < to; i++, at += 4) view.setInt32(at, col[i]! - base, true);
  return at;
}

function readColumn(view: DataView, at: number, n: number, encoding: number): [Float64Array, number] {
  const out = new Float64Array(n);
  if (encoding === RAW) {
    for (let i = 0; i < n; i++, at += 8) out[i] = view.getFloat64(at, true);
    return [out, at];
  }
  const base = view.getFloat64(at, true);
  at += 8;
  for (let i = 0; i < n; i++, at += 4) out[i] = base + view.getInt32(at, true);
  return [out, at];
}

/** Packs points [from, to) of the columns into one chunk's bytes. */
export function encodeChunk(cols: SeriesColumns, from = 0, to = cols.steps.length): Buffer {
  const n = to - from;
  const stepsEnc = n > 0 && fitsInt32(cols.steps, from, to) ? BASE_INT32 : RAW;
  const tsEnc = n > 0 && fitsInt32(cols.timestamps, from, to) ? BASE_INT32 : RAW;
  const out = Buffer.alloc(HEADER + columnBytes(stepsEnc, n) + columnBytes(tsEnc, n) + 8 * n);
  out[0] = FORMAT;
  out[1] = stepsEnc;
  out[2] = tsEnc;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = writeColumn(view, HEADER, cols.steps, from, to, stepsEnc);
  at = writeColumn(view, at, cols.timestamps, from, to, tsEnc);
  writeColumn(view, at, cols.values, from, to, RAW);
  return out;
}

/** Unpacks one chunk of `n` points; throws on bytes that are not such a chunk. */
export function decodeChunk(bytes: Uint8Array, n: number): SeriesColumns {
  const stepsEnc = bytes[1]!;
  const tsEnc = bytes[2]!;
  const valid = bytes[0] === FORMAT && (stepsEnc === RAW || stepsEnc === BASE_INT32) && (tsEnc === RAW || tsEnc === BASE_INT32)
    && bytes.byteLength === HEADER + columnBytes(stepsEnc, n) + columnBytes(tsEnc, n) + 8 * n;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!valid && bytes.byteLength === 24 * n) return decodeHeaderless(view, n);
  if (!valid) throw new Error(`metric chunk of ${bytes.byteLength} bytes is not a format-${FORMAT} chunk of ${n} points`);
  const [steps, afterSteps] = readColumn(view, HEADER, n, stepsEnc);
  const [timestamps, afterTs] = readColumn(view, afterSteps, n, tsEnc);
  const [values] = readColumn(view, afterTs, n, RAW);
  return { steps, timestamps, values };
}

/**
 * The first development layout (three raw float64 columns, no header), still read so stores
 * written before the format byte existed keep working.
 */
function decodeHeaderless(view: DataView, n: number): SeriesColumns {
  const [steps, a] = readColumn(view, 0, n, RAW);
  const [timestamps, b] = readColumn(view, a, n, RAW);
  const [values] = readColumn(view, b, n, RAW);
  return { steps, timestamps, values };
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
