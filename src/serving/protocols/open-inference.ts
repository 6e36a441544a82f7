/**
 * The Open Inference Protocol (KServe V2, Triton, MLServer) over JSON: decoding an inference
 * request into rows, encoding predictions as output tensors, and the model metadata document.
 *
 * Each signature input column comes as its own tensor named like the column, shape [N] or
 * [N, 1]. A matrix-layout package whose feature matrix is its columns as given (no
 * preprocessing) also takes that matrix as one [N, k] tensor named like `signature.feed.tensor`,
 * as Triton and KServe clients send it (feature-tensor.ts).
 */
import { fail } from '../../core/errors.js';
import type { InputRow, ModelManifest, PredictionRow, SignatureColumn } from '../../models/index.js';
import { acceptedDatatypes, isOipDatatype, oipDatatype, readTensorElement, type OipDatatype } from './datatypes.js';
import { checkRows, rowMakerOf } from '../../models/index.js';
import { featureTensorRows, isFeatureTensorRequest } from './feature-tensor.js';
import { checkColumnNames, isPlainObject, plainValue, rowsFromCheckedColumns, show } from './rows.js';

/** A decoded inference request. */
export interface DecodedInferRequest {
  readonly id?: string;
  readonly rows: InputRow[];
  /** The outputs the caller asked for (all signature outputs when absent). */
  readonly outputs?: string[];
  readonly parameters?: Record<string, unknown>;
}

/** One tensor of a response. */
export interface InferOutputTensor {
  readonly name: string;
  readonly shape: number[];
  readonly datatype: OipDatatype;
  readonly data: unknown[];
}

/** The inference response body. */
export interface InferResponse {
  readonly model_name: string;
  readonly model_version: string;
  readonly id: string;
  readonly outputs: InferOutputTensor[];
}

/** A tensor as the metadata document describes it (-1: any size). */
export interface MetadataTensor {
  readonly name: string;
  readonly datatype: OipDatatype;
  readonly shape: number[];
}

/** The model metadata body (`GET /v2/models/{name}[/versions/{v}]`). */
export interface ModelMetadata {
  readonly name: string;
  readonly versions: string[];
  readonly platform: 'onnxruntime_onnx';
  readonly inputs: MetadataTensor[];
  readonly outputs: MetadataTensor[];
}

const EXAMPLE = '{"inputs": [{"name": "<column>", "shape": [N], "datatype": "<type>", "data": [...]}]}';
const datatypeName = (c: SignatureColumn): string => oipDatatype(c.type);

/**
 * Decodes an inference request body (parsed JSON) into rows. Errors (INVALID_ARGUMENT) name the
 * input and say what it should be: missing or unknown inputs, a datatype the column does not
 * take, a shape other than [N] / [N, 1], a data count that is not the shape's product, inputs
 * disagreeing on N, INT64 numbers beyond 2^53 (send them as strings), unknown requested outputs.
 */
export function decodeInferRequest(body: unknown, manifest: ModelManifest): DecodedInferRequest {
  const one = oneRowRequest(body, manifest);
  if (one !== undefined) return one;
  if (!isPlainObject(body)) fail('INVALID_ARGUMENT', `an inference request must be a JSON object like ${EXAMPLE}; got ${show(body)}`, {});
  const { id, parameters, inputs, outputs } = body;
  if (id !== undefined && typeof id !== 'string') fail('INVALID_ARGUMENT', `request 'id' must be a string, got ${show(id)}`, { field: 'id' });
  if (parameters !== undefined && !isPlainObject(parameters)) fail('INVALID_ARGUMENT', `request 'parameters' must be an object, got ${show(parameters)}`, { field: 'parameters' });
  if (!Array.isArray(inputs)) fail('INVALID_ARGUMENT', `an inference request needs 'inputs', a list of tensors like ${EXAMPLE}; got ${show(inputs)}`, { field: 'inputs' });
  const tensors = inputs.map((t, i) => tensorHeader(t, i));
  if (isFeatureTensorRequest(tensors.map((t) => t.name), manifest)) return withFields(featureTensorRows(tensors[0]!, manifest), id, outputs, parameters, manifest);
  const seen = new Set<string>();
  for (const t of tensors) {
    if (seen.has(t.name)) fail('INVALID_ARGUMENT', `input '${t.name}' is given twice; send each column once`, { input: t.name });
    seen.add(t.name);
  }
  const byName = inputColumnsOf(manifest);
  // Distinct names, as many as the signature's, all known: exactly its inputs (the common case, checked without sets).
  if (tensors.length !== byName.size || !tensors.every((t) => byName.has(t.name))) {
    checkColumnNames(manifest, tensors.map((t) => t.name), { noun: 'input', typeName: datatypeName });
  }
  const columns: Record<string, readonly unknown[]> = {};
  let first: { name: string; n: number; shape: readonly number[] } | undefined;
  for (const t of tensors) {
    const col = byName.get(t.name)!;
    const n = checkTensor(t, col);
    if (!first) first = { name: t.name, n, shape: t.shape };
    else if (n !== first.n) {
      fail('INVALID_ARGUMENT', `input '${t.name}' has ${n} rows (shape ${shapeText(t.shape)}) but input '${first.name}' has ${first.n} (shape ${shapeText(first.shape)}); every input needs one element per row`, { input: t.name, rows: n, expected: first.n });
    }
    columns[t.name] = t.data.every((v) => plainElement(t.datatype, v)) ? t.data
      : t.data.map((v, i) => (plainElement(t.datatype, v) ? v : readTensorElement(t.datatype, v, `input '${t.name}' data[${i}]`, { input: t.name, index: i })));
  }
  // Every input is a list of N elements (checkTensor: the data count is the shape's product, N × 1).
  const rows = rowsFromCheckedColumns(manifest, columns, first?.n ?? 0, locateElement);
  return withFields(rows, id, outputs, parameters, manifest);
}

