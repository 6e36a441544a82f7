import { describe, expect, it } from 'vitest';
import { decodeInferRequest, encodeInferResponse, encodeInferResponseJson, modelMetadata } from './open-inference.js';
import { FLIGHT_PREDICTIONS, FLIGHT_ROWS, flightsManifest, regressionManifest, thrown } from './test-manifests.js';

const manifest = flightsManifest();

function request(overrides: Record<string, unknown> = {}) {
  const inputs = [
    { name: 'hour', shape: [3], datatype: 'INT64', data: [6, 18, 23] },
    { name: 'weekday', shape: [3, 1], datatype: 'INT64', data: [1, 5, 7] },
    { name: 'distance', shape: [3], datatype: 'FP64', data: [250, 2475.5, 96.25] },
    { name: 'origin', shape: [3], datatype: 'BYTES', data: ['ATL', 'JFK', 'SEA, "gate" B'] },
  ];
  return { id: 'req-1', inputs, ...overrides };
}

function withInput(name: string, tensor: Record<string, unknown> | undefined) {
  const base = request().inputs;
  const inputs = tensor === undefined ? base.filter((t) => t.name !== name) : base.map((t) => (t.name === name ? { ...t, ...tensor } : t));
  return request({ inputs });
}

describe('decodeInferRequest', () => {
  it('decodes one tensor per column into rows, with id, parameters and requested outputs', () => {
    const got = decodeInferRequest({ ...request(), parameters: { trace: true }, outputs: [{ name: 'probabilities' }] }, manifest);
    expect(got).toEqual({ id: 'req-1', rows: FLIGHT_ROWS, outputs: ['probabilities'], parameters: { trace: true } });
  });

  it('leaves id, outputs and parameters out when the request has none', () => {
    const { id: _id, ...noId } = request();
    expect(decodeInferRequest(noId, manifest)).toEqual({ rows: FLIGHT_ROWS });
  });

  it('accepts nested row-major data for an [N, 1] tensor, flattening it', () => {
    const got = decodeInferRequest(withInput('weekday', { shape: [3, 1], data: [[1], [5], [7]] }), manifest);
    expect(got.rows.map((r) => r.weekday)).toEqual([1, 5, 7]);
  });

  it('accepts compatible datatypes: FP32/INT32 for double, INT8/UINT16/BOOL for int64 (BOOL as 0/1)', () => {
    const got = decodeInferRequest(
      request({
        inputs: [
          { name: 'hour', shape: [3], datatype: 'UINT16', data: [6, 18, 23] },
          { name: 'weekday', shape: [3], datatype: 'BOOL', data: [true, false, true] },
          { name: 'distance', shape: [3], datatype: 'INT32', data: [250, 2475, 96] },
          { name: 'origin', shape: [3], datatype: 'BYTES', data: ['ATL', 'JFK', 'SEA'] },
        ],
      }),
      manifest,
    );
    expect(got.rows[0]).toEqual({ hour: 6, weekday: 1, distance: 250, origin: 'ATL' });
    expect(got.rows[1]!.weekday).toBe(0);
  });

  it('reads INT64 decimal strings exactly: a number when safe, a bigint beyond 2^53', () => {
    const got = decodeInferRequest(withInput('hour', { data: ['6', '9007199254740993', '-12'] }), manifest);
    expect(got.rows.map((r) => r.hour)).toEqual([6, 9007199254740993n, -12]);
  });

  it('refuses INT64 JSON numbers beyond 2^53, telling to send them as strings', () => {
    const err = thrown(() => decodeInferRequest(withInput('hour', { data: [6, 9007199254740993, 1] }), manifest));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain("input 'hour' data[1]");
    expect(err.message).toContain('as decimal strings');
    expect(err.details).toMatchObject({ input: 'hour', index: 1 });
  });

  it('refuses a missing input, naming it and listing every expected input with its datatype', () => {
    const err = thrown(() => decodeInferRequest(withInput('origin', undefined), manifest));
    expect(err.message).toBe("missing input 'origin' (BYTES); the model takes hour (INT64), weekday (INT64), distance (FP64), origin (BYTES)");
    expect(err.details).toMatchObject({ missing: ['origin'], unknown: [] });
  });

  it('refuses an unknown extra input by name', () => {
    const err = thrown(() => decodeInferRequest(request({ inputs: [...request().inputs, { name: 'gate', shape: [3], datatype: 'BYTES', data: ['a', 'b', 'c'] }] }), manifest));
    expect(err.message).toContain("unknown input 'gate'");
    expect(err.details).toMatchObject({ unknown: ['gate'], missing: [] });
  });

  it('refuses a datatype the column does not take, naming input and the datatypes it takes', () => {
    const err = thrown(() => decodeInferRequest(withInput('hour', { datatype: 'FP32', data: [6, 18, 23] }), manifest));
    expect(err.message).toContain("input 'hour' is FP32, but column 'hour' is int64: send it as INT64");
    const bytes = thrown(() => decodeInferRequest(withInput('origin', { datatype: 'INT64', data: [1, 2, 3] }), manifest));
    expect(bytes.message).toContain("input 'origin' is INT64, but column 'origin' is string: send it as BYTES");
    const unknown = thrown(() => decodeInferRequest(withInput('hour', { datatype: 'int64' }), manifest));
    expect(unknown.message).toContain("input 'hour': 'datatype' must be one of");
  });

  it('refuses elements that do not match the declared datatype or its range', () => {
    expect(thrown(() => decodeInferRequest(withInput('hour', { data: [6, 1.5, 23] }), manifest)).message).toContain("input 'hour' data[1]: INT64 data must be a whole number");
    expect(thrown(() => decodeInferRequest(withInput('hour', { datatype: 'INT8', data: [6, 300, 23] }), manifest)).message).toContain('300 is outside the INT8 range [-128, 127]');
    expect(thrown(() => decodeInferRequest(withInput('origin', { data: ['ATL', 7, 'SEA'] }), manifest)).message).toContain("input 'origin' data[1]: BYTES data must be a string, got 7");
  });

  it('refuses a shape other than [N] or [N, 1], naming input and shape', () => {
    const err = thrown(() => decodeInferRequest(withInput('hour', { shape: [1, 3] }), manifest));
    expect(err.message).toBe("input 'hour' has shape [1, 3], but each input is one column: give shape [N] or [N, 1] for N rows");
  });

  it('refuses a data count that is not the product of the shape', () => {
    const err = thrown(() => decodeInferRequest(withInput('distance', { shape: [4], data: [1, 2, 3] }), manifest));
    expect(err.message).toBe("input 'distance' has shape [4], which holds 4 elements, but its data has 3");
    expect(err.details).toMatchObject({ input: 'distance', count: 3, expected: 4 });
    // Nested data is counted after flattening.
    expect(thrown(() => decodeInferRequest(withInput('weekday', { shape: [3, 1], data: [[1], [5, 6], [7]] }), manifest)).message).toContain('holds 3 elements, but its data has 4');
  });

  it('refuses inputs disagreeing on N, naming both', () => {
    const err = thrown(() => decodeInferRequest(withInput('weekday', { shape: [2], data: [1, 5] }), manifest));
    expect(err.message).toBe("input 'weekday' has 2 rows (shape [2]) but input 'hour' has 3 (shape [3]); every input needs one element per row");
  });

  it('refuses null unless the package imputes the column', () => {
    const withNull = withInput('origin', { data: ['ATL', null, 'SEA'] });
    expect(thrown(() => decodeInferRequest(withNull, manifest)).message).toContain("input 'origin' data[1]: no value, and the model package imputes none for column 'origin'");
    const imputing = flightsManifest({ preprocess: { impute: { origin: { strategy: 'constant', value: 'ATL' } } } });
    expect(decodeInferRequest(withNull, imputing).rows[1]!.origin).toBeNull();
  });

  it('refuses malformed requests and unknown requested outputs', () => {
    expect(thrown(() => decodeInferRequest([1, 2], manifest)).message).toContain('must be a JSON object');
    expect(thrown(() => decodeInferRequest({ inputs: {} }, manifest)).message).toContain("needs 'inputs'");
    expect(thrown(() => decodeInferRequest(request({ id: 7 }), manifest)).message).toContain("request 'id' must be a string");
    expect(thrown(() => decodeInferRequest(request({ inputs: [...request().inputs, request().inputs[0]] }), manifest)).message).toContain("input 'hour' is given twice");
    const out = thrown(() => decodeInferRequest(request({ outputs: [{ name: 'score' }] }), manifest));
    expect(out.message).toBe("unknown output 'score' requested; the model has outputs label (INT64), probabilities (FP32)");
  });
});

