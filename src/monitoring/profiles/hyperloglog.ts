/**
 * HyperLogLog distinct counting with a fixed precision: 2^p one-byte registers, so memory is
 * fixed whatever the traffic, and two sketches merge exactly by taking the register-wise
 * maximum (the merged registers are the ones the concatenated stream would have produced).
 * Hashes are 32-bit (murmur3's mixing), which keeps the hot path in int32 arithmetic; the
 * estimate is Ertl's improved estimator ("New cardinality estimation algorithms for
 * HyperLogLog sketches", 2017), which needs no bias tables and stays unbiased from 0 up to
 * about 10^8 distinct values at the default precision.
 */
import { fail } from '../../core/errors.js';

/** Default precision: 4096 registers, standard error 1.04/√4096 ≈ 1.6 %. */
export const HLL_PRECISION = 12;

const SEED = 0x5bd1e995;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** murmur3's 32-bit finaliser: every input bit flips each output bit with probability ½. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a double; -0 hashes as 0 so equal numbers hash alike. */
export function hashNumber(v: number): number {
  f64[0] = v === 0 ? 0 : v;
  return fmix32(Math.imul(u32[0]!, 0xcc9e2d51) ^ fmix32(u32[1]! + SEED));
}

/** A 32-bit murmur3-style hash of a string's UTF-16 code units. */
export function hashString(s: string): number {
  let h = SEED;
  for (let i = 0; i < s.length; i++) {
    let k = Math.imul(s.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ s.length);
}

/** A HyperLogLog sketch over 32-bit hashes. */
export class HyperLogLog {
  readonly precision: number;
  readonly registers: Uint8Array;
  private readonly shift: number;

  constructor(precision = HLL_PRECISION, registers?: Uint8Array) {
    if (!Number.isInteger(precision) || precision < 4 || precision > 16) fail('INVALID_ARGUMENT', `HyperLogLog precision ${precision} is out of range; use an integer from 4 to 16`, { precision });
    this.precision = precision;
    this.shift = 32 - precision;
    if (registers && registers.length !== 1 << precision) fail('INVALID_ARGUMENT', `HyperLogLog registers: expected ${1 << precision} for precision ${precision}, got ${registers.length}`, { precision });
    this.registers = registers ?? new Uint8Array(1 << precision);
  }

  /** Adds one hashed value (see hashNumber, hashString). */
  addHash(hash: number): void {
    const index = hash >>> this.shift;
    const rest = hash << this.precision;
    // The rank of the first set bit after the index bits; all-zero gets the largest rank.
    const rank = rest === 0 ? this.shift + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  /** Folds `other` into this sketch: exact (the register-wise maximum). */
  merge(other: HyperLogLog): void {
    if (other.precision !== this.precision) fail('INVALID_ARGUMENT', `cannot merge HyperLogLog sketches of precision ${this.precision} and ${other.precision}`, {});
    const a = this.registers;
    const b = other.registers;
    for (let i = 0; i < a.length; i++) if (b[i]! > a[i]!) a[i] = b[i]!;
  }

  /** The estimated number of distinct values added. */
  estimate(): number {
    const m = this.registers.length;
    const q = this.shift;
    const histogram = new Float64Array(q + 2);
    for (const r of this.registers) histogram[r]!++;
    let z = m * tau((m - histogram[q + 1]!) / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + histogram[k]!);
    z += m * sigma(histogram[0]! / m);
    return Math.round((m * m) / (2 * Math.LN2) / z);
  }

  /** The registers as base64 (what a serialized profile stores). */
  toBase64(): string {
    return Buffer.from(this.registers.buffer, this.registers.byteOffset, this.registers.byteLength).toString('base64');
  }

  /** The sketch from `toBase64()`'s text. */
  static fromBase64(precision: number, text: string): HyperLogLog {
    const bytes = Buffer.from(text, 'base64');
    return new HyperLogLog(precision, new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
  }

  clone(): HyperLogLog {
    return new HyperLogLog(this.precision, this.registers.slice());
  }
}

/** Ertl's σ(x) = x + Σ_k x^(2^k)·2^(k-1): the share of empty registers' contribution. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const before = z;
    z += x * y;
    y += y;
    if (z === before) return z;
  }
}

/** Ertl's τ(x): the correction for saturated registers. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const before = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === before) return z / 3;
  }
}