/** The decoded request: its rows with the request's checked id, outputs and parameters. */
function withFields(rows: InputRow[], id: unknown, outputs: unknown, parameters: unknown, manifest: ModelManifest): DecodedInferRequest {
  return {
    ...(id !== undefined && { id: id as string }),
    rows,
    ...(outputs !== undefined && { outputs: requestedOutputs(outputs, manifest) }),
    ...(parameters !== undefined && { parameters: parameters as Record<string, unknown> }),
  };
}

/** One signature input of a one-row request: its position, its column, the datatypes it takes. */
interface OneRowInput {
  readonly index: number;
  readonly col: SignatureColumn;
  readonly accepted: readonly OipDatatype[];
}

/** Per signature input name, made once per manifest. */
const oneRowInputs = new WeakMap<ModelManifest, ReadonlyMap<string, OneRowInput>>();

function oneRowInputsOf(manifest: ModelManifest): ReadonlyMap<string, OneRowInput> {
  let byName = oneRowInputs.get(manifest);
  if (byName === undefined) {
    byName = new Map(manifest.signature.inputs.map((col, index) => [col.name, { index, col, accepted: acceptedDatatypes(col.type) }]));
    oneRowInputs.set(manifest, byName);
  }
  return byName;
}

/**
 * The common request's one row, built input by input: each signature input once, one plain
 * element of a datatype its column takes. Whoever reads the request (parsed JSON here, its text
 * in open-inference-text.ts) puts each input's element; anything `put` refuses goes to the
 * general path, which decodes it or rejects it with its messages.
 */
export class OneRow {
  private readonly byName: ReadonlyMap<string, OneRowInput>;
  /** Per input, its element once put (a plain element is never undefined). */
  private readonly values: unknown[];
  private count = 0;

  constructor(private readonly manifest: ModelManifest) {
    this.byName = oneRowInputsOf(manifest);
    this.values = new Array<unknown>(manifest.signature.inputs.length);
  }

  /** Puts the element of the input named `name`; false for an unknown or repeated input, or a datatype or element the general path must judge. */
  put(name: unknown, datatype: unknown, v: unknown): boolean {
    const input = typeof name === 'string' ? this.byName.get(name) : undefined;
    if (input === undefined || this.values[input.index] !== undefined || !input.accepted.includes(datatype as OipDatatype) || !plainElement(datatype as OipDatatype, v) || !plainValue(input.col, v)) return false;
    this.values[input.index] = v;
    this.count++;
    return true;
  }

  /** The decoded request once every input was put (checked as the general path checks rows); undefined otherwise. */
  request(id: string | undefined): DecodedInferRequest | undefined {
    const columns = this.manifest.signature.inputs;
    if (this.count !== columns.length) return undefined;
    // In signature order, as the general path builds rows.
    const rows = [rowMakerOf(this.manifest)(this.values, 0)];
    checkRows(this.manifest, rows);
    return id !== undefined ? { id, rows } : { rows };
  }
}

