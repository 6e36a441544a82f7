/**
 * Running a model package on rows: check them against the signature, build the feeds (one
 * preprocessed matrix, or one tensor per column for models that preprocess in their graph), run
 * in batches, fetching only the signature's outputs.
 *
 * A server calls `predict` with one row thousands of times a second, so everything that depends
 * only on the package (row checks, the compiled preprocessing, feed names and types, the fetch
 * list) is worked out once in `openPredictor`; a call only encodes its rows and splits the result.
 */
import { readFile } from 'node:fs/promises';
import { fail } from '../../core/errors.js';
import { verifiedRowEvaluator, type RowEvaluator } from '../runtime/row-evaluator.js';
import { loadOnnxModel, type OnnxFeed, type OnnxModel, type OnnxResult } from '../runtime/onnx-session.js';
import type { ColumnType, ModelManifest, SignatureColumn } from './manifest.js';
import type { ModelPackage } from './package-io.js';
import { compilePreprocess, encodeRows, type InputRow } from './preprocess.js';
import { quickRowCheckOf } from './row-code.js';

/** One row of predictions: output name → a scalar, or an array when the output has several values per row. */
export type PredictionRow = Readonly<Record<string, number | string | readonly (number | string)[]>>;

/** Options for `predict`. */
export interface PredictOptions {
  /** Rows per model run (default 1024), bounding memory on large inputs. */
  readonly batchSize?: number;
  /**
   * Single rows, and small batches row by row, through Paddock's JavaScript evaluator when the
   * graph is one it reproduces bit for bit (checked against onnxruntime at load; see
   * runtime/row-evaluator.ts). Default true; PADDOCK_ROW_EVALUATOR=0 turns it off everywhere.
   */
  readonly rowEvaluator?: boolean;
}

/** A package loaded once and run many times (evaluation, serving). */
export interface Predictor {
  readonly pkg: ModelPackage;
  /** Whether single rows (and batches of up to EVALUATOR_MAX_ROWS) run on the verified JavaScript evaluator instead of onnxruntime. */
  readonly rowEvaluator?: boolean;
  predict(rows: readonly InputRow[]): Promise<PredictionRow[]>;
  /**
   * One row on the verified JavaScript evaluator, answered synchronously (a server answers it in
   * the same turn, with no promise); undefined when the rows cannot run that way: call `predict`.
   * Bad rows throw as `predict` rejects.
   */
  predictNow?(rows: readonly InputRow[]): PredictionRow[] | undefined;
  close(): Promise<void>;
}

type Feeds = Record<string, OnnxFeed>;
/** Builds a run's feeds; `release` is called once that run has finished, successfully or not. */
interface FeedBuilder {
  build(rows: readonly InputRow[]): Feeds;
  release(feeds: Feeds): void;
  /** Layout 'matrix': the one input's name and the encoded input example, for the row evaluator. */
  readonly matrix?: { readonly input: string; readonly width: number; readonly examples: readonly Float32Array[] };
}
type OutputValue = number | string | readonly (number | string)[];

/**
 * The most rows a batch runs row by row on the JavaScript evaluator (where the model has one)
 * rather than as one onnxruntime call. onnxruntime's tree ensemble costs about 60 µs for any batch
 * of two rows or more, before its per-row part: the quickstart's gbdt took 62 µs for 2 rows and
 * 65 µs for 4 through onnxruntime, 6.5 and 13 µs on the evaluator (2–3 µs a row), the two meeting
 * between 32 rows (133 against 106 µs) and 64 (167 against 122; 256 rows: 292 against 489). Shadow
 * batches and adaptive batches of a few requests are that small.
 */
const EVALUATOR_MAX_ROWS = 32;

