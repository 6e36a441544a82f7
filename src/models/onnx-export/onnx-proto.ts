/**
 * Encoders for the slice of onnx.proto (onnx-ml flavour) the exporter writes: ModelProto,
 * GraphProto, NodeProto, AttributeProto, TensorProto (small constants), ValueInfoProto,
 * TypeProto.Tensor, OperatorSetIdProto and StringStringEntryProto. Field numbers and enum values
 * are onnx.proto's (IR version 8). Fields are written in field-number order, as protobuf's own
 * serializers do, and unset optional fields are left out.
 */
import { ProtoWriter } from './protobuf-writer.js';

/** TensorProto.DataType values used by the exporter. */
export const ELEM_TYPE = { FLOAT: 1, INT64: 7, STRING: 8, BOOL: 9, DOUBLE: 11 } as const;

/** An element type number from {@link ELEM_TYPE}. */
export type ElemType = (typeof ELEM_TYPE)[keyof typeof ELEM_TYPE];

/** AttributeProto.AttributeType values. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** A constant tensor (an initializer or a TENSOR attribute). Numbers are stored per data type. */
export interface TensorSpec {
  readonly name?: string;
  readonly dims: readonly number[];
  readonly dataType: typeof ELEM_TYPE.FLOAT | typeof ELEM_TYPE.INT64 | typeof ELEM_TYPE.STRING;
  /** float32 values for FLOAT, integers for INT64, strings for STRING. */
  readonly values: ArrayLike<number> | readonly string[];
}

/** One node attribute; `floats`/`float` are written as float32, as onnx.proto declares them. */
export type AttributeSpec =
  | { readonly name: string; readonly kind: 'float'; readonly value: number }
  | { readonly name: string; readonly kind: 'int'; readonly value: number }
  | { readonly name: string; readonly kind: 'string'; readonly value: string }
  | { readonly name: string; readonly kind: 'tensor'; readonly value: TensorSpec }
  | { readonly name: string; readonly kind: 'floats'; readonly value: ArrayLike<number> }
  | { readonly name: string; readonly kind: 'ints'; readonly value: ArrayLike<number> }
  | { readonly name: string; readonly kind: 'strings'; readonly value: readonly string[] };

/** One operator invocation. `domain` is '' for the default ONNX domain. */
export interface NodeSpec {
  readonly opType: string;
  readonly domain: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly AttributeSpec[];
}

/** A dimension: a fixed size (dim_value) or a symbolic name (dim_param). */
export type DimSpec = number | string;

/** A graph input or output: a tensor of one element type and shape. */
export interface ValueInfoSpec {
  readonly name: string;
  readonly elemType: ElemType;
  readonly shape: readonly DimSpec[];
}

/** A computation graph. */
export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly NodeSpec[];
  readonly initializers: readonly TensorSpec[];
  readonly inputs: readonly ValueInfoSpec[];
  readonly outputs: readonly ValueInfoSpec[];
}