describe('encodeInferResponse', () => {
  const base = { modelName: 'flights', modelVersion: '3', id: 'req-1', manifest };

  it('answers a scalar output as [N] and a K-valued one as [N, K] row-major, typed from the signature', () => {
    expect(encodeInferResponse({ ...base, predictions: FLIGHT_PREDICTIONS })).toEqual({
      model_name: 'flights',
      model_version: '3',
      id: 'req-1',
      outputs: [
        { name: 'label', shape: [3], datatype: 'INT64', data: [0, 1, 0] },
        { name: 'probabilities', shape: [3, 2], datatype: 'FP32', data: [0.75, 0.25, 0.125, 0.875, 0.5, 0.5] },
      ],
    });
  });

  it('answers only the requested outputs, in the order asked', () => {
    const got = encodeInferResponse({ ...base, predictions: FLIGHT_PREDICTIONS, outputs: ['probabilities'] });
    expect(got.outputs.map((o) => o.name)).toEqual(['probabilities']);
  });

  it('shapes an empty batch from the manifest: [0] for scalars, [0, K] for class probabilities', () => {
    const got = encodeInferResponse({ ...base, predictions: [] });
    expect(got.outputs.map((o) => o.shape)).toEqual([[0], [0, 2]]);
  });

  it('round-trips: decoded rows predicted, encoded, match a regression signature (FP32 [N])', () => {
    const reg = regressionManifest();
    const decoded = decodeInferRequest({ inputs: [
      { name: 'distance', shape: [2, 1], datatype: 'FP64', data: [[12.5], [3]] },
      { name: 'passengers', shape: [2], datatype: 'FP32', data: [1, 2] },
    ] }, reg);
    expect(decoded.rows).toEqual([{ distance: 12.5, passengers: 1 }, { distance: 3, passengers: 2 }]);
    const got = encodeInferResponse({ modelName: 'fare', modelVersion: '1', id: 'x', manifest: reg, predictions: [{ prediction: 31.5 }, { prediction: 9.25 }] });
    expect(got.outputs).toEqual([{ name: 'prediction', shape: [2], datatype: 'FP32', data: [31.5, 9.25] }]);
  });
});

