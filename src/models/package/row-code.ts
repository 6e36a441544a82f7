/**
 * Row code compiled per manifest: a maker of input rows with the signature's columns, and a quick
 * check that accepts the rows checkRows would accept without looking further.
 *
 * Why compiled: a row of a wide model (an MLP's 64 features, say) built by assigning its columns
 * one by one under computed names (`row[name] = v`) is turned into a dictionary by V8 past a
 * dozen or so, and every later read of it (the checks, twice a request; the feature matrix; the
 * prediction log) is a hash lookup. A row made by one object literal with the columns' names keeps
 * V8's fast layout, and reading it under constant names in the same order is a plain load. On the
 * 64-feature MLP, building, checking twice and encoding a row took about 8 µs through computed
 * names, 0.4–3.4 µs compiled (a micro-benchmark); with batching on, the serving thread's CPU per
 * `[1, 64]` tensor request fell from about 66 to 47 µs, and requests/s rose by a third (bench/batching.js's
 * 300k MLP, alternating rounds). preprocess.ts compiles its encoder for the same reason.
 *
 * The compiled code holds no caller data: only the signature's column names, written as JSON
 * string literals. `__proto__` would set the prototype in an object literal, so a signature with
 * that column (or too many columns to be worth compiling) gets the plain code instead.
 */
import type { ColumnType, ModelManifest } from './manifest.js';
import type { InputRow } from './preprocess.js';

/** Makes one row from `values[offset + j]` for signature column j. */
export type RowMaker = (values: ArrayLike<unknown>, offset: number) => InputRow;

/** True when the row certainly passes checkRows (every column present with a value of its plain type); false means "check it the long way". */
export type QuickRowCheck = (row: InputRow) => boolean;

/** Columns beyond which the code is not generated (its size grows with them; wide rows are rare). */
const MAX_COMPILED_COLUMNS = 2048;

interface RowCode {
  readonly make: RowMaker;
  readonly quickCheck: QuickRowCheck | undefined;
}

// Per manifest, compiled on first use (a served version keeps its manifest object).
const compiled = new WeakMap<ModelManifest, RowCode>();

/** The row maker of `manifest`'s signature (compiled, or plain assignment for the signatures compiling refuses). */
export function rowMakerOf(manifest: ModelManifest): RowMaker {
  return rowCodeOf(manifest).make;
}

/** The quick check of `manifest`'s rows; undefined where rows must be checked the long way. */
export function quickRowCheckOf(manifest: ModelManifest): QuickRowCheck | undefined {
  return rowCodeOf(manifest).quickCheck;
}

function rowCodeOf(manifest: ModelManifest): RowCode {
  let code = compiled.get(manifest);
  if (code === undefined) {
    const inputs = manifest.signature.inputs;
    const names = inputs.map((c) => c.name);
    const compilable = names.length <= MAX_COMPILED_COLUMNS && !names.includes('__proto__');
    code = compilable
      ? { make: compileMaker(names), quickCheck: compileQuickCheck(inputs.map((c) => ({ name: c.name, type: c.type }))) }
      : { make: plainMaker(names), quickCheck: undefined };
    compiled.set(manifest, code);
  }
  return code;
}

function compileMaker(names: readonly string[]): RowMaker {
  const fields = names.map((name, j) => `${JSON.stringify(name)}: values[offset + ${j}]`).join(',\n');
  return new Function('values', 'offset', `return {\n${fields}\n};`) as RowMaker;
}

function plainMaker(names: readonly string[]): RowMaker {
  return (values, offset) => {
    const row: Record<string, unknown> = {};
    for (let j = 0; j < names.length; j++) {
      const name = names[j]!;
      // Assigning `__proto__` would set the prototype, not a column.
      if (name === '__proto__') Object.defineProperty(row, name, { value: values[offset + j], enumerable: true, writable: true, configurable: true });
      else row[name] = values[offset + j];
    }
    return row;
  };
}

/**
 * Accepts a row whose every column holds a value of the column's own kind: a string for string
 * columns, an integer number for int64, a number for float and double. Anything else (a missing
 * column, null, a bigint or boolean, a wrong type) is left to checkRows' full rules and messages.
 */
function compileQuickCheck(columns: readonly { readonly name: string; readonly type: ColumnType }[]): QuickRowCheck {
  const tests = columns.map(({ name, type }, j) => {
    const v = `v${j}`;
    const read = `const ${v} = row[${JSON.stringify(name)}];`;
    if (type === 'string') return `${read} if (typeof ${v} !== 'string') return false;`;
    if (type === 'int64') return `${read} if (typeof ${v} !== 'number' || !Number.isInteger(${v})) return false;`;
    return `${read} if (typeof ${v} !== 'number') return false;`;
  });
  return new Function('row', `${tests.join('\n')}\nreturn true;`) as QuickRowCheck;
}

/** Writes a row's signature values, in signature order, into `out` from `at`; false (out partly written) when a column is absent from the row. */
export type RowReader = (row: InputRow, out: unknown[], at: number) => boolean;

const readers = new WeakMap<ModelManifest, RowReader>();

/**
 * The reader of `manifest`'s rows, the maker's inverse: a row crosses to a worker thread as its
 * values alone (structured clone copies an object's every key with it; posting 64-feature rows as
 * one packed array of values cost the serving thread 0.8–1.3 µs a row in batches of 10–40, against
 * 3.7–3.9 µs as objects), and the thread makes the row again.
 * An absent column stops it, so the thread never sees a row the caller did not give.
 */
export function rowReaderOf(manifest: ModelManifest): RowReader {
  let reader = readers.get(manifest);
  if (reader === undefined) {
    const names = manifest.signature.inputs.map((c) => c.name);
    reader = names.length <= MAX_COMPILED_COLUMNS ? compileReader(names) : plainReader(names);
    readers.set(manifest, reader);
  }
  return reader;
}

function compileReader(names: readonly string[]): RowReader {
  const reads = names.map((name, j) => {
    const key = JSON.stringify(name);
    return `v = row[${key}]; if (v === undefined && !(${key} in row)) return false; out[at + ${j}] = v;`;
  });
  return new Function('row', 'out', 'at', `let v;\n${reads.join('\n')}\nreturn true;`) as RowReader;
}

function plainReader(names: readonly string[]): RowReader {
  return (row, out, at) => {
    for (let j = 0; j < names.length; j++) {
      const name = names[j]!;
      if (!(name in row)) return false;
      out[at + j] = row[name];
    }
    return true;
  };
}
