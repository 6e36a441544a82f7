import { describe, expect, it } from 'vitest';
import { checkManifest } from '../../models/index.js';
import { decodeInferRequest } from './open-inference.js';
import { flightsManifest, regressionManifest, thrown } from './test-manifests.js';

const manifest = regressionManifest(); // distance (double), passengers (float) → 'features', no preprocessing

const columnsRequest = {
  id: 'r1',
  inputs: [
    { name: 'distance', shape: [3], datatype: 'FP64', data: [250, 2475.5, 96.25] },
    { name: 'passengers', shape: [3], datatype: 'FP32', data: [1, 4, 2] },
  ],
};

const tensor = (fields: Record<string, unknown> = {}) => ({ name: 'features', shape: [3, 2], datatype: 'FP32', data: [250, 1, 2475.5, 4, 96.25, 2], ...fields });

describe('the feature tensor ([N, k] named like signature.feed.tensor)', () => {
  it('decodes to the same rows as the columns sent one by one, with id, outputs and parameters', () => {
    const got = decodeInferRequest({ id: 'r1', inputs: [tensor()], outputs: [{ name: 'prediction' }], parameters: { p: 1 } }, manifest);
    expect(got).toEqual({ ...decodeInferRequest(columnsRequest, manifest), outputs: ['prediction'], parameters: { p: 1 } });
  });

  it('takes nested row-major data, FP64 and integer datatypes, and one row', () => {
    expect(decodeInferRequest({ inputs: [tensor({ datatype: 'FP64', data: [[250, 1], [2475.5, 4], [96.25, 2]] })] }, manifest).rows)
      .toEqual(decodeInferRequest(columnsRequest, manifest).rows);
    expect(decodeInferRequest({ inputs: [tensor({ shape: [1, 2], datatype: 'INT32', data: [7, 3] })] }, manifest).rows).toEqual([{ distance: 7, passengers: 3 }]);
  });

  it('refuses a shape other than [N, k], saying the columns it holds', () => {
    const err = thrown(() => decodeInferRequest({ inputs: [tensor({ shape: [3, 3], data: new Array(9).fill(1) })] }, manifest));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain("input 'features' has shape [3, 3]; the feature matrix is [N, 2]");
    expect(err.message).toContain('distance (double), passengers (float)');
    expect(thrown(() => decodeInferRequest({ inputs: [tensor({ shape: [6] })] }, manifest)).message).toContain('has shape [6]');
  });

  it('refuses a data count that is not N × k, and a BYTES tensor', () => {
    expect(thrown(() => decodeInferRequest({ inputs: [tensor({ data: [1, 2, 3] })] }, manifest)).message)
      .toContain('holds 6 elements, but its data has 3');
    expect(thrown(() => decodeInferRequest({ inputs: [tensor({ datatype: 'BYTES' })] }, manifest)).message)
      .toContain("input 'features' is BYTES; the feature matrix takes");
  });

  it('names the element of a bad value by its row and column', () => {
    const err = thrown(() => decodeInferRequest({ inputs: [tensor({ data: [250, 1, 2475.5, 'four', 96.25, 2] })] }, manifest));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain("input 'features' data[3]");
  });

  it('is refused by a package that preprocesses its columns, naming the columns to send instead', () => {
    const scaled = checkManifest({ ...manifest, preprocess: { scale: { distance: { mean: 1000, std: 500 } } } }, 'test');
    const err = thrown(() => decodeInferRequest({ inputs: [tensor()] }, scaled));
    expect(err.message).toContain("input 'features' is the model's feature matrix, which this package does not take from callers");
    expect(err.message).toContain('preprocessing');
    expect(err.message).toContain('send each column as its own input: distance (double), passengers (float)');
  });

  it('is not looked for in a columns-layout package: a lone unknown input is reported as the columns path reports it', () => {
    const err = thrown(() => decodeInferRequest({ inputs: [tensor({ name: 'features' })] }, flightsManifest()));
    expect(err.message).toContain("unknown input 'features'");
    expect(err.message).toContain("missing input 'hour'");
  });

  it('leaves a column named like the feed tensor to the columns path', () => {
    const oneColumn = checkManifest({ ...manifest, signature: { ...manifest.signature, inputs: [{ name: 'features', type: 'double' }] } }, 'test');
    expect(decodeInferRequest({ inputs: [{ name: 'features', shape: [2], datatype: 'FP64', data: [1.5, 2.5] }] }, oneColumn).rows)
      .toEqual([{ features: 1.5 }, { features: 2.5 }]);
  });
});