describe('decodeInferRequest, one row', () => {
  const one = (changes: Record<string, Record<string, unknown> | undefined> = {}, extra: Record<string, unknown> = {}) => ({
    id: 'r-1',
    inputs: [
      { name: 'weekday', shape: [1], datatype: 'INT64', data: [5] },
      { name: 'hour', shape: [1], datatype: 'INT64', data: [17] },
      { name: 'origin', shape: [1], datatype: 'BYTES', data: ['ORD'] },
      { name: 'distance', shape: [1], datatype: 'FP64', data: [740.5] },
    ].flatMap((t) => (t.name in changes ? (changes[t.name] === undefined ? [] : [{ ...t, ...changes[t.name] }]) : [t])),
    ...extra,
  });
  /** The general path's answer (a `parameters` member takes it) without that member, or its error. */
  const general = (body: Record<string, unknown>): unknown => {
    try {
      const { parameters: _p, ...rest } = decodeInferRequest({ ...body, parameters: {} }, manifest);
      return rest;
    } catch (err) {
      return thrown(() => { throw err; }).message;
    }
  };
  const decoded = (body: Record<string, unknown>): unknown => {
    try {
      return decodeInferRequest(body, manifest);
    } catch (err) {
      return thrown(() => { throw err; }).message;
    }
  };

  it('answers exactly what the general path answers, rows in signature order, and fails with its messages', () => {
    const bodies: Record<string, unknown>[] = [
      one(), one({}, { id: undefined }), one({ distance: { datatype: 'FP32', data: [1e300] } }), one({ hour: { datatype: 'INT32' } }),
      one({ hour: { shape: [1, 1] } }), one({ hour: { data: [[17]] } }), one({ hour: { data: ['17'] } }), one({ hour: { data: [17.5] } }), one({ hour: { data: [2 ** 60] } }),
      one({ hour: { datatype: 'BOOL', data: [true] } }), one({ hour: { datatype: 'FP64' } }), one({ hour: { shape: [2] } }), one({ hour: { shape: [1], data: [1, 2] } }),
      one({ hour: undefined }), one({ hour: { name: 'minute' } }), one({ hour: { name: 'weekday' } }), one({ origin: { data: [7] } }), one({ origin: { datatype: 'INT64' } }),
      one({ distance: { data: [null] } }), one({ distance: { data: [Number.NaN] } }), one({ distance: { shape: [0], data: [] } }), one({}, { id: 7 }), one({}, { outputs: [{ name: 'label' }] }),
      one({ hour: { shape: 1 } }), one({ hour: { datatype: 'int64' } }), one({ hour: { name: '' } }), one({}, { inputs: 'x' }),
    ];
    for (const body of bodies) {
      const got = decoded(body);
      expect(got).toEqual(general(body));
      if (typeof got !== 'string') expect(JSON.stringify(got)).toBe(JSON.stringify(general(body)));
    }
    expect(decodeInferRequest(one(), manifest)).toEqual({ id: 'r-1', rows: [{ hour: 17, weekday: 5, distance: 740.5, origin: 'ORD' }] });
    expect(Object.keys(decodeInferRequest(one(), manifest).rows[0]!)).toEqual(['hour', 'weekday', 'distance', 'origin']);
    expect(decoded(one({ hour: { name: 'weekday' } }))).toMatch(/input 'weekday' is given twice/);
  });
});

