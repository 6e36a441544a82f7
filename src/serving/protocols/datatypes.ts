/**
 * Open Inference Protocol tensor datatypes and how they meet a signature column type: which
 * datatype a column is sent and returned as, which others a caller may send it as, and how one
 * JSON element of a tensor of each datatype is read.
 */
import { fail } from '../../core/errors.js';
import type { ColumnType } from '../../models/index.js';

/** Every tensor datatype the Open Inference Protocol defines. */
export const OIP_DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'] as const;

/** One Open Inference Protocol tensor datatype. */
export type OipDatatype = (typeof OIP_DATATYPES)[number];

const INTEGER_TYPES: readonly OipDatatype[] = ['INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64'];
const FLOAT_TYPES: readonly OipDatatype[] = ['FP16', 'FP32', 'FP64'];

/** The datatype a signature column is declared as (metadata) and answered in (responses). */
const NATIVE: Readonly<Record<ColumnType, OipDatatype>> = { float: 'FP32', double: 'FP64', int64: 'INT64', string: 'BYTES' };

/**
 * What a caller may send for each column type: any float or integer tensor for a float column
 * (the value is widened or rounded as the model's own input would), integers and BOOL (0/1, as
 * `paddock train` reads boolean columns) for int64, and BYTES only for strings.
 */
const ACCEPTED: Readonly<Record<ColumnType, readonly OipDatatype[]>> = {
  float: ['FP32', ...FLOAT_TYPES.filter((t) => t !== 'FP32'), ...INTEGER_TYPES],
  double: ['FP64', ...FLOAT_TYPES.filter((t) => t !== 'FP64'), ...INTEGER_TYPES],
  int64: ['INT64', ...INTEGER_TYPES.filter((t) => t !== 'INT64'), 'BOOL'],
  string: ['BYTES'],
};

/** Inclusive integer ranges of the narrow integer datatypes (64-bit ones are checked as bigint). */
const RANGES: Partial<Record<OipDatatype, readonly [bigint, bigint]>> = {
  INT8: [-128n, 127n],
  INT16: [-32768n, 32767n],
  INT32: [-2147483648n, 2147483647n],
  INT64: [-(2n ** 63n), 2n ** 63n - 1n],
  UINT8: [0n, 255n],
  UINT16: [0n, 65535n],
  UINT32: [0n, 4294967295n],
  UINT64: [0n, 2n ** 64n - 1n],
};

/** The datatype a column of `type` is declared and answered as (float → FP32, double → FP64, int64 → INT64, string → BYTES). */
export function oipDatatype(type: ColumnType): OipDatatype {
  return NATIVE[type];
}

/** The datatypes a caller may send a column of `type` as, the native one first. */
export function acceptedDatatypes(type: ColumnType): readonly OipDatatype[] {
  return ACCEPTED[type];
}

/** Whether `value` names an Open Inference Protocol datatype (case-sensitive, as the protocol is). */
export function isOipDatatype(value: unknown): value is OipDatatype {
  return typeof value === 'string' && (OIP_DATATYPES as readonly string[]).includes(value);
}

const DECIMAL_INTEGER = /^[+-]?\d+$/;

/**
 * An integer given as a JSON number or a decimal string, as a number when it is exactly
 * representable and a bigint otherwise. JSON numbers beyond ±(2^53 − 1) have already lost
 * digits when parsed, so they are refused with the remedy: send them as strings. `undefined`
 * when `value` is not an integer at all (the caller words that error for its context).
 */
export function readInteger(value: unknown, at: string, details: Readonly<Record<string, unknown>>): number | bigint | undefined {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return undefined;
    if (!Number.isSafeInteger(value)) {
      fail('INVALID_ARGUMENT', `${at}: ${String(value)} is beyond ±9007199254740991, where JSON numbers lose digits; send 64-bit integers this large as decimal strings (for example "9007199254740993")`, details);
    }
    return value;
  }
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  if (typeof value === 'string' && DECIMAL_INTEGER.test(value)) {
    const big = BigInt(value);
    return Number.isSafeInteger(Number(big)) ? Number(big) : big;
  }
  return undefined;
}

/**
 * Reads one element of a tensor of `datatype` from its JSON form: BOOL as true/false (→ 1/0),
 * integers as whole numbers in the datatype's range (64-bit ones also as decimal strings),
 * floats as numbers, BYTES as strings. Errors name `at` and say what was expected.
 */
export function readTensorElement(datatype: OipDatatype, value: unknown, at: string, details: Readonly<Record<string, unknown>>): unknown {
  const bad = (expected: string): never => fail('INVALID_ARGUMENT', `${at}: ${datatype} data must be ${expected}, got ${JSON.stringify(value)}`, details);
  if (value === null) return null;
  if (datatype === 'BYTES') return typeof value === 'string' ? value : bad('a string');
  if (datatype === 'BOOL') return typeof value === 'boolean' ? (value ? 1 : 0) : bad('true or false');
  if (FLOAT_TYPES.includes(datatype)) return typeof value === 'number' ? value : bad('a number');
  const wide = datatype === 'INT64' || datatype === 'UINT64';
  // Only 64-bit integers may come as strings: narrower ones always fit a JSON number exactly.
  const n = typeof value === 'string' && !wide ? undefined : readInteger(value, at, details);
  if (n === undefined) return bad(wide ? 'a whole number (or a decimal string)' : 'a whole number');
  const [lo, hi] = RANGES[datatype]!;
  // Numbers compare exactly against the narrow bounds; only bigints need bigint arithmetic.
  const outside = typeof n === 'number' ? n < Number(lo) || n > Number(hi) : n < lo || n > hi;
  if (outside) fail('INVALID_ARGUMENT', `${at}: ${String(n)} is outside the ${datatype} range [${String(lo)}, ${String(hi)}]`, details);
  return n;
}