/**
 * The common request, read in one pass: one row (every input shape [1], one plain element of a
 * datatype its column takes), each signature input once, no `parameters` or `outputs`. Gives what
 * the general path gives for it; undefined for anything else, which the general path then decodes
 * or rejects with its messages.
 */
function oneRowRequest(body: unknown, manifest: ModelManifest): DecodedInferRequest | undefined {
  if (!isPlainObject(body) || body.parameters !== undefined || body.outputs !== undefined) return undefined;
  const { id, inputs } = body;
  if ((id !== undefined && typeof id !== 'string') || !Array.isArray(inputs) || inputs.length !== manifest.signature.inputs.length) return undefined;
  const one = new OneRow(manifest);
  for (let i = 0; i < inputs.length; i++) {
    const t: unknown = inputs[i];
    if (!isPlainObject(t)) return undefined;
    const { shape, data } = t;
    if (!Array.isArray(shape) || shape.length !== 1 || shape[0] !== 1 || !Array.isArray(data) || data.length !== 1 || !one.put(t.name, t.datatype, data[0])) return undefined;
  }
  return one.request(id as string | undefined);
}

const locateElement = (name: string, i: number) => ({ at: `input '${name}' data[${i}]`, details: { input: name, index: i } });

const inputColumns = new WeakMap<ModelManifest, ReadonlyMap<string, SignatureColumn>>();

/** The signature's input columns by name, made once per manifest. */
function inputColumnsOf(manifest: ModelManifest): ReadonlyMap<string, SignatureColumn> {
  let byName = inputColumns.get(manifest);
  if (!byName) {
    byName = new Map(manifest.signature.inputs.map((c) => [c.name, c]));
    inputColumns.set(manifest, byName);
  }
  return byName;
}

/**
 * The common elements readTensorElement would return unchanged (strings as BYTES, numbers as
 * floats, safe integers as INT64), told apart without building its error location per element.
 */
function plainElement(datatype: OipDatatype, v: unknown): boolean {
  if (datatype === 'BYTES') return typeof v === 'string';
  if (datatype === 'FP32' || datatype === 'FP64') return typeof v === 'number';
  return datatype === 'INT64' && Number.isSafeInteger(v);
}

interface TensorHeader {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: OipDatatype;
  /** Flattened row-major. */
  readonly data: readonly unknown[];
}

/** The fields of request input `i`, checked for form (not yet against the signature). */
function tensorHeader(t: unknown, i: number): TensorHeader {
  if (!isPlainObject(t)) fail('INVALID_ARGUMENT', `inputs[${i}] must be a tensor object {name, shape, datatype, data}, got ${show(t)}`, { index: i });
  const { name, shape, datatype, data } = t;
  if (typeof name !== 'string' || name === '') fail('INVALID_ARGUMENT', `inputs[${i}] needs a 'name' (the signature column it carries), got ${show(name)}`, { index: i });
  const label = `input '${name}'`;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    fail('INVALID_ARGUMENT', `${label}: 'shape' must be a list of non-negative whole numbers ([N] or [N, 1]), got ${show(shape)}`, { input: name });
  }
  if (!isOipDatatype(datatype)) fail('INVALID_ARGUMENT', `${label}: 'datatype' must be one of the Open Inference datatypes (BOOL, INT8…INT64, UINT8…UINT64, FP16, FP32, FP64, BYTES), got ${show(datatype)}`, { input: name });
  if (!Array.isArray(data)) fail('INVALID_ARGUMENT', `${label}: 'data' must be a list of elements (flat, or nested row-major), got ${show(data)}`, { input: name });
  return { name, shape: shape as number[], datatype, data: flatten(data) };
}

/** Flattens nested row-major data, which the protocol allows beside the flat form. */
function flatten(data: readonly unknown[]): unknown[] {
  if (!data.some(Array.isArray)) return data as unknown[];
  const out: unknown[] = [];
  const walk = (xs: readonly unknown[]): void => {
    for (const x of xs) {
      if (Array.isArray(x)) walk(x);
      else out.push(x);
    }
  };
  walk(data);
  return out;
}

