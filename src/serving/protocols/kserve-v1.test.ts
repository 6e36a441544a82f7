import { describe, expect, it } from 'vitest';
import { decodeV1Request, encodeV1Response } from './kserve-v1.js';
import { FLIGHT_PREDICTIONS, FLIGHT_ROWS, flightsManifest, regressionManifest, thrown } from './test-manifests.js';

const manifest = flightsManifest();
const asArrays = FLIGHT_ROWS.map((r) => [r.hour, r.weekday, r.distance, r.origin]);

describe('decodeV1Request', () => {
  it('decodes instances given as objects, or as value lists in signature order', () => {
    expect(decodeV1Request({ instances: FLIGHT_ROWS }, manifest)).toEqual(FLIGHT_ROWS);
    expect(decodeV1Request({ instances: asArrays }, manifest)).toEqual(FLIGHT_ROWS);
  });

  it("accepts 'inputs' the same way, and TF Serving's columnar form", () => {
    expect(decodeV1Request({ inputs: asArrays }, manifest)).toEqual(FLIGHT_ROWS);
    const columnar = { hour: [6, 18, 23], weekday: [1, 5, 7], distance: [250, 2475.5, 96.25], origin: ['ATL', 'JFK', 'SEA, "gate" B'] };
    expect(decodeV1Request({ inputs: columnar, signature_name: 'serving_default' }, manifest)).toEqual(FLIGHT_ROWS);
  });

  it('accepts bare values for a one-input model', () => {
    const one = flightsManifest({ signature: { inputs: [{ name: 'hour', type: 'int64' }], feed: { layout: 'columns' }, outputs: [{ name: 'label', type: 'int64' }] } });
    expect(decodeV1Request({ instances: [6, '7'] }, one)).toEqual([{ hour: 6 }, { hour: 7 }]);
  });

  it('refuses an instance of the wrong length, naming its index and the input order', () => {
    const err = thrown(() => decodeV1Request({ instances: [asArrays[0], [18, 5, 2475.5]] }, manifest));
    expect(err.message).toBe('instances[1] has 3 values but the model takes 4 inputs, in this order: hour (int64), weekday (int64), distance (double), origin (string)');
    expect(err.details).toMatchObject({ index: 1, count: 3, expected: 4 });
  });

  it('refuses a missing or unknown column in an object instance, naming the instance', () => {
    const { origin: _o, ...noOrigin } = FLIGHT_ROWS[0];
    expect(thrown(() => decodeV1Request({ instances: [FLIGHT_ROWS[0], noOrigin] }, manifest)).message).toBe(
      "instances[1]: missing column 'origin' (string); the model takes hour (int64), weekday (int64), distance (double), origin (string)",
    );
    expect(thrown(() => decodeV1Request({ instances: [{ ...FLIGHT_ROWS[0], Gate: 'B' }] }, manifest)).message).toContain("instances[0]: unknown column 'Gate'");
  });

  it('refuses a value of the wrong type, naming instance and column', () => {
    const err = thrown(() => decodeV1Request({ instances: [{ ...FLIGHT_ROWS[0], hour: 6.5 }] }, manifest));
    expect(err.message).toContain("instances[0].hour: column 'hour' is int64, so send a whole number");
    expect(err.message).toContain('got 6.5');
    expect(thrown(() => decodeV1Request({ instances: [[6, 1, '250', 'ATL']] }, manifest)).message).toContain("instances[0][2] ('distance'): column 'distance' is double, so send a number");
  });

  it('refuses bodies without exactly one of instances / inputs', () => {
    expect(thrown(() => decodeV1Request({ rows: [] }, manifest)).message).toContain("exactly one of 'instances' or 'inputs' (neither was given)");
    expect(thrown(() => decodeV1Request({ instances: [], inputs: [] }, manifest)).message).toContain('(both were given)');
    expect(thrown(() => decodeV1Request({ instances: { hour: [1] } }, manifest)).message).toContain("'instances' must be a list with one entry per row");
  });
});

describe('encodeV1Response', () => {
  it('answers one object per row when the signature has several outputs', () => {
    expect(encodeV1Response(FLIGHT_PREDICTIONS, manifest)).toEqual({ predictions: FLIGHT_PREDICTIONS });
  });

  it('answers the bare value per row when the signature has one output', () => {
    expect(encodeV1Response([{ prediction: 31.5 }, { prediction: 9.25 }], regressionManifest())).toEqual({ predictions: [31.5, 9.25] });
  });

  it('round-trips the regression model: instances in, predictions out', () => {
    const reg = regressionManifest();
    expect(decodeV1Request({ instances: [[12.5, 1], { distance: 3, passengers: 2 }] }, reg)).toEqual([{ distance: 12.5, passengers: 1 }, { distance: 3, passengers: 2 }]);
  });
});
