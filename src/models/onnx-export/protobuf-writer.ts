/**
 * A minimal protocol-buffers wire-format encoder: just what the ONNX exporter needs, written by
 * hand so the bytes are Paddock's to control. The output depends only on the calls made, in
 * order (no maps, no clocks, no field reordering), so the same model always encodes to the same
 * bytes and a model file's hash is stable across runs and machines.
 *
 * Wire format: https://protobuf.dev/programming-guides/encoding/
 */

/** Wire types (the low 3 bits of a field key). */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const TEXT = new TextEncoder();

/**
 * Appends fields to a growing buffer. Sub-messages are encoded by a nested writer and written
 * length-prefixed, which costs a copy but keeps the writer trivial.
 */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  /** An int32/int64/uint64/enum/bool field as a varint; negatives take 10 bytes (two's complement). */
  int64(field: number, value: number | bigint): this {
    this.key(field, VARINT);
    this.varint(value);
    return this;
  }

  /** A `float` field: 4 bytes little-endian IEEE-754 single (the value is rounded to float32). */
  float(field: number, value: number): this {
    this.key(field, FIXED32);
    this.rawFloat(value);
    return this;
  }

  /** A `double` field: 8 bytes little-endian IEEE-754 double. */
  double(field: number, value: number): this {
    this.key(field, FIXED64);
    this.rawDouble(value);
    return this;
  }

  /** A `string` field, UTF-8 encoded. */
  string(field: number, value: string): this {
    return this.bytes(field, TEXT.encode(value));
  }

  /** A `bytes` field, or an already-encoded sub-message. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  /** A sub-message field, its body written by `write` into a fresh writer. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed `repeated float` field; nothing is written for an empty list (proto semantics). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    this.key(field, LENGTH_DELIMITED);
    this.varint(values.length * 4);
    for (let i = 0; i < values.length; i++) this.rawFloat(values[i]!);
    return this;
  }

  /** A packed `repeated double` field; nothing is written for an empty list. */
  packedDoubles(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    this.key(field, LENGTH_DELIMITED);
    this.varint(values.length * 8);
    for (let i = 0; i < values.length; i++) this.rawDouble(values[i]!);
    return this;
  }

  /** A packed `repeated int64` field; nothing is written for an empty list. */
  packedInt64s(field: number, values: ArrayLike<number | bigint>): this {
    if (values.length === 0) return this;
    const body = new ProtoWriter();
    for (let i = 0; i < values.length; i++) body.varint(values[i]!);
    return this.bytes(field, body.finish());
  }

  /** The encoded bytes (a copy: the writer may keep being used). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private key(field: number, wireType: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) throw new RangeError(`protobuf field number out of range: ${field}`);
    this.varint(field * 8 + wireType);
  }

  private varint(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf varint must be a safe integer, got ${value}`);
      if (value >= 0 && value <= 0xffffffff) {
        this.ensure(5);
        let v = value;
        while (v > 0x7f) {
          this.buf[this.len++] = (v & 0x7f) | 0x80;
          v = Math.floor(v / 128);
        }
        this.buf[this.len++] = v;
        return;
      }
    }
    // Large or negative: go through 64-bit two's complement, as protobuf does for int64.
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v > 0x7fn) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private rawFloat(value: number): void {
    this.ensure(4);
    this.view.setFloat32(this.len, value, true);
    this.len += 4;
  }

  private rawDouble(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.len, value, true);
    this.len += 8;
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}