/** Checks datatype, shape and count of one input tensor against its column; returns N. */
function checkTensor(t: TensorHeader, col: SignatureColumn): number {
  const label = `input '${t.name}'`;
  const accepted = acceptedDatatypes(col.type);
  if (!accepted.includes(t.datatype)) {
    fail('INVALID_ARGUMENT', `${label} is ${t.datatype}, but column '${col.name}' is ${col.type}: send it as ${accepted[0]!}${accepted.length > 1 ? ` (or ${accepted.slice(1).join(', ')})` : ''}`, { input: t.name, datatype: t.datatype, expected: accepted });
  }
  if (!(t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1))) {
    fail('INVALID_ARGUMENT', `${label} has shape ${shapeText(t.shape)}, but each input is one column: give shape [N] or [N, 1] for N rows`, { input: t.name, shape: t.shape });
  }
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== count) {
    fail('INVALID_ARGUMENT', `${label} has shape ${shapeText(t.shape)}, which holds ${count} elements, but its data has ${t.data.length}`, { input: t.name, shape: t.shape, count: t.data.length, expected: count });
  }
  return t.shape[0]!;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function requestedOutputs(outputs: unknown, manifest: ModelManifest): string[] {
  const names = manifest.signature.outputs.map((o) => o.name);
  const list = (): string => manifest.signature.outputs.map((o) => `${o.name} (${oipDatatype(o.type)})`).join(', ');
  if (!Array.isArray(outputs)) fail('INVALID_ARGUMENT', `request 'outputs' must be a list like [{"name": "${names[0]!}"}], got ${show(outputs)}`, { field: 'outputs' });
  return outputs.map((o, i) => {
    const name = isPlainObject(o) ? o.name : undefined;
    if (typeof name !== 'string') fail('INVALID_ARGUMENT', `outputs[${i}] must be {"name": <output>}, got ${show(o)}; the model has outputs ${list()}`, { index: i });
    if (!names.includes(name)) fail('INVALID_ARGUMENT', `unknown output '${name}' requested; the model has outputs ${list()}`, { output: name, expected: names });
    return name;
  });
}

/**
 * Encodes predictions as output tensors, one per signature output (or per requested output, in
 * the order asked): a scalar per row → shape [N]; K values per row → shape [N, K], data
 * row-major; datatype from the output's signature type.
 */
export function encodeInferResponse(args: InferResponseArgs): InferResponse {
  return { model_name: args.modelName, model_version: args.modelVersion, id: args.id, outputs: outputTensors(args) };
}

/** What an inference response is encoded from. */
export interface InferResponseArgs {
  readonly modelName: string;
  readonly modelVersion: string;
  readonly id: string;
  readonly predictions: readonly PredictionRow[];
  readonly manifest: ModelManifest;
  readonly outputs?: readonly string[];
}

/**
 * The response body as JSON text, exactly `JSON.stringify(encodeInferResponse(args))`, written
 * directly: a server answers thousands a second, and generic stringification of the response
 * objects cost several times more than the model's evaluation of a row.
 */
export function encodeInferResponseJson(args: InferResponseArgs): string {
  if (args.predictions.length === 1 && args.outputs === undefined) {
    const fast = oneRowJson(args);
    if (fast !== undefined) return fast;
  }
  let text = `{"model_name":${JSON.stringify(args.modelName)},"model_version":${JSON.stringify(args.modelVersion)},"id":${JSON.stringify(args.id)},"outputs":[`;
  const tensors = outputTensors(args);
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i]!;
    // Shapes are whole numbers and datatypes plain upper-case names: nothing to escape.
    text += `${i > 0 ? ',' : ''}{"name":${JSON.stringify(t.name)},"shape":[${t.shape.join(',')}],"datatype":"${t.datatype}","data":[${jsonElements(t.data)}]}`;
  }
  return `${text}]}`;
}

/** What every one-row answer of a manifest shares: the JSON text around each output's data. */
interface OneRowTexts {
  modelName: string;
  modelVersion: string;
  /** `{"model_name":…,"model_version":…,"id":` for modelName and modelVersion. */
  head: string;
  /** Per signature output: its name, and `{"name":…,"shape":[1` and `],"datatype":"…","data":[`. */
  readonly outputs: readonly { readonly name: string; readonly open: string; readonly close: string }[];
}

const oneRowTexts = new WeakMap<ModelManifest, OneRowTexts>();

/**
 * The common answer (one row, every signature output) with the fixed parts of its text made once
 * per manifest: byte-identical to the general path, which it leaves to answer (or fail) on
 * anything else (a missing output). Undefined: take the general path.
 */
