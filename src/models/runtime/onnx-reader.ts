/**
 * A minimal reader of the slice of onnx.proto a graph evaluator needs: the graph's nodes with
 * their attributes, its initializers, and its input and output names. Hand-written (as the
 * exporter's writer is) because only these few messages matter; unknown fields are skipped, so
 * files from any producer parse. Field numbers are onnx.proto's.
 *
 * Wire format: https://protobuf.dev/programming-guides/encoding/
 */
import { fail } from '../../core/errors.js';

/** A constant tensor (an initializer or a TENSOR attribute). */
export interface OnnxTensorValue {
  readonly dims: readonly number[];
  /** TensorProto.DataType (1 float, 6 int32, 7 int64, 8 string, 9 bool, 11 double). */
  readonly dataType: number;
  /** float/double values as numbers, integers as numbers (int64 beyond 2^53 loses precision), strings as strings. */
  readonly values: readonly number[] | readonly string[];
}

/** One node attribute: only the field its type uses is set. */
export interface OnnxAttribute {
  readonly name: string;
  readonly f?: number;
  readonly i?: number;
  readonly s?: string;
  readonly t?: OnnxTensorValue;
  readonly floats?: readonly number[];
  readonly ints?: readonly number[];
  readonly strings?: readonly string[];
}

export interface OnnxNode {
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxAttribute>;
}

export interface OnnxGraph {
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, OnnxTensorValue>;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

const TEXT = new TextDecoder();

/** Reads fields of one message; `end` bounds it inside the whole buffer. */
class ProtoReader {
  pos: number;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array, start = 0, readonly end = buf.length) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a number (int64 values past 2^53 lose precision; negatives, 10 bytes long, come back negative). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) fail('INVALID_ARGUMENT', 'truncated varint in ONNX model', {});
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    // Beyond 49 bits (exact in a double; negative int64s take 10 bytes): finish in BigInt, read as signed.
    let big = BigInt(result);
    let shift = 49n;
    for (let i = 7; i < 10; i++) {
      if (this.pos >= this.end) fail('INVALID_ARGUMENT', 'truncated varint in ONNX model', {});
      const b = this.buf[this.pos++]!;
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return Number(BigInt.asIntN(64, big));
      shift += 7n;
    }
    return fail('INVALID_ARGUMENT', 'malformed varint in ONNX model', {});
  }

  /** The next field's number and wire type. */
  key(): { field: number; wire: number } {
    const k = this.varint();
    return { field: Math.floor(k / 8), wire: k & 7 };
  }

  /** A length-delimited field's bounds; the reader moves past it. */
  span(): { start: number; end: number } {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) fail('INVALID_ARGUMENT', 'truncated field in ONNX model', {});
    this.pos += len;
    return { start, end: start + len };
  }

  string(): string {
    const { start, end } = this.span();
    return TEXT.decode(this.buf.subarray(start, end));
  }

  float32(): number {
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  float64(): number {
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.span();
    else if (wire === 5) this.pos += 4;
    else fail('INVALID_ARGUMENT', `unsupported protobuf wire type ${wire} in ONNX model`, {});
  }

  /** Each field of the message from here to `end`. */
  *fields(): Generator<{ field: number; wire: number }> {
    while (!this.done) yield this.key();
  }

  sub(): ProtoReader {
    const { start, end } = this.span();
    return new ProtoReader(this.buf, start, end);
  }

  /** A repeated float field, packed (wire 2) or not (wire 5). */
  floats(wire: number, into: number[]): void {
    if (wire === 5) into.push(this.float32());
    else for (const r = this.sub(); !r.done; ) into.push(r.float32());
  }

  /** A repeated varint field, packed or not. */
  varints(wire: number, into: number[]): void {
    if (wire === 0) into.push(this.varint());
    else for (const r = this.sub(); !r.done; ) into.push(r.varint());
  }
}

function readTensor(r: ProtoReader): OnnxTensorValue {
  const dims: number[] = [];
  let dataType = 0;
  const numbers: number[] = [];
  const strings: string[] = [];
  let raw: Uint8Array | undefined;
  for (const { field, wire } of r.fields()) {
    if (field === 1) r.varints(wire, dims);
    else if (field === 2) dataType = r.varint();
    else if (field === 4) r.floats(wire, numbers);
    else if (field === 5 || field === 7) r.varints(wire, numbers);
    else if (field === 6) strings.push(r.string());
    else if (field === 9) {
      const { start, end } = r.span();
      raw = r.buf.subarray(start, end);
    } else if (field === 10) {
      if (wire === 1) numbers.push(r.float64());
      else for (const s = r.sub(); !s.done; ) numbers.push(s.float64());
    } else r.skip(wire);
  }
  if (raw) return { dims, dataType, values: rawValues(raw, dataType) };
  return { dims, dataType, values: dataType === 8 ? strings : numbers };
}

