import { describe, expect, it } from 'vitest';
import { PaddockError } from '../../core/errors.js';
import type { FittedModel, LinearModel, Tree, TreeEnsemble } from '../trainers/fitted-model.js';
import { exportOnnx } from './export-model.js';

/** Decodes one message level into field number → raw values (varints as numbers, the rest as bytes). */
function decode(bytes: Uint8Array): Map<number, (number | Uint8Array)[]> {
  const fields = new Map<number, (number | Uint8Array)[]>();
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[pos++]!;
      result += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) return result;
    }
  };
  while (pos < bytes.length) {
    const key = varint();
    const [field, wire] = [Math.floor(key / 8), key % 8];
    let value: number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = varint();
      value = bytes.subarray(pos, pos + len);
      pos += len;
    } else throw new Error(`unexpected wire type ${wire} at top level`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}
const text = (v: number | Uint8Array | undefined): string => new TextDecoder().decode(v as Uint8Array);

const linear: LinearModel = { kind: 'linear', task: 'classification', features: 2, coefficients: Float64Array.of(0.1, 0.2), intercepts: Float64Array.of(0.3), classes: [0, 1] };
const validStump: Tree = { feature: Int32Array.of(0, -1, -1), threshold: Float64Array.of(0.5, 0, 0), left: Int32Array.of(1, 0, 0), right: Int32Array.of(2, 0, 0), value: Float64Array.of(0, -1, 1) };
const trees: TreeEnsemble = { kind: 'trees', task: 'regression', features: 2, baseScore: Float64Array.of(0), trees: [validStump], treeTargets: Int32Array.of(0) };

describe('exportOnnx: the model file', () => {
  it('writes ir_version 8, producer paddock, opsets "" 17 and ai.onnx.ml 3, doc string and sorted metadata', () => {
    const bytes = exportOnnx(linear, { producerVersion: '1.2.3', docString: 'a model', metadata: { zeta: 'last', alpha: 'first' } });
    const model = decode(bytes);
    expect(model.get(1)).toEqual([8]);
    expect(text(model.get(2)?.[0])).toBe('paddock');
    expect(text(model.get(3)?.[0])).toBe('1.2.3');
    expect(text(model.get(6)?.[0])).toBe('a model');
    const opsets = model.get(8)!.map((m) => decode(m as Uint8Array)).map((o) => [text(o.get(1)?.[0]), o.get(2)?.[0]]);
    expect(opsets).toEqual([['', 17], ['ai.onnx.ml', 3]]);
    const meta = model.get(14)!.map((m) => decode(m as Uint8Array)).map((e) => [text(e.get(1)?.[0]), text(e.get(2)?.[0])]);
    expect(meta).toEqual([['alpha', 'first'], ['zeta', 'last']]);
    const graph = decode(model.get(7)![0] as Uint8Array);
    expect(text(graph.get(2)?.[0])).toBe('paddock_linear_classification');
  });

  it('leaves out doc_string and metadata_props when not given', () => {
    const model = decode(exportOnnx(trees, { producerVersion: '0' }));
    expect(model.has(6)).toBe(false);
    expect(model.has(14)).toBe(false);
  });

  it.each([linear, trees])('gives identical bytes when exported twice ($kind), whatever the metadata order', (model) => {
    const a = exportOnnx(model, { producerVersion: '1', metadata: { a: '1', b: '2' } });
    const b = exportOnnx(model, { producerVersion: '1', metadata: { b: '2', a: '1' } });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(exportOnnx(model, { producerVersion: '2', metadata: { a: '1', b: '2' } })).equals(Buffer.from(a))).toBe(false);
  });
});

/** Exports `model`, expecting INVALID_ARGUMENT whose details and message name `field`. */
function rejects(model: unknown, field: string): PaddockError {
  let error: unknown;
  try {
    exportOnnx(model as FittedModel, { producerVersion: '0' });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(PaddockError);
  const e = error as PaddockError;
  expect(e.code).toBe('INVALID_ARGUMENT');
  expect(e.details.field).toBe(field);
  expect(e.message).toContain(field);
  return e;
}

describe('exportOnnx: malformed models fail with INVALID_ARGUMENT naming the field', () => {
  it('coefficients not targets × features', () => {
    const e = rejects({ ...linear, coefficients: Float64Array.of(1, 2, 3) }, 'coefficients');
    expect(e.message).toContain('1 × 2 = 2');
    rejects({ ...linear, classes: ['a', 'b', 'c'] }, 'intercepts');
  });

  it('non-integer or mixed numeric labels', () => {
    const e = rejects({ ...linear, classes: [0, 1.5] }, 'classes');
    expect(e.message).toContain('1.5');
    rejects({ ...linear, classes: [0, '1'] }, 'classes');
    rejects({ ...linear, classes: [1, 1] }, 'classes');
    rejects({ ...linear, classes: [1] }, 'classes');
    rejects({ ...linear, classes: undefined }, 'classes');
  });

  it('non-finite numbers and regression models with classes', () => {
    rejects({ ...linear, intercepts: Float64Array.of(Number.NaN) }, 'intercepts');
    rejects({ ...linear, coefficients: Float64Array.of(1, 1e39) }, 'coefficients');
    rejects({ ...trees, classes: [0, 1] }, 'classes');
    rejects({ ...trees, baseScore: Float64Array.of(0, 1) }, 'baseScore');
  });

  it('broken trees', () => {
    rejects({ ...trees, trees: [{ ...validStump, threshold: Float64Array.of(0.5) }] }, 'trees[0].threshold');
    rejects({ ...trees, trees: [{ ...validStump, threshold: Float64Array.of(0.1, 0, 0) }] }, 'trees[0].threshold');
    rejects({ ...trees, trees: [{ ...validStump, feature: Int32Array.of(2, -1, -1) }] }, 'trees[0].feature');
    rejects({ ...trees, trees: [{ ...validStump, right: Int32Array.of(0, 0, 0) }] }, 'trees[0].left/right');
    rejects({ ...trees, trees: [{ ...validStump, right: Int32Array.of(7, 0, 0) }] }, 'trees[0].right');
    rejects({ ...trees, trees: [{ ...validStump, right: Int32Array.of(1, 0, 0) }] }, 'trees[0].left/right');
    rejects({ ...trees, trees: [{ ...validStump, value: Float64Array.of(0, Infinity, 0) }] }, 'trees[0].value');
    rejects({ ...trees, treeTargets: Int32Array.of(1) }, 'treeTargets');
    rejects({ ...trees, treeTargets: Int32Array.of(0, 0) }, 'treeTargets');
  });

  it('unknown kind or task', () => {
    rejects({ ...linear, kind: 'forest' }, 'kind');
    rejects({ ...linear, task: 'ranking' }, 'task');
    rejects({ ...linear, features: 0 }, 'features');
  });
});
