/**
 * Running a model package on rows: check them against the signature, build the feeds (one
 * preprocessed matrix, or one tensor per column for models that preprocess in their graph), run
 * in batches, fetching only the signature's outputs.
 */
import { fail } from '../../core/errors.js';
import { loadOnnxModel, type OnnxFeed, type OnnxModel, type OnnxResult } from '../runtime/onnx-session.js';
import type { ColumnType, ModelManifest, SignatureColumn } from './manifest.js';
import type { ModelPackage } from './package-io.js';
import { preprocess, type InputRow } from './preprocess.js';

/** One row of predictions: output name → a scalar, or an array when the output has several values per row. */
export type PredictionRow = Readonly<Record<string, number | string | readonly (number | string)[]>>;

/** Options for `predict`. */
export interface PredictOptions {
  /** Rows per model run (default 1024), bounding memory on large inputs. */
  readonly batchSize?: number;
}

/** A package loaded once and run many times (evaluation, serving). */
export interface Predictor {
  readonly pkg: ModelPackage;
  predict(rows: readonly InputRow[]): Promise<PredictionRow[]>;
  close(): Promise<void>;
}

/** Loads the package's model once; `predict` checks rows, preprocesses and runs in batches. */
export async function openPredictor(pkg: ModelPackage, options: PredictOptions = {}): Promise<Predictor> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1024));
  const model = await loadOnnxModel(pkg.modelPath);
  return {
    pkg,
    async predict(rows) {
      checkRows(pkg.manifest, rows);
      const out: PredictionRow[] = [];
      for (let start = 0; start < rows.length; start += batchSize) {
        out.push(...(await runBatch(model, pkg.manifest, rows.slice(start, start + batchSize))));
      }
      return out;
    },
    close: () => model.close(),
  };
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

/** Every signature column present in every row with a value of its type (null only where imputed). */
export function checkRows(manifest: ModelManifest, rows: readonly InputRow[]): void {
  const impute = manifest.preprocess?.impute ?? {};
  rows.forEach((row, i) => {
    for (const col of manifest.signature.inputs) {
      const where = { column: col.name, row: i + 1 };
      if (!(col.name in row)) fail('INVALID_ARGUMENT', `row ${i + 1}: missing column '${col.name}' (${col.type}) required by the model signature`, where);
      const v = row[col.name];
      if (v === null || v === undefined) {
        if (!impute[col.name]) fail('INVALID_ARGUMENT', `row ${i + 1}: column '${col.name}' is null and the package has no imputation for it`, where);
        continue;
      }
      if (!typeOk(col.type, v)) fail('INVALID_ARGUMENT', `row ${i + 1}: column '${col.name}' must be ${col.type}, got ${JSON.stringify(typeof v === 'bigint' ? String(v) : v)}`, where);
    }
  });
}

async function runBatch(model: OnnxModel, manifest: ModelManifest, rows: readonly InputRow[]): Promise<PredictionRow[]> {
  const feeds = manifest.signature.feed.layout === 'columns' ? columnFeeds(model, manifest, rows) : matrixFeeds(model, manifest, rows);
  // Only the signature's outputs: a ZipMap output beside them cannot be returned by onnxruntime-node.
  const results = await model.run(feeds, manifest.signature.outputs.map((o) => o.name));
  const out: Record<string, number | string | readonly (number | string)[]>[] = rows.map(() => ({}));
  for (const sig of manifest.signature.outputs) {
    const result = results[sig.name]!;
    splitRows(result, rows.length).forEach((v, i) => (out[i]![sig.name] = v));
  }
  return out;
}

function matrixFeeds(model: OnnxModel, manifest: ModelManifest, rows: readonly InputRow[]): Record<string, OnnxFeed> {
  const matrix = preprocess(rows, manifest.preprocess, manifest.signature.inputs.map((c) => c.name));
  const input = model.inputs[0]!;
  const data = input.elementType === 'float64' ? matrix.data : Float32Array.from(matrix.data);
  return { [input.name]: { data, dims: [matrix.rows, matrix.width] } };
}

/**
 * Layout 'columns': one feed per signature input, named as it, of the column's element type
 * (float → Float32Array, double → Float64Array, int64 → BigInt64Array, string → string[]), shaped
 * [batch, 1], or [batch] where the model declares a rank-1 input. Missing values are imputed
 * from the package's preprocess.impute, else an error naming row and column; NaN in a float
 * column without a rule is passed on (the graph may impute it, as a scikit-learn SimpleImputer does).
 */
export function columnFeeds(model: Pick<OnnxModel, 'inputs'>, manifest: ModelManifest, rows: readonly InputRow[]): Record<string, OnnxFeed> {
  const impute = manifest.preprocess?.impute ?? {};
  const feeds: Record<string, OnnxFeed> = {};
  for (const col of manifest.signature.inputs) {
    const rank1 = model.inputs.find((i) => i.name === col.name)?.shape.length === 1;
    const values = rows.map((row, r) => {
      const v = row[col.name];
      const absent = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v) && impute[col.name] !== undefined);
      if (!absent) return v;
      const rule = impute[col.name];
      if (!rule) fail('INVALID_ARGUMENT', `row ${r + 1}: column '${col.name}' is null and the package has no imputation for it`, { column: col.name, row: r + 1 });
      return rule.value;
    });
    feeds[col.name] = { data: columnData(col, values), dims: rank1 ? [rows.length] : [rows.length, 1] };
  }
  return feeds;
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

/** Splits an output tensor [batch] or [batch, k, …] into per-row values (k = 1 → a scalar). */
function splitRows(result: OnnxResult, n: number): (number | string | readonly (number | string)[])[] {
  const flat = Array.from(result.data as ArrayLike<number | bigint | string>, (v) => (typeof v === 'bigint' ? Number(v) : v));
  const per = n === 0 ? 0 : flat.length / n;
  return Array.from({ length: n }, (_, i) => (per === 1 ? flat[i]! : flat.slice(i * per, (i + 1) * per)));
}
