/**
 * The one inference path: every model Paddock serves or evaluates (trained in Python and exported
 * with torch.onnx / skl2onnx, or by Paddock's built-in trainers) runs through this module on
 * onnxruntime-node. The runtime is loaded lazily so CLI start-up does not pay for its native
 * library, and its errors are translated into the catalogue here, never leaked as raw stacks.
 */
import { readFile } from 'node:fs/promises';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { fail, fromSystemError } from '../../core/errors.js';

/** One dimension: a fixed size, a symbolic name (e.g. `batch`), or null when unknown. */
export type OnnxDim = number | string | null;

/** Name, element type and shape of one model input or output. */
export interface OnnxValueInfo {
  readonly name: string;
  /** False for sequences and maps (e.g. skl2onnx's ZipMap output). */
  readonly isTensor: boolean;
  /** onnxruntime's element type name (`float32`, `float64`, `int64`, `string`, …); null for non-tensors. */
  readonly elementType: string | null;
  readonly shape: readonly OnnxDim[];
}

/** The data a caller can feed: the element types tabular models take. */
export type OnnxFeedData = Float32Array | Float64Array | BigInt64Array | readonly string[];

/** One named input tensor. */
export interface OnnxFeed {
  readonly data: OnnxFeedData;
  readonly dims: readonly number[];
}

/** One named output tensor as the runtime returned it. */
export interface OnnxResult {
  readonly data: Tensor['data'];
  readonly dims: readonly number[];
  readonly type: string;
}

/** A loaded model, ready to run. */
export interface OnnxModel {
  readonly path: string;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /**
   * Runs the model; feeds are checked against `inputs` first so errors name the input. Only
   * `outputs` are computed and returned (default: every tensor output), so a model that also has
   * a sequence/map output (skl2onnx's ZipMap), which onnxruntime-node cannot return, still runs.
   */
  run(feeds: Readonly<Record<string, OnnxFeed>>, outputs?: readonly string[]): Promise<Record<string, OnnxResult>>;
  /** Frees the native session; the model cannot run afterwards. */
  close(): Promise<void>;
}

type Ort = typeof import('onnxruntime-node');
let ortPromise: Promise<Ort> | undefined;

/** Loads onnxruntime-node once, on first use (it is CommonJS: take the default export when present). */
function loadOrt(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').then((m) => ((m as { default?: Ort }).default ?? m) as Ort);
  return ortPromise;
}

/** Which element type each kind of feed data carries, for the type check before running. */
function feedType(data: OnnxFeedData): string {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  return 'string';
}

function describeValue(meta: InferenceSession.ValueMetadata): OnnxValueInfo {
  if (!meta.isTensor) return { name: meta.name, isTensor: false, elementType: null, shape: [] };
  // An unnamed dynamic dimension (skl2onnx's None) comes back as '' and a negative size as -1.
  const shape = meta.shape.map((d): OnnxDim => ((typeof d === 'number' && d < 0) || d === '' ? null : d));
  return { name: meta.name, isTensor: true, elementType: meta.type, shape };
}

/** `[batch, 6]` style rendering for error messages. */
export function formatShape(shape: readonly OnnxDim[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/**
 * Why a sequence/map output cannot be used and what to do, for errors at check and run time:
 * onnxruntime-node 1.30 returns tensors only ("Non tensor type is temporarily not supported").
 */
export function nonTensorOutputHint(name: string, outputs: readonly OnnxValueInfo[]): string {
  const tensors = outputs.filter((o) => o.isTensor).map((o) => `'${o.name}'`);
  return (
    `output '${name}' is a sequence/map output (such as the ZipMap skl2onnx adds to classifiers), which onnxruntime-node cannot return. ` +
    `Re-export with skl2onnx's options={type(model): {'zipmap': False}} (probabilities become a [batch, classes] tensor), ` +
    `or list the model's tensor outputs instead${tensors.length > 0 ? ` (${tensors.join(', ')})` : ''}`
  );
}

/** The first line of a runtime error, without onnxruntime's stack or internal file names. */
function runtimeMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.replace(/^\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/, '').slice(0, 300);
}

/**
 * One thread per run, no spinning: tabular models are small, and a server answers many requests
 * at once, so parallelism comes from requests, not from splitting one row's work. ORT's default
 * (one spinning intra-op thread per core) fights Node's own thread for the same cores.
 */
const SESSION_OPTIONS = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
} as const;

/**
 * Loads an ONNX model file. A missing file → PATH_NOT_FOUND; a file onnxruntime cannot parse →
 * INVALID_ARGUMENT naming it ("not an ONNX model").
 */
export async function loadOnnxModel(path: string): Promise<OnnxModel> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw fromSystemError(err, path);
  }
  const ort = await loadOrt();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  } catch (err) {
    return fail('INVALID_ARGUMENT', `${path}: not an ONNX model (${runtimeMessage(err)})`, { path }, err);
  }
  const inputs = session.inputMetadata.map(describeValue);
  const outputs = session.outputMetadata.map(describeValue);
  const plan = runPlan(path, inputs, outputs);
  return {
    path,
    inputs,
    outputs,
    run: (feeds, fetch) => runSession(ort, session, plan, feeds, fetch),
    close: () => session.release(),
  };
}

/** What a run needs that depends only on the model: worked out once per load, not per run. */
interface RunPlan {
  readonly path: string;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly known: ReadonlySet<string>;
  /** The outputs last asked for and the checked list fetched for them. */
  lastFetch: { readonly wanted: readonly string[] | undefined; readonly fetches: readonly string[] } | undefined;
}