function oneRowJson(args: InferResponseArgs): string | undefined {
  let texts = oneRowTexts.get(args.manifest);
  if (texts === undefined) {
    texts = {
      modelName: '', modelVersion: '', head: '',
      outputs: args.manifest.signature.outputs.map((o) => ({ name: o.name, open: `{"name":${JSON.stringify(o.name)},"shape":[1`, close: `],"datatype":"${oipDatatype(o.type)}","data":[` })),
    };
    oneRowTexts.set(args.manifest, texts);
  }
  if (texts.head === '' || texts.modelName !== args.modelName || texts.modelVersion !== args.modelVersion) {
    texts.modelName = args.modelName;
    texts.modelVersion = args.modelVersion;
    texts.head = `{"model_name":${JSON.stringify(args.modelName)},"model_version":${JSON.stringify(args.modelVersion)},"id":`;
  }
  const row = args.predictions[0]!;
  let text = `${texts.head}${JSON.stringify(args.id)},"outputs":[`;
  const outputs = texts.outputs;
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i]!;
    const v = row[o.name];
    // Absent (or undefined, which the general path tells apart by output): its answer or error.
    if (v === undefined) return undefined;
    const tensor = Array.isArray(v) ? `${o.open},${v.length}${o.close}${jsonElements(v)}]}` : `${o.open}${o.close}${jsonElement(v)}]}`;
    text += i > 0 ? `,${tensor}` : tensor;
  }
  return `${text}]}`;
}

/** One array element as JSON.stringify writes it. */
function jsonElement(v: unknown): string {
  return typeof v === 'number' ? (Number.isFinite(v) ? String(v) : 'null') : (JSON.stringify(v) ?? 'null');
}

/** Array elements as JSON.stringify writes them, comma-separated. */
function jsonElements(values: readonly unknown[]): string {
  let text = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const item = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : 'null') : (JSON.stringify(v) ?? 'null');
    text = i === 0 ? item : `${text},${item}`;
  }
  return text;
}

function outputTensors(args: InferResponseArgs): InferOutputTensor[] {
  const { manifest, predictions } = args;
  const wanted = args.outputs ?? manifest.signature.outputs.map((o) => o.name);
  return wanted.map((name) => {
    const col = manifest.signature.outputs.find((o) => o.name === name);
    if (!col) return fail('INVALID_ARGUMENT', `unknown output '${name}'; the model has outputs ${manifest.signature.outputs.map((o) => o.name).join(', ')}`, { output: name });
    return outputTensor(col, predictions, knownWidth(manifest, name));
  });
}

function outputTensor(col: SignatureColumn, predictions: readonly PredictionRow[], width: number | undefined): InferOutputTensor {
  const n = predictions.length;
  const values = predictions.map((row, i) => {
    if (!(col.name in row)) fail('INTERNAL', `prediction row ${i + 1} lacks output '${col.name}' of the model signature`, { output: col.name, row: i + 1 });
    return row[col.name]!;
  });
  const datatype = oipDatatype(col.type);
  const first = values[0];
  if (first === undefined ? width === undefined : !Array.isArray(first)) {
    if (values.some((v) => Array.isArray(v))) fail('INTERNAL', `output '${col.name}' mixes scalars and lists across rows`, { output: col.name });
    return { name: col.name, shape: [n], datatype, data: values as unknown[] };
  }
  const k = first === undefined ? width! : (first as readonly unknown[]).length;
  const data: unknown[] = [];
  values.forEach((v, i) => {
    if (!Array.isArray(v) || v.length !== k) fail('INTERNAL', `output '${col.name}' has ${k} values in row 1 but not in row ${i + 1}`, { output: col.name, row: i + 1 });
    data.push(...(v as readonly unknown[]));
  });
  return { name: col.name, shape: [n, k], datatype, data };
}

/** K of an output known from the manifest alone: the class count for the probabilities output. */
function knownWidth(manifest: ModelManifest, output: string): number | undefined {
  const task = manifest.task;
  return task?.probabilities === output ? task.classes?.length : undefined;
}

/**
 * The model metadata document: inputs as [-1, 1] tensors of their native datatype; outputs as
 * [-1], or [-1, K] for the class probabilities output (K = the class count, -1 when unknown).
 */
export function modelMetadata(name: string, versions: readonly string[], manifest: ModelManifest): ModelMetadata {
  const probabilities = manifest.task?.probabilities;
  return {
    name,
    versions: [...versions],
    platform: 'onnxruntime_onnx',
    inputs: manifest.signature.inputs.map((c) => ({ name: c.name, datatype: oipDatatype(c.type), shape: [-1, 1] })),
    outputs: manifest.signature.outputs.map((o) => ({
      name: o.name,
      datatype: oipDatatype(o.type),
      shape: o.name === probabilities ? [-1, knownWidth(manifest, o.name) ?? -1] : [-1],
    })),
  };
}
