import { describe, expect, it } from 'vitest';
import { decodeV1Request } from './kserve-v1.js';
import { decodeInvocations } from './mlflow-invocations.js';
import { decodeInferRequest } from './open-inference.js';
import { coerceValue, predictionEntries, rowsFromColumns, rowsFromInstances } from './rows.js';
import { FLIGHT_ROWS, flightsManifest, thrown } from './test-manifests.js';

const manifest = flightsManifest();
const [hour, , distance, origin] = manifest.signature.inputs;
const at = { at: 'here', details: { column: 'x' } };
const locate = (column: string, i: number) => ({ at: `${column}[${i}]`, details: { column, index: i } });

describe('coerceValue', () => {
  it('reads int64 from whole numbers, decimal strings (bigint beyond 2^53) and booleans', () => {
    expect(coerceValue(manifest, hour!, 7, at)).toBe(7);
    expect(coerceValue(manifest, hour!, '-7', at)).toBe(-7);
    expect(coerceValue(manifest, hour!, '9223372036854775807', at)).toBe(9223372036854775807n);
    expect(coerceValue(manifest, hour!, true, at)).toBe(1);
    expect(thrown(() => coerceValue(manifest, hour!, 1.5, at)).message).toContain("here: column 'hour' is int64, so send a whole number");
    expect(thrown(() => coerceValue(manifest, hour!, '1.5', at)).message).toContain('got "1.5"');
    expect(thrown(() => coerceValue(manifest, hour!, '9223372036854775808', at)).message).toContain("does not fit column 'hour' (int64");
    expect(thrown(() => coerceValue(manifest, hour!, 2 ** 60, at)).message).toContain('as decimal strings');
  });

  it('reads float/double only from numbers and strings only from strings', () => {
    expect(coerceValue(manifest, distance!, 2.5, at)).toBe(2.5);
    expect(thrown(() => coerceValue(manifest, distance!, '2.5', at)).message).toContain("column 'distance' is double, so send a number; got \"2.5\"");
    expect(thrown(() => coerceValue(manifest, origin!, 30301, at)).message).toContain("column 'origin' is string, so send a string; got 30301");
  });
});

describe('rowsFromColumns / rowsFromInstances', () => {
  const columns = { hour: [6, 18], weekday: [1, 5], distance: [250, 2475.5], origin: ['ATL', 'JFK'] };

  it('builds rows from columns and from instances alike', () => {
    const expected = FLIGHT_ROWS.slice(0, 2);
    expect(rowsFromColumns(manifest, columns, { noun: 'column', locate })).toEqual(expected);
    expect(rowsFromInstances(manifest, expected, 'rows')).toEqual(expected);
  });

  it('refuses columns of different lengths and columns that are not lists, naming them', () => {
    expect(thrown(() => rowsFromColumns(manifest, { ...columns, origin: ['ATL'] }, { noun: 'column', locate })).message).toBe(
      "column 'origin' has 1 values but column 'hour' has 2; every column needs one value per row",
    );
    expect(thrown(() => rowsFromColumns(manifest, { ...columns, weekday: 1 }, { noun: 'column', locate })).message).toContain("column 'weekday' must be a list of values");
  });

  it('reports a typo as both the missing and the unknown column, in one message', () => {
    const { origin: _o, ...rest } = columns;
    const err = thrown(() => rowsFromColumns(manifest, { ...rest, Origin: ['ATL', 'JFK'] }, { noun: 'column', locate }));
    expect(err.message).toBe("missing column 'origin' (string); unknown column 'Origin'; the model takes hour (int64), weekday (int64), distance (double), origin (string)");
  });

  it('refuses an instance that is neither an object nor a list, naming its index', () => {
    expect(thrown(() => rowsFromInstances(manifest, [FLIGHT_ROWS[0], 'ATL'], 'instances')).message).toContain('instances[1] must be an object of column → value, or a list of 4 values');
  });
});

describe('the same bad value gets the same 400 from every protocol', () => {
  const reason = "column 'hour' is int64, so send a whole number (as a decimal string beyond ±9007199254740991); got 6.5";
  const bad = { ...FLIGHT_ROWS[0], hour: 6.5 };

  it('V1, MLflow records and MLflow columnar inputs word the reason alike', () => {
    const messages = [
      thrown(() => decodeV1Request({ instances: [bad] }, manifest)).message,
      thrown(() => decodeInvocations({ dataframe_records: [bad] }, 'application/json', manifest)).message,
      thrown(() => decodeInvocations({ inputs: { hour: [6.5], weekday: [1], distance: [250], origin: ['ATL'] } }, 'application/json', manifest)).message,
    ];
    expect(messages).toEqual([`instances[0].hour: ${reason}`, `dataframe_records[0].hour: ${reason}`, `inputs.hour[0]: ${reason}`]);
  });

  it('Open Inference names the datatype first (FP64 is no int64 input), and the missing column alike', () => {
    const tensors = [
      { name: 'hour', shape: [1], datatype: 'INT64', data: [6] },
      { name: 'weekday', shape: [1], datatype: 'INT64', data: [1] },
      { name: 'distance', shape: [1], datatype: 'FP64', data: [250] },
    ];
    expect(thrown(() => decodeInferRequest({ inputs: tensors }, manifest)).message).toContain("missing input 'origin' (BYTES)");
    expect(thrown(() => decodeV1Request({ instances: [{ hour: 6, weekday: 1, distance: 250 }] }, manifest)).message).toContain("missing column 'origin' (string)");
  });
});

describe('predictionEntries', () => {
  it('fails loudly (INTERNAL) when a prediction row lacks a signature output', () => {
    const err = thrown(() => predictionEntries([{ label: 1 }], manifest));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toContain("lacks output 'probabilities'");
  });
});