function runPlan(path: string, inputs: readonly OnnxValueInfo[], outputs: readonly OnnxValueInfo[]): RunPlan {
  return { path, inputs, outputs, known: new Set(inputs.map((i) => i.name)), lastFetch: undefined };
}

function feedDetails(path: string, info: OnnxValueInfo, feed: OnnxFeed): Record<string, unknown> {
  return { path, input: info.name, expected: info.shape, given: feed.dims };
}

/** Checks one feed against its declared input: element type, rank, fixed dims and data length. */
function checkFeed(path: string, info: OnnxValueInfo, feed: OnnxFeed): void {
  // Messages and details are built only on failure: this runs on every request.
  const type = feedType(feed.data);
  if (info.elementType !== null && type !== info.elementType) {
    fail('INVALID_ARGUMENT', `${path}: input '${info.name}' takes ${info.elementType} data, got ${type}`, { ...feedDetails(path, info, feed), expectedType: info.elementType, givenType: type });
  }
  const { dims } = feed;
  const { shape } = info;
  let ok = shape.length === 0 || shape.length === dims.length;
  let size = 1;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i]!;
    const want = shape[i];
    if (!Number.isInteger(d) || d < 0 || (typeof want === 'number' && shape.length > 0 && want !== d)) ok = false;
    size *= d;
  }
  if (!ok) fail('INVALID_ARGUMENT', `${path}: input '${info.name}' expects shape ${formatShape(shape)}, got ${formatShape(dims)}`, feedDetails(path, info, feed));
  if (feed.data.length !== size) {
    fail('INVALID_ARGUMENT', `${path}: input '${info.name}' has shape ${formatShape(dims)} (${size} values) but ${feed.data.length} values were given`, feedDetails(path, info, feed));
  }
}

/** The outputs to fetch: the named ones (each a tensor output of the model), or every tensor output. */
function fetchList(path: string, outputs: readonly OnnxValueInfo[], wanted: readonly string[] | undefined): string[] {
  if (wanted === undefined) {
    const tensors = outputs.filter((o) => o.isTensor).map((o) => o.name);
    if (tensors.length === 0 && outputs[0]) fail('INVALID_ARGUMENT', `${path}: the model has no tensor output: ${nonTensorOutputHint(outputs[0].name, outputs)}`, { path });
    return tensors;
  }
  if (wanted.length === 0) fail('INVALID_ARGUMENT', `${path}: no outputs asked for; name at least one of ${outputs.map((o) => `'${o.name}'`).join(', ')}`, { path });
  for (const name of wanted) {
    const info = outputs.find((o) => o.name === name);
    if (!info) fail('INVALID_ARGUMENT', `${path}: unknown output '${name}'; the model gives ${outputs.map((o) => `'${o.name}'`).join(', ')}`, { path, output: name });
    if (!info.isTensor) fail('INVALID_ARGUMENT', `${path}: ${nonTensorOutputHint(name, outputs)}`, { path, output: name });
  }
  return [...new Set(wanted)];
}

/**
 * `fetchList`, remembered for the last list of wanted outputs (compared by value, so a caller may
 * pass a new or reused array): a server asks for the same outputs on every run.
 */
function cachedFetchList(plan: RunPlan, wanted: readonly string[] | undefined): readonly string[] {
  const last = plan.lastFetch;
  if (last && sameNames(last.wanted, wanted)) return last.fetches;
  const fetches = fetchList(plan.path, plan.outputs, wanted);
  plan.lastFetch = { wanted: wanted && [...wanted], fetches };
  return fetches;
}

function sameNames(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function runSession(
  ort: Ort,
  session: InferenceSession,
  plan: RunPlan,
  feeds: Readonly<Record<string, OnnxFeed>>,
  wanted: readonly string[] | undefined,
): Promise<Record<string, OnnxResult>> {
  const { path, inputs, known } = plan;
  const fetches = cachedFetchList(plan, wanted);
  for (const k in feeds) {
    if (!known.has(k)) fail('INVALID_ARGUMENT', `${path}: unknown input '${k}'; the model takes ${[...known].map((n) => `'${n}'`).join(', ')}`, { path, input: k });
  }
  const tensors: Record<string, Tensor> = {};
  for (const info of inputs) {
    const feed = feeds[info.name];
    if (feed === undefined) {
      fail('INVALID_ARGUMENT', `${path}: missing input '${info.name}' (expected ${info.elementType ?? 'value'} of shape ${formatShape(info.shape)})`, { path, input: info.name, expected: info.shape });
    }
    checkFeed(path, info, feed);
    // onnxruntime wants a mutable string array; copy so the caller's data is never shared.
    const data = Array.isArray(feed.data) ? [...feed.data] : feed.data;
    tensors[info.name] = new ort.Tensor(feedType(feed.data) as 'float32', data as Float32Array, [...feed.dims]);
  }
  let results: InferenceSession.OnnxValueMapType;
  try {
    results = await session.run(tensors, fetches);
  } catch (err) {
    return fail('INVALID_ARGUMENT', `${path}: the model failed on the given input: ${runtimeMessage(err)}`, { path }, err);
  }
  const out: Record<string, OnnxResult> = {};
  for (const name in results) {
    const t = results[name] as Tensor;
    out[name] = { data: t.data, dims: [...t.dims], type: t.type };
  }
  return out;
}
