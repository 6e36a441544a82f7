/**
 * The one conversion from what a protocol decoded (named columns, or per-row instances) to the
 * InputRow[] a predictor takes, with the checks every protocol shares: the column names against
 * the signature, one value per row, and each value read as its column's type. So the same bad
 * value gets the same 400 whether it came as an Open Inference tensor, a KServe V1 instance or
 * an MLflow dataframe; only the location (`at`) is worded per protocol.
 */
import { fail } from '../../core/errors.js';
import { checkRows, rowMakerOf, type InputRow, type ModelManifest, type PredictionRow, type SignatureColumn } from '../../models/index.js';
import { readInteger } from './datatypes.js';

/** Where one value sits, as a protocol words it (`input 'hour' data[3]`, `instances[2].hour`) and as details. */
export interface ValueLocation {
  readonly at: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Locates the value of `column` in row `row` (0-based) for messages. */
export type Locate = (column: string, row: number) => ValueLocation;

/** How a protocol names the columns it was given in messages. */
export interface ColumnNaming {
  /** `input` (Open Inference tensors) or `column` (dataframes, CSV, V1). */
  readonly noun: 'input' | 'column';
  /** How a column's type is shown in the list of expected columns (default: the signature type). */
  readonly typeName?: (column: SignatureColumn) => string;
  readonly locate: Locate;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `hour (int64), origin (string)`: the signature inputs in order, for messages. */
export function describeInputs(manifest: ModelManifest, typeName: (c: SignatureColumn) => string = (c) => c.type): string {
  return manifest.signature.inputs.map((c) => `${c.name} (${typeName(c)})`).join(', ');
}

/**
 * Checks the names a caller gave against the signature inputs: a missing one is named with its
 * type and the whole expected list; an unknown one likewise (typos show up as both, in one message).
 */
export function checkColumnNames(manifest: ModelManifest, given: readonly string[], naming: Pick<ColumnNaming, 'noun' | 'typeName'>, prefix = ''): void {
  const expected = manifest.signature.inputs;
  const names = new Set(expected.map((c) => c.name));
  const have = new Set(given);
  const missing = expected.filter((c) => !have.has(c.name));
  const unknown = given.filter((n) => !names.has(n));
  if (missing.length === 0 && unknown.length === 0) return;
  const { noun } = naming;
  const typeName = naming.typeName ?? ((c: SignatureColumn) => c.type);
  const parts = [
    ...missing.map((c) => `missing ${noun} '${c.name}' (${typeName(c)})`),
    ...unknown.map((n) => `unknown ${noun} '${n}'`),
  ];
  fail('INVALID_ARGUMENT', `${prefix}${parts.join('; ')}; the model takes ${describeInputs(manifest, typeName)}`, {
    missing: missing.map((c) => c.name),
    unknown,
    expected: expected.map((c) => c.name),
  });
}

/**
 * Reads one value as its column's type: int64 from whole numbers (exactly representable ones),
 * decimal strings (number, or bigint beyond ±2^53) or booleans (0/1); float and double from
 * numbers; string from strings. Null (or absent) only where the package imputes the column.
 */
export function coerceValue(manifest: ModelManifest, column: SignatureColumn, value: unknown, where: ValueLocation): unknown {
  const { at, details } = where;
  if (value === null || value === undefined) {
    if (manifest.preprocess?.impute[column.name]) return null;
    return fail('INVALID_ARGUMENT', `${at}: no value, and the model package imputes none for column '${column.name}'; send a ${expectation(column)}`, details);
  }
  const bad = (): never => fail('INVALID_ARGUMENT', `${at}: column '${column.name}' is ${column.type}, so send a ${expectation(column)}; got ${show(value)}`, details);
  switch (column.type) {
    case 'string':
      return typeof value === 'string' ? value : bad();
    case 'float':
    case 'double':
      if (typeof value === 'number') return value;
      return typeof value === 'bigint' ? Number(value) : bad();
    case 'int64': {
      if (typeof value === 'boolean') return value ? 1 : 0;
      const n = readInteger(value, at, details);
      if (n === undefined) return bad();
      if (typeof n === 'bigint' && (n < INT64_MIN || n > INT64_MAX)) {
        fail('INVALID_ARGUMENT', `${at}: ${String(n)} does not fit column '${column.name}' (int64, [${String(INT64_MIN)}, ${String(INT64_MAX)}])`, details);
      }
      return n;
    }
  }
}

function expectation(column: SignatureColumn): string {
  if (column.type === 'string') return 'string';
  if (column.type === 'int64') return 'whole number (as a decimal string beyond ±9007199254740991)';
  return 'number';
}

/** A value for a message: JSON where it has one, so strings show their quotes. */
export function show(value: unknown): string {
  if (typeof value === 'bigint') return String(value);
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A value coerceValue would return unchanged, told apart without locating it (a server reads thousands a second). */
export function plainValue(column: SignatureColumn, v: unknown): boolean {
  if (column.type === 'string') return typeof v === 'string';
  if (column.type === 'int64') return Number.isSafeInteger(v);
  return typeof v === 'number';
}

/**
 * Builds rows from named columns (`{hour: [7, 8], origin: ['ATL', 'SEA']}`): the names must be
 * the signature inputs, each a list, all of one length; values are read by `coerceValue`.
 */
export function rowsFromColumns(manifest: ModelManifest, columns: Readonly<Record<string, unknown>>, naming: ColumnNaming): InputRow[] {
  checkColumnNames(manifest, Object.keys(columns), naming);
  const { noun } = naming;
  let first: { name: string; n: number } | undefined;
  for (const col of manifest.signature.inputs) {
    const values = columns[col.name];
    if (!Array.isArray(values)) fail('INVALID_ARGUMENT', `${noun} '${col.name}' must be a list of values (one per row), got ${show(values)}`, { [noun]: col.name });
    if (!first) first = { name: col.name, n: values.length };
    else if (values.length !== first.n) {
      fail('INVALID_ARGUMENT', `${noun} '${col.name}' has ${values.length} values but ${noun} '${first.name}' has ${first.n}; every ${noun} needs one value per row`, { [noun]: col.name, count: values.length, expected: first.n });
    }
  }
  return rowsFromCheckedColumns(manifest, columns as Readonly<Record<string, readonly unknown[]>>, first?.n ?? 0, naming.locate);
}

/**
 * rowsFromColumns after its checks of form: `columns` holds exactly the signature inputs, each a
 * list of `n` values. For decoders that established that themselves (once is enough per request).
 */
export function rowsFromCheckedColumns(manifest: ModelManifest, columns: Readonly<Record<string, readonly unknown[]>>, n: number, locate: Locate): InputRow[] {
  const inputs = manifest.signature.inputs;
  const width = inputs.length;
  // Row-major values, then one row each (rowMakerOf: rows of the signature's shape, see there).
  const values = new Array<unknown>(n * width);
  for (let j = 0; j < width; j++) {
    const col = inputs[j]!;
    const column = columns[col.name]!;
    for (let i = 0; i < n; i++) {
      const v = column[i];
      values[i * width + j] = plainValue(col, v) ? v : coerceValue(manifest, col, v, locate(col.name, i));
    }
  }
  const make = rowMakerOf(manifest);
  const rows: InputRow[] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = make(values, i * width);
  return checked(manifest, rows);
}

/**
 * Builds rows from per-row instances at `path` (`instances`, `dataframe_records`): each an object
 * column → value, or a list of values in signature input order (or, for a one-input model, the
 * bare value). Errors name the instance by its index (`instances[2]`).
 */
export function rowsFromInstances(manifest: ModelManifest, instances: readonly unknown[], path: string): InputRow[] {
  const inputs = manifest.signature.inputs;
  const make = rowMakerOf(manifest);
  const rows = instances.map((item, i) => {
    const here = `${path}[${i}]`;
    if (Array.isArray(item)) {
      if (item.length !== inputs.length) {
        fail('INVALID_ARGUMENT', `${here} has ${item.length} values but the model takes ${inputs.length} inputs, in this order: ${describeInputs(manifest)}`, { index: i, count: item.length, expected: inputs.length });
      }
      return make(inputs.map((col, j) => coerceValue(manifest, col, item[j], { at: `${here}[${j}] ('${col.name}')`, details: { index: i, column: col.name } })), 0);
    }
    if (isPlainObject(item)) {
      checkColumnNames(manifest, Object.keys(item), { noun: 'column' }, `${here}: `);
      return make(inputs.map((col) => coerceValue(manifest, col, item[col.name], { at: `${here}.${col.name}`, details: { index: i, column: col.name } })), 0);
    }
    if (inputs.length === 1 && item !== undefined) {
      const col = inputs[0]!;
      return { [col.name]: coerceValue(manifest, col, item, { at: here, details: { index: i, column: col.name } }) };
    }
    return fail('INVALID_ARGUMENT', `${here} must be an object of column → value, or a list of ${inputs.length} values in the order ${describeInputs(manifest)}; got ${show(item)}`, { index: i });
  });
  return checked(manifest, rows);
}

// The predictor checks rows too; checking here keeps a decoder from ever handing it rows it would refuse.
function checked(manifest: ModelManifest, rows: InputRow[]): InputRow[] {
  checkRows(manifest, rows);
  return rows;
}

/** Whether `value` is a JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One JSON entry per prediction row (KServe V1, MLflow): the value of the single output when the
 * signature has one output, else an object output → value in signature order.
 */
export function predictionEntries(predictions: readonly PredictionRow[], manifest: ModelManifest): unknown[] {
  const outputs = manifest.signature.outputs.map((o) => o.name);
  return predictions.map((row, i) => {
    const value = (name: string): unknown => {
      if (!(name in row)) fail('INTERNAL', `prediction row ${i + 1} lacks output '${name}' of the model signature`, { output: name, row: i + 1 });
      return row[name];
    };
    return outputs.length === 1 ? value(outputs[0]!) : Object.fromEntries(outputs.map((name) => [name, value(name)]));
  });
}