/** A whole model file. */
export interface ModelSpec {
  readonly irVersion: number;
  readonly opsetImports: readonly { readonly domain: string; readonly version: number }[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString?: string;
  readonly graph: GraphSpec;
  /** Written in the given order; the caller sorts for canonical output. */
  readonly metadataProps: readonly (readonly [string, string])[];
}

const TEXT = new TextEncoder();

/** Attribute helpers, so call sites read like onnx.helper.make_node keyword arguments. */
export const attr = {
  float: (name: string, value: number): AttributeSpec => ({ name, kind: 'float', value }),
  int: (name: string, value: number): AttributeSpec => ({ name, kind: 'int', value }),
  string: (name: string, value: string): AttributeSpec => ({ name, kind: 'string', value }),
  tensor: (name: string, value: TensorSpec): AttributeSpec => ({ name, kind: 'tensor', value }),
  floats: (name: string, value: ArrayLike<number>): AttributeSpec => ({ name, kind: 'floats', value }),
  ints: (name: string, value: ArrayLike<number>): AttributeSpec => ({ name, kind: 'ints', value }),
  strings: (name: string, value: readonly string[]): AttributeSpec => ({ name, kind: 'strings', value }),
};

/** TensorProto: dims=1, data_type=2, float_data=4, string_data=6, int64_data=7, name=8. */
function writeTensor(w: ProtoWriter, t: TensorSpec): void {
  w.packedInt64s(1, t.dims);
  w.int64(2, t.dataType);
  if (t.dataType === ELEM_TYPE.FLOAT) w.packedFloats(4, t.values as ArrayLike<number>);
  if (t.dataType === ELEM_TYPE.STRING) for (const s of t.values as readonly string[]) w.bytes(6, TEXT.encode(s));
  if (t.dataType === ELEM_TYPE.INT64) w.packedInt64s(7, t.values as ArrayLike<number>);
  if (t.name !== undefined) w.string(8, t.name);
}

/**
 * AttributeProto: name=1, f=2, i=3, s=4, t=5, floats=7, ints=8, strings=9, type=20. Repeated
 * numbers are packed: proto2 parsers accept packed and unpacked alike, and packed is smaller.
 */
function writeAttribute(w: ProtoWriter, a: AttributeSpec): void {
  w.string(1, a.name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value).int64(20, ATTRIBUTE_TYPE.FLOAT);
      break;
    case 'int':
      w.int64(3, a.value).int64(20, ATTRIBUTE_TYPE.INT);
      break;
    case 'string':
      w.bytes(4, TEXT.encode(a.value)).int64(20, ATTRIBUTE_TYPE.STRING);
      break;
    case 'tensor':
      w.message(5, (t) => writeTensor(t, a.value)).int64(20, ATTRIBUTE_TYPE.TENSOR);
      break;
    case 'floats':
      w.packedFloats(7, a.value).int64(20, ATTRIBUTE_TYPE.FLOATS);
      break;
    case 'ints':
      w.packedInt64s(8, a.value).int64(20, ATTRIBUTE_TYPE.INTS);
      break;
    case 'strings':
      for (const s of a.value) w.bytes(9, TEXT.encode(s));
      w.int64(20, ATTRIBUTE_TYPE.STRINGS);
      break;
  }
}

/** NodeProto: input=1, output=2, name=3, op_type=4, attribute=5, domain=7. */
function writeNode(w: ProtoWriter, n: NodeSpec): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const a of n.attributes) w.message(5, (m) => writeAttribute(m, a));
  if (n.domain !== '') w.string(7, n.domain);
}

/**
 * ValueInfoProto: name=1, type=2 → TypeProto.tensor_type=1 → Tensor{elem_type=1, shape=2} →
 * TensorShapeProto.dim=1 → Dimension{dim_value=1 | dim_param=2}.
 */
function writeValueInfo(w: ProtoWriter, v: ValueInfoSpec): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int64(1, v.elemType);
      tensor.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int64(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** GraphProto: node=1, name=2, initializer=5, input=11, output=12. */
function writeGraph(w: ProtoWriter, g: GraphSpec): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t));
  for (const i of g.inputs) w.message(11, (m) => writeValueInfo(m, i));
  for (const o of g.outputs) w.message(12, (m) => writeValueInfo(m, o));
}

/**
 * ModelProto: ir_version=1, producer_name=2, producer_version=3, doc_string=6, graph=7,
 * opset_import=8 (OperatorSetIdProto{domain=1, version=2}), metadata_props=14
 * (StringStringEntryProto{key=1, value=2}).
 */
export function encodeModel(model: ModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.int64(1, model.irVersion).string(2, model.producerName).string(3, model.producerVersion);
  if (model.docString !== undefined) w.string(6, model.docString);
  w.message(7, (g) => writeGraph(g, model.graph));
  for (const op of model.opsetImports) w.message(8, (m) => m.string(1, op.domain).int64(2, op.version));
  for (const [key, value] of model.metadataProps) w.message(14, (m) => m.string(1, key).string(2, value));
  return w.finish();
}
