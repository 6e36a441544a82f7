import type { MetricSeries } from '../../tracking/index.js';

/**
 * A Float64Array as a JSON array. Non-finite values become the strings "NaN", "Infinity",
 * "-Infinity" (as MLflow's JSON writes doubles); the common all-finite case is one native join.
 */
export function numbersJson(arr: Float64Array): string {
  let finite = true;
  for (let i = 0; i < arr.length; i++) {
    if (!Number.isFinite(arr[i]!)) {
      finite = false;
      break;
    }
  }
  if (finite) return `[${Array.prototype.join.call(arr, ',')}]`;
  const parts = new Array<string>(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i]!;
    parts[i] = Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
  }
  return `[${parts.join(',')}]`;
}

/** `{"key","points","steps":[…],"timestamps":[…],"values":[…]}` as text. */
export function seriesJson(s: MetricSeries): string {
  return `{"key":${JSON.stringify(s.key)},"points":${s.values.length},"steps":${numbersJson(s.steps)},"timestamps":${numbersJson(s.timestamps)},"values":${numbersJson(s.values)}}`;
}

/**
 * The binary form (`?format=f64`): three little-endian float64 blocks of `points` values each,
 * steps then timestamps then values; `points` is also sent as the X-Paddock-Points header.
 */
export function seriesF64(s: MetricSeries): Buffer {
  const n = s.values.length;
  // Buffer.alloc never comes from the shared pool, so the offset is 8-byte aligned.
  const out = Buffer.alloc(n * 24);
  const view = new Float64Array(out.buffer, out.byteOffset, n * 3);
  if (isLittleEndian()) {
    view.set(s.steps, 0);
    view.set(s.timestamps, n);
    view.set(s.values, 2 * n);
    return out;
  }
  [s.steps, s.timestamps, s.values].forEach((col, c) => col.forEach((v, i) => out.writeDoubleLE(v, (c * n + i) * 8)));
  return out;
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
}