/** Loads the package's model once; `predict` checks rows, preprocesses and runs in batches. */
export async function openPredictor(pkg: ModelPackage, options: PredictOptions = {}): Promise<Predictor> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1024));
  const { manifest } = pkg;
  const model = await loadOnnxModel(pkg.modelPath);
  const feeds = manifest.signature.feed.layout === 'columns' ? compileColumnFeeds(model, manifest) : compileMatrixFeeds(model, manifest);
  // Only the signature's outputs: a ZipMap output beside them cannot be returned by onnxruntime-node.
  const fetch = manifest.signature.outputs.map((o) => o.name);
  const evaluate = options.rowEvaluator !== false && process.env.PADDOCK_ROW_EVALUATOR !== '0' ? await rowEvaluatorFor(pkg, model, feeds, fetch) : undefined;
  const runOne = evaluate && ((rows: readonly InputRow[]): PredictionRow[] => {
    const built = feeds.build(rows);
    try {
      return splitResults(evaluate(built[feeds.matrix!.input]!.data as Float32Array), fetch, 1);
    } finally {
      feeds.release(built);
    }
  });
  const runBatch = async (rows: readonly InputRow[]): Promise<PredictionRow[]> => {
    if (runOne && rows.length <= EVALUATOR_MAX_ROWS) return rows.length === 1 ? runOne(rows) : rows.flatMap((row) => runOne([row]));
    const built = feeds.build(rows);
    try {
      return splitResults(await model.run(built, fetch), fetch, rows.length);
    } finally {
      feeds.release(built);
    }
  };
  return {
    pkg,
    rowEvaluator: evaluate !== undefined,
    ...(runOne && {
      predictNow(rows: readonly InputRow[]): PredictionRow[] | undefined {
        if (rows.length !== 1) return undefined;
        checkRows(manifest, rows);
        return runOne(rows);
      },
    }),
    async predict(rows) {
      checkRows(manifest, rows);
      if (rows.length === 0) return [];
      if (rows.length <= batchSize) return runBatch(rows);
      const out: PredictionRow[] = [];
      for (let start = 0; start < rows.length; start += batchSize) {
        for (const p of await runBatch(rows.slice(start, start + batchSize))) out.push(p);
      }
      return out;
    },
    close: () => model.close(),
  };
}

/** The verified single-row evaluator of a matrix-layout float32 model, if its graph allows one. */
async function rowEvaluatorFor(pkg: ModelPackage, model: OnnxModel, feeds: FeedBuilder, fetch: readonly string[]): Promise<RowEvaluator | undefined> {
  if (!feeds.matrix) return undefined;
  const bytes = await readFile(pkg.modelPath);
  return verifiedRowEvaluator(bytes, model, fetch, feeds.matrix.width, feeds.matrix.examples);
}

/** Predicts one output row per input row. Bad rows → INVALID_ARGUMENT naming the row and column. */
export async function predict(pkg: ModelPackage, rows: readonly InputRow[], options: PredictOptions = {}): Promise<PredictionRow[]> {
  checkRows(pkg.manifest, rows);
  const predictor = await openPredictor(pkg, options);
  try {
    return await predictor.predict(rows);
  } finally {
    await predictor.close();
  }
}

function typeOk(type: ColumnType, v: unknown): boolean {
  if (type === 'string') return typeof v === 'string';
  // Booleans are 0/1 integers: `paddock train` declares boolean columns int64 and reads them so.
  if (type === 'int64') return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint' || typeof v === 'boolean';
  return typeof v === 'number' || typeof v === 'bigint';
}

interface RowCheck {
  readonly name: string;
  readonly type: ColumnType;
  readonly imputed: boolean;
}

// Per manifest, built on first use: both the protocol decoder and the predictor check every request.
const rowChecks = new WeakMap<ModelManifest, readonly RowCheck[]>();

function rowChecksOf(manifest: ModelManifest): readonly RowCheck[] {
  let checks = rowChecks.get(manifest);
  if (!checks) {
    const impute = manifest.preprocess?.impute ?? {};
    checks = manifest.signature.inputs.map((c) => ({ name: c.name, type: c.type, imputed: Boolean(impute[c.name]) }));
    rowChecks.set(manifest, checks);
  }
  return checks;
}

