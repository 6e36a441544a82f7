/**
 * The model's own input tensor as an Open Inference request: one input named like
 * `signature.feed.tensor`, shape [N, k], the k signature columns of each row in order. This is
 * how a Triton or KServe ONNX client calls a model (one [N, k] FP32 tensor rather than k named
 * columns), and it is cheaper to send and to read for a wide numeric model.
 *
 * Taken only where that tensor is exactly the columns as given: a matrix-layout package without
 * preprocessing (no imputing, scaling or one-hot, features in signature order) and with numeric
 * columns. Elsewhere the feature matrix is built by the package's preprocessing, which callers
 * must not have to reproduce, so the input is refused with the columns to send instead.
 */
import { fail } from '../../core/errors.js';
import { rowMakerOf, type InputRow, type ModelManifest } from '../../models/index.js';
import { acceptedDatatypes, readTensorElement, type OipDatatype } from './datatypes.js';
import { describeInputs, rowsFromCheckedColumns } from './rows.js';

/** The tensor a request may send in place of the columns, when the package takes one. */
interface FeatureTensor {
  readonly name: string;
  /** k: the signature inputs, in order. */
  readonly width: number;
  /** Datatypes every column takes. */
  readonly accepted: readonly OipDatatype[];
  /** Every column is float or double, so any number is its value as given. */
  readonly floats: boolean;
}

/** Why a matrix package takes no feature tensor, for the error; undefined when it takes one. */
function refusal(manifest: ModelManifest): string | undefined {
  const { inputs } = manifest.signature;
  const pre = manifest.preprocess;
  const reorders = pre?.columns !== undefined && pre.columns.join('\0') !== inputs.map((c) => c.name).join('\0');
  if (pre !== undefined && (reorders || Object.keys(pre.impute).length + Object.keys(pre.scale).length + Object.keys(pre.one_hot).length > 0)) {
    return 'the package builds it from the columns by preprocessing (impute, scale, one-hot or reordering)';
  }
  if (inputs.some((c) => c.type === 'string')) return 'the package has string columns';
  return undefined;
}

/** Per manifest: its feature tensor, or why it takes none (null: a column has the tensor's name, so none is looked for). */
const cache = new WeakMap<ModelManifest, FeatureTensor | { readonly refused: string } | null>();

function lookup(manifest: ModelManifest): FeatureTensor | { readonly refused: string } | null {
  let found = cache.get(manifest);
  if (found === undefined) {
    const { inputs, feed } = manifest.signature;
    const why = feed.layout === 'matrix' ? refusal(manifest) : undefined;
    if (feed.layout !== 'matrix' || inputs.some((c) => c.name === feed.tensor)) found = null;
    else if (why !== undefined) found = { refused: why };
    else {
      const accepted = acceptedDatatypes(inputs[0]!.type).filter((t) => inputs.every((c) => acceptedDatatypes(c.type).includes(t)));
      found = { name: feed.tensor!, width: inputs.length, accepted, floats: inputs.every((c) => c.type === 'float' || c.type === 'double') };
    }
    cache.set(manifest, found);
  }
  return found;
}

/**
 * Whether request inputs `names` are the feature tensor alone: one input, named like the feed
 * tensor and unlike any column. Throws when the package cannot take it, saying why and what to
 * send instead.
 */
export function isFeatureTensorRequest(names: readonly string[], manifest: ModelManifest): boolean {
  const { feed } = manifest.signature;
  if (names.length !== 1 || names[0] !== feed.tensor) return false;
  const found = lookup(manifest);
  if (found === null) return false;
  if ('refused' in found) {
    fail('INVALID_ARGUMENT', `input '${feed.tensor}' is the model's feature matrix, which this package does not take from callers: ${found.refused}; send each column as its own input: ${describeInputs(manifest)}`, { input: feed.tensor });
  }
  return true;
}

/** The feature tensor's fields as the request gave them (data flattened row-major). */
export interface FeatureTensorInput {
  readonly shape: readonly number[];
  readonly datatype: OipDatatype;
  readonly data: readonly unknown[];
}

/** Rows from a feature tensor [N, k] (the request's only input, isFeatureTensorRequest said so): row i's column j is data[i·k + j]. Errors name the tensor and say the shape to send. */
export function featureTensorRows(t: FeatureTensorInput, manifest: ModelManifest): InputRow[] {
  const { name, width, accepted, floats } = lookup(manifest) as FeatureTensor;
  const label = `input '${name}'`;
  if (!accepted.includes(t.datatype)) {
    fail('INVALID_ARGUMENT', `${label} is ${t.datatype}; the feature matrix takes ${accepted.slice(0, 2).join(' or ')}`, { input: name, datatype: t.datatype, expected: accepted });
  }
  if (t.shape.length !== 2 || t.shape[1] !== width) {
    fail('INVALID_ARGUMENT', `${label} has shape [${t.shape.join(', ')}]; the feature matrix is [N, ${width}]: N rows of the ${width} columns ${describeInputs(manifest)}`, { input: name, shape: t.shape, expected: [-1, width] });
  }
  const n = t.shape[0]!;
  if (t.data.length !== n * width) {
    fail('INVALID_ARGUMENT', `${label} has shape [${n}, ${width}], which holds ${n * width} elements, but its data has ${t.data.length}`, { input: name, count: t.data.length, expected: n * width });
  }
  const numbers = (t.datatype === 'FP32' || t.datatype === 'FP64') && t.data.every((v) => typeof v === 'number');
  // The common case, numbers for float columns: each is its value as given (what coerceValue and
  // checkRows would find), so rows are built straight from the data.
  if (numbers && floats) return numberRows(t.data as readonly number[], n, manifest);
  const data = numbers ? t.data : t.data.map((v, i) => readTensorElement(t.datatype, v, `${label} data[${i}]`, { input: name, index: i }));
  const columns: Record<string, unknown[]> = {};
  const inputs = manifest.signature.inputs;
  for (let j = 0; j < width; j++) {
    const values = new Array<unknown>(n);
    for (let i = 0; i < n; i++) values[i] = data[i * width + j];
    columns[inputs[j]!.name] = values;
  }
  const index = new Map(inputs.map((c, j) => [c.name, j]));
  return rowsFromCheckedColumns(manifest, columns, n, (column, row) => ({ at: `${label} data[${row * width + index.get(column)!}] (row ${row}, column '${column}')`, details: { input: name, index: row * width + index.get(column)!, column } }));
}

/** Rows of `n` × k numbers, row-major, named by the signature inputs. */
function numberRows(data: readonly number[], n: number, manifest: ModelManifest): InputRow[] {
  const make = rowMakerOf(manifest);
  const width = manifest.signature.inputs.length;
  const rows: InputRow[] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = make(data, i * width);
  return rows;
}