/** raw_data: little-endian values of the tensor's type. */
function rawValues(raw: Uint8Array, dataType: number): number[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: number[] = [];
  const read: Record<number, [number, (at: number) => number]> = {
    1: [4, (at) => view.getFloat32(at, true)],
    6: [4, (at) => view.getInt32(at, true)],
    7: [8, (at) => Number(view.getBigInt64(at, true))],
    9: [1, (at) => view.getUint8(at)],
    11: [8, (at) => view.getFloat64(at, true)],
  };
  const reader = read[dataType];
  if (!reader) fail('INVALID_ARGUMENT', `unsupported raw tensor data type ${dataType} in ONNX model`, {});
  const [size, get] = reader;
  for (let at = 0; at + size <= raw.length; at += size) out.push(get(at));
  return out;
}

function readAttribute(r: ProtoReader): OnnxAttribute {
  let name = '';
  const a: { f?: number; i?: number; s?: string; t?: OnnxTensorValue; floats?: number[]; ints?: number[]; strings?: string[] } = {};
  for (const { field, wire } of r.fields()) {
    if (field === 1) name = r.string();
    else if (field === 2) a.f = r.float32();
    else if (field === 3) a.i = r.varint();
    else if (field === 4) a.s = r.string();
    else if (field === 5) a.t = readTensor(r.sub());
    else if (field === 7) r.floats(wire, (a.floats ??= []));
    else if (field === 8) r.varints(wire, (a.ints ??= []));
    else if (field === 9) (a.strings ??= []).push(r.string());
    else r.skip(wire);
  }
  return { name, ...a };
}

function readNode(r: ProtoReader): OnnxNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attributes = new Map<string, OnnxAttribute>();
  let opType = '';
  let domain = '';
  for (const { field, wire } of r.fields()) {
    if (field === 1) inputs.push(r.string());
    else if (field === 2) outputs.push(r.string());
    else if (field === 4) opType = r.string();
    else if (field === 5) {
      const a = readAttribute(r.sub());
      attributes.set(a.name, a);
    } else if (field === 7) domain = r.string();
    else r.skip(wire);
  }
  return { opType, domain, inputs, outputs, attributes };
}

/** The name of a ValueInfoProto. */
function valueName(r: ProtoReader): string {
  let name = '';
  for (const { field, wire } of r.fields()) {
    if (field === 1) name = r.string();
    else r.skip(wire);
  }
  return name;
}

function readGraph(r: ProtoReader): OnnxGraph {
  const nodes: OnnxNode[] = [];
  const initializers = new Map<string, OnnxTensorValue>();
  const inputs: string[] = [];
  const outputs: string[] = [];
  for (const { field, wire } of r.fields()) {
    if (field === 1) nodes.push(readNode(r.sub()));
    else if (field === 5) {
      const sub = r.sub();
      const start = sub.pos;
      const t = readTensor(sub);
      // The name (field 8) is read in a second pass: readTensor keeps to the data fields.
      initializers.set(tensorName(new ProtoReader(r.buf, start, sub.end)), t);
    } else if (field === 11) inputs.push(valueName(r.sub()));
    else if (field === 12) outputs.push(valueName(r.sub()));
    else r.skip(wire);
  }
  // Initializers may also be listed as graph inputs (IR < 4): those are not fed.
  return { nodes, initializers, inputs: inputs.filter((i) => !initializers.has(i)), outputs };
}

function tensorName(r: ProtoReader): string {
  let name = '';
  for (const { field, wire } of r.fields()) {
    if (field === 8) name = r.string();
    else r.skip(wire);
  }
  return name;
}

/** The graph of an ONNX ModelProto. INVALID_ARGUMENT when the bytes are not one. */
export function readOnnxGraph(bytes: Uint8Array): OnnxGraph {
  const r = new ProtoReader(bytes);
  for (const { field, wire } of r.fields()) {
    if (field === 7) return readGraph(r.sub());
    r.skip(wire);
  }
  return fail('INVALID_ARGUMENT', 'the ONNX model has no graph', {});
}