/** Every signature column present in every row with a value of its type (null only where imputed). */
export function checkRows(manifest: ModelManifest, rows: readonly InputRow[]): void {
  const quick = quickRowCheckOf(manifest);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    // The common row passes the compiled check; any other is judged (and named) column by column.
    if (!quick?.(row)) checkRow(manifest, row, i);
  }
}

/** checkRows' rules for one row (`index` from 0), column by column: what a row the quick check leaves is judged by. */
export function checkRow(manifest: ModelManifest, row: InputRow, index: number): void {
  for (const col of rowChecksOf(manifest)) {
    if (!(col.name in row)) fail('INVALID_ARGUMENT', `row ${index + 1}: missing column '${col.name}' (${col.type}) required by the model signature`, { column: col.name, row: index + 1 });
    const v = row[col.name];
    if (v === null || v === undefined) {
      if (!col.imputed) fail('INVALID_ARGUMENT', `row ${index + 1}: column '${col.name}' is null and the package has no imputation for it`, { column: col.name, row: index + 1 });
      continue;
    }
    if (!typeOk(col.type, v)) fail('INVALID_ARGUMENT', `row ${index + 1}: column '${col.name}' must be ${col.type}, got ${JSON.stringify(typeof v === 'bigint' ? String(v) : v)}`, { column: col.name, row: index + 1 });
  }
}

/**
 * Layout 'matrix': the package's preprocessing into the model's first input, written straight
 * into an array of its element type (float64, else float32 — each value rounded once from the
 * double the preprocessing computes, exactly as converting a Float64 matrix would).
 */
function compileMatrixFeeds(model: OnnxModel, manifest: ModelManifest): FeedBuilder {
  const plan = compilePreprocess(manifest.preprocess, manifest.signature.inputs.map((c) => c.name));
  const input = model.inputs[0]!;
  const { name } = input;
  const float64 = input.elementType === 'float64';
  const { width } = plan;
  const allocate = (n: number) => (float64 ? new Float64Array(n) : new Float32Array(n));
  // One row's input array, lent to one run at a time: onnxruntime-node reads the input later, from
  // a setImmediate, while other requests build theirs, so a run in flight keeps it until release.
  let spare: Float32Array | Float64Array | undefined = allocate(width);
  const example = (manifest.input_example ?? []).filter((row) => exampleUsable(manifest, row));
  const examples = float64 ? [] : example.map((row) => {
    const data = new Float32Array(width);
    encodeRows(plan, [row as InputRow], data);
    return data;
  });
  return {
    matrix: { input: name, width, examples },
    build(rows) {
      let data: Float32Array | Float64Array;
      if (rows.length === 1 && spare) {
        data = spare.fill(0);
        spare = undefined;
      } else {
        data = allocate(rows.length * width);
      }
      encodeRows(plan, rows, data);
      return { [name]: { data, dims: [rows.length, width] } };
    },
    release(feeds) {
      const data = feeds[name]?.data;
      if (spare === undefined && (data instanceof Float32Array || data instanceof Float64Array) && data.length === width) spare = data;
    },
  };
}