describe('encodeInferResponseJson', () => {
  const base = { modelName: 'flights', modelVersion: '3', id: 'req-1', manifest };
  const same = (args: Parameters<typeof encodeInferResponse>[0]): void => {
    expect(encodeInferResponseJson(args)).toBe(JSON.stringify(encodeInferResponse(args)));
  };

  it('writes exactly what JSON.stringify writes of encodeInferResponse: rows, requested outputs, empty batches', () => {
    same({ ...base, predictions: FLIGHT_PREDICTIONS });
    same({ ...base, predictions: FLIGHT_PREDICTIONS.slice(0, 1) });
    same({ ...base, predictions: FLIGHT_PREDICTIONS, outputs: ['probabilities', 'label'] });
    same({ ...base, predictions: [] });
  });

  it('escapes names and ids, writes non-finite numbers as null, and keeps string and odd values as JSON does', () => {
    const reg = regressionManifest();
    same({ modelName: 'fa"re\\', modelVersion: 'v\n1', id: 'id "\u2028" ✓', manifest: reg, predictions: [{ prediction: 0.1 + 0.2 }, { prediction: -0 }, { prediction: Number.NaN }, { prediction: 1e21 }, { prediction: -Infinity }, { prediction: 5e-324 }] });
    same({ ...base, predictions: [{ label: 'late "yes"', probabilities: [0.25, 0.75] }, { label: true as never, probabilities: [null as never, 1] }] });
    expect(encodeInferResponseJson({ modelName: 'm', modelVersion: '1', id: 'x', manifest: reg, predictions: [{ prediction: Number.NaN }] })).toBe('{"model_name":"m","model_version":"1","id":"x","outputs":[{"name":"prediction","shape":[1],"datatype":"FP32","data":[null]}]}');
  });

  it('answers one row (its fixed text made once per manifest) exactly as the general path does, and fails as it does', () => {
    const reg = regressionManifest();
    const cases: Parameters<typeof encodeInferResponse>[0][] = [
      { ...base, predictions: [{ label: 1, probabilities: [0.569017767906189, 0.43098223209381104] }] },
      { ...base, modelVersion: '4', predictions: [{ label: 0, probabilities: [0.25, 0.75] }] },
      { ...base, modelName: 'fa"re', id: 'id "\u2028" ✓', predictions: [{ label: 'late "yes"', probabilities: [null as never, Number.NaN, -0] }] },
      { ...base, predictions: [{ label: 1, probabilities: [] }] },
      { ...base, predictions: [{ probabilities: [0.5, 0.5], label: Number.POSITIVE_INFINITY, extra: 3 }] },
      { modelName: 'fare', modelVersion: '1', id: 'x', manifest: reg, predictions: [{ prediction: 1e21 }] },
      { modelName: 'fare', modelVersion: '1', id: 'x', manifest: reg, predictions: [{ prediction: [1, 2] }] },
    ];
    for (const args of cases) same(args);
    // A missing or undefined output: the general path's error, or its answer.
    expect(() => encodeInferResponseJson({ ...base, predictions: [{ label: 1 }] })).toThrow(/prediction row 1 lacks output 'probabilities'/);
    expect(() => encodeInferResponseJson({ ...base, predictions: [{ label: 1, probabilities: undefined as never }] })).toThrow(/output 'probabilities' has 2 values in row 1 but not in row 1/);
    same({ modelName: 'fare', modelVersion: '1', id: 'x', manifest: reg, predictions: [{ prediction: undefined as never }] });
  });

  it('fails as encodeInferResponse does on an unknown output', () => {
    expect(() => encodeInferResponseJson({ ...base, predictions: FLIGHT_PREDICTIONS, outputs: ['score'] })).toThrow(/unknown output 'score'/);
  });
});

describe('modelMetadata', () => {
  it('describes inputs as [-1, 1] and outputs as [-1] or [-1, K] with native datatypes', () => {
    expect(modelMetadata('flights', ['3'], manifest)).toEqual({
      name: 'flights',
      versions: ['3'],
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'hour', datatype: 'INT64', shape: [-1, 1] },
        { name: 'weekday', datatype: 'INT64', shape: [-1, 1] },
        { name: 'distance', datatype: 'FP64', shape: [-1, 1] },
        { name: 'origin', datatype: 'BYTES', shape: [-1, 1] },
      ],
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      ],
    });
    expect(modelMetadata('fare', [], regressionManifest()).outputs).toEqual([{ name: 'prediction', datatype: 'FP32', shape: [-1] }]);
  });
});
