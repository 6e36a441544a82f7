import { describe, expect, it } from 'vitest';
import { acceptedDatatypes, isOipDatatype, oipDatatype, readInteger, readTensorElement } from './datatypes.js';
import { thrown } from './test-manifests.js';

const where = { input: 'x', index: 0 };

describe('datatype mapping', () => {
  it('declares each column type as its native datatype, and accepts the compatible ones', () => {
    expect((['float', 'double', 'int64', 'string'] as const).map(oipDatatype)).toEqual(['FP32', 'FP64', 'INT64', 'BYTES']);
    expect(acceptedDatatypes('float')).toEqual(['FP32', 'FP16', 'FP64', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64']);
    expect(acceptedDatatypes('int64')).not.toContain('FP32');
    expect(acceptedDatatypes('int64')).toContain('BOOL');
    expect(acceptedDatatypes('string')).toEqual(['BYTES']);
    expect(isOipDatatype('FP32')).toBe(true);
    expect(isOipDatatype('fp32')).toBe(false);
  });
});

describe('readTensorElement', () => {
  it('reads 64-bit integers from numbers or decimal strings, narrower ones only from numbers', () => {
    expect(readTensorElement('UINT64', '18446744073709551615', 'x', where)).toBe(18446744073709551615n);
    expect(readTensorElement('INT64', '42', 'x', where)).toBe(42);
    expect(thrown(() => readTensorElement('INT32', '42', 'x', where)).message).toBe('x: INT32 data must be a whole number, got "42"');
  });

  it('checks the range of every integer datatype', () => {
    expect(thrown(() => readTensorElement('UINT8', -1, 'x', where)).message).toContain('-1 is outside the UINT8 range [0, 255]');
    expect(thrown(() => readTensorElement('UINT64', '18446744073709551616', 'x', where)).message).toContain('outside the UINT64 range');
    expect(thrown(() => readTensorElement('INT64', '-9223372036854775809', 'x', where)).message).toContain('outside the INT64 range');
    expect(readTensorElement('INT16', -32768, 'x', where)).toBe(-32768);
  });

  it('reads BOOL as 0/1, floats only from numbers, BYTES only from strings, null as missing', () => {
    expect(readTensorElement('BOOL', false, 'x', where)).toBe(0);
    expect(thrown(() => readTensorElement('BOOL', 1, 'x', where)).message).toContain('BOOL data must be true or false');
    expect(thrown(() => readTensorElement('FP32', '1.5', 'x', where)).message).toContain('FP32 data must be a number');
    expect(readTensorElement('BYTES', null, 'x', where)).toBeNull();
  });
});

describe('readInteger', () => {
  it('refuses JSON numbers that have lost digits, and returns undefined for non-integers', () => {
    expect(thrown(() => readInteger(2 ** 53, 'x', where)).message).toContain('send 64-bit integers this large as decimal strings');
    expect(readInteger(2 ** 53 - 1, 'x', where)).toBe(2 ** 53 - 1);
    expect(readInteger(1.5, 'x', where)).toBeUndefined();
    expect(readInteger('1e3', 'x', where)).toBeUndefined();
  });
});