/** Whether an input example row passes the signature's checks (a bad example is not the model's fault). */
function exampleUsable(manifest: ModelManifest, row: Readonly<Record<string, unknown>>): boolean {
  try {
    checkRows(manifest, [row as InputRow]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Layout 'columns': one feed per signature input, named as it, of the column's element type
 * (float → Float32Array, double → Float64Array, int64 → BigInt64Array, string → string[]), shaped
 * [batch, 1], or [batch] where the model declares a rank-1 input. Missing values are imputed
 * from the package's preprocess.impute, else an error naming row and column; NaN in a float
 * column without a rule is passed on (the graph may impute it, as a scikit-learn SimpleImputer does).
 */
export function columnFeeds(model: Pick<OnnxModel, 'inputs'>, manifest: ModelManifest, rows: readonly InputRow[]): Feeds {
  return compileColumnFeeds(model, manifest).build(rows);
}

function compileColumnFeeds(model: Pick<OnnxModel, 'inputs'>, manifest: ModelManifest): FeedBuilder {
  const impute = manifest.preprocess?.impute ?? {};
  const columns = manifest.signature.inputs.map((col) => ({
    col,
    rank1: model.inputs.find((i) => i.name === col.name)?.shape.length === 1,
    rule: impute[col.name],
  }));
  const build = (rows: readonly InputRow[]): Feeds => {
    const feeds: Feeds = {};
    for (const { col, rank1, rule } of columns) {
      const values = rows.map((row, r) => {
        const v = row[col.name];
        const absent = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v) && rule !== undefined);
        if (!absent) return v;
        if (!rule) fail('INVALID_ARGUMENT', `row ${r + 1}: column '${col.name}' is null and the package has no imputation for it`, { column: col.name, row: r + 1 });
        return rule.value;
      });
      feeds[col.name] = { data: columnData(col, values), dims: rank1 ? [rows.length] : [rows.length, 1] };
    }
    return feeds;
  };
  return { build, release: () => undefined };
}

function columnData(col: SignatureColumn, values: readonly unknown[]): OnnxFeed['data'] {
  const bad = (v: unknown, r: number): never =>
    fail('INVALID_ARGUMENT', `row ${r + 1}: column '${col.name}' must be ${col.type}, got ${JSON.stringify(typeof v === 'bigint' ? String(v) : v)}`, { column: col.name, row: r + 1 });
  switch (col.type) {
    case 'string':
      return values.map((v, r) => (typeof v === 'string' ? v : bad(v, r)));
    case 'int64':
      return BigInt64Array.from(values, (v, r) => (typeof v === 'bigint' ? v : typeof v === 'boolean' ? BigInt(Number(v)) : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : bad(v, r)));
    default: {
      const toNumber = (v: unknown, r: number) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : bad(v, r));
      return col.type === 'double' ? Float64Array.from(values, toNumber) : Float32Array.from(values, toNumber);
    }
  }
}

/** One prediction row per input row, outputs in signature order. */
function splitResults(results: Readonly<Record<string, OnnxResult>>, outputs: readonly string[], n: number): PredictionRow[] {
  if (n === 1) {
    // The serving case: no per-row arrays, no slicing.
    const row: Record<string, OutputValue> = {};
    for (const name of outputs) row[name] = onlyRow(results[name]!.data as ArrayLike<number | bigint | string>);
    return [row];
  }
  const out: Record<string, OutputValue>[] = Array.from({ length: n }, () => ({}));
  for (const name of outputs) {
    const values = splitRows(results[name]!, n);
    for (let i = 0; i < n; i++) out[i]![name] = values[i]!;
  }
  return out;
}

function plain(v: number | bigint | string): number | string {
  return typeof v === 'bigint' ? Number(v) : v;
}

/** A one-row batch's output: a scalar when it holds one value, else all of them. */
function onlyRow(data: ArrayLike<number | bigint | string>): OutputValue {
  if (data.length === 1) return plain(data[0]!);
  const values = new Array<number | string>(data.length);
  for (let i = 0; i < data.length; i++) values[i] = plain(data[i]!);
  return values;
}

/** Splits an output tensor [batch] or [batch, k, …] into per-row values (k = 1 → a scalar). */
function splitRows(result: OnnxResult, n: number): OutputValue[] {
  const flat = Array.from(result.data as ArrayLike<number | bigint | string>, plain);
  const per = n === 0 ? 0 : flat.length / n;
  return Array.from({ length: n }, (_, i) => (per === 1 ? flat[i]! : flat.slice(i * per, (i + 1) * per)));
}
