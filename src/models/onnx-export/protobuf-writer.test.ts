import { describe, expect, it } from 'vitest';
import { ProtoWriter } from './protobuf-writer.js';

/** Bytes as lower-case hex pairs, for readable comparisons with the encoding guide. */
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 ');

// Expected bytes are the worked examples of https://protobuf.dev/programming-guides/encoding/
// where one exists, else IEEE-754 / two's-complement values computed by hand.
describe('ProtoWriter', () => {
  it('encodes varints as the encoding guide shows (field 1 = 150 → 08 96 01)', () => {
    expect(hex(new ProtoWriter().int64(1, 150).finish())).toBe('08 96 01');
    expect(hex(new ProtoWriter().int64(1, 0).finish())).toBe('08 00');
    expect(hex(new ProtoWriter().int64(1, 300).finish())).toBe('08 ac 02');
  });

  it('encodes values beyond 32 bits, as numbers and bigints alike', () => {
    // 2^35 = 7 groups of 7 bits: 80 80 80 80 80 01
    expect(hex(new ProtoWriter().int64(1, 2 ** 35).finish())).toBe('08 80 80 80 80 80 01');
    expect(new ProtoWriter().int64(1, 2n ** 35n).finish()).toEqual(new ProtoWriter().int64(1, 2 ** 35).finish());
    expect(hex(new ProtoWriter().int64(1, 0xffffffff).finish())).toBe('08 ff ff ff ff 0f');
  });

  it('encodes negative int64 as 10-byte two\'s complement (-1 → ff×9 01)', () => {
    expect(hex(new ProtoWriter().int64(1, -1).finish())).toBe('08 ff ff ff ff ff ff ff ff ff 01');
    expect(hex(new ProtoWriter().int64(1, -2n).finish())).toBe('08 fe ff ff ff ff ff ff ff ff 01');
  });

  it('encodes strings length-delimited (field 2 = "testing" → 12 07 74 65 73 74 69 6e 67)', () => {
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('12 07 74 65 73 74 69 6e 67');
    expect(hex(new ProtoWriter().string(1, 'é').finish())).toBe('0a 02 c3 a9');
  });

  it('encodes sub-messages with their length (field 3 = {1: 150} → 1a 03 08 96 01)', () => {
    expect(hex(new ProtoWriter().message(3, (m) => m.int64(1, 150)).finish())).toBe('1a 03 08 96 01');
    expect(hex(new ProtoWriter().message(3, () => undefined).finish())).toBe('1a 00');
  });

  it('encodes packed repeated int64 (field 4 = [3, 270, 86942] → 22 06 03 8e 02 9e a7 05)', () => {
    expect(hex(new ProtoWriter().packedInt64s(4, [3, 270, 86942]).finish())).toBe('22 06 03 8e 02 9e a7 05');
    expect(new ProtoWriter().packedInt64s(4, []).finish()).toEqual(new Uint8Array(0));
  });

  it('encodes float as fixed32 and double as fixed64, little-endian', () => {
    expect(hex(new ProtoWriter().float(1, 1).finish())).toBe('0d 00 00 80 3f');
    expect(hex(new ProtoWriter().float(2, -2.5).finish())).toBe('15 00 00 20 c0');
    expect(hex(new ProtoWriter().double(1, 1).finish())).toBe('09 00 00 00 00 00 00 f0 3f');
    // 0.1 rounds to the nearest float32, 0x3dcccccd.
    expect(hex(new ProtoWriter().float(1, 0.1).finish())).toBe('0d cd cc cc 3d');
  });

  it('encodes packed floats and doubles with byte lengths 4n and 8n', () => {
    expect(hex(new ProtoWriter().packedFloats(7, [1, -2.5]).finish())).toBe('3a 08 00 00 80 3f 00 00 20 c0');
    expect(hex(new ProtoWriter().packedDoubles(1, [1]).finish())).toBe('0a 08 00 00 00 00 00 00 f0 3f');
    expect(new ProtoWriter().packedFloats(7, []).length).toBe(0);
  });

  it('writes large field numbers as multi-byte keys and rejects invalid ones', () => {
    // field 20, wire type 0 → key 160 → a0 01
    expect(hex(new ProtoWriter().int64(20, 2).finish())).toBe('a0 01 02');
    expect(() => new ProtoWriter().int64(0, 1)).toThrow(RangeError);
    expect(() => new ProtoWriter().int64(1, 1.5)).toThrow(RangeError);
  });

  it('grows past its initial buffer and gives the same bytes every time', () => {
    const big = Array.from({ length: 5000 }, (_, i) => i * 7919);
    const a = new ProtoWriter().packedInt64s(8, big).string(1, 'x'.repeat(1000)).finish();
    const b = new ProtoWriter().packedInt64s(8, big).string(1, 'x'.repeat(1000)).finish();
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(5000);
    // The string sits at the end: key 0a, length 1000 = e8 07, then the bytes.
    expect(hex(a.subarray(a.length - 1003, a.length - 1000))).toBe('0a e8 07');
  });
});
