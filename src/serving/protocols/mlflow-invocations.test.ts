import { describe, expect, it } from 'vitest';
import { decodeInvocations, encodeInvocations, parseCsv } from './mlflow-invocations.js';
import { FLIGHT_PREDICTIONS, FLIGHT_ROWS, flightsManifest, regressionManifest, thrown } from './test-manifests.js';

const manifest = flightsManifest();
const JSON_TYPE = 'application/json';
const COLUMNS = ['hour', 'weekday', 'distance', 'origin'];
const asArrays = FLIGHT_ROWS.map((r) => [r.hour, r.weekday, r.distance, r.origin]);
const CSV = 'hour,weekday,distance,origin\r\n6,1,250,ATL\r\n18,5,2475.5,JFK\r\n23,7,96.25,"SEA, ""gate"" B"\r\n';

describe('decodeInvocations: JSON', () => {
  it('decodes dataframe_split (index optional, column order free)', () => {
    expect(decodeInvocations({ dataframe_split: { columns: COLUMNS, data: asArrays } }, JSON_TYPE, manifest)).toEqual(FLIGHT_ROWS);
    const reordered = { columns: ['origin', 'distance', 'weekday', 'hour'], index: [10, 11, 12], data: asArrays.map((r) => [...r].reverse()) };
    expect(decodeInvocations({ dataframe_split: reordered }, 'application/json; charset=utf-8', manifest)).toEqual(FLIGHT_ROWS);
  });

  it('decodes dataframe_records and instances (objects or value lists)', () => {
    expect(decodeInvocations({ dataframe_records: FLIGHT_ROWS }, JSON_TYPE, manifest)).toEqual(FLIGHT_ROWS);
    expect(decodeInvocations({ instances: FLIGHT_ROWS }, JSON_TYPE, manifest)).toEqual(FLIGHT_ROWS);
    expect(decodeInvocations({ instances: asArrays }, JSON_TYPE, manifest)).toEqual(FLIGHT_ROWS);
  });

  it('decodes inputs as columns, as records, and one row of bare values; params are allowed beside', () => {
    const columnar = { hour: [6, 18, 23], weekday: [1, 5, 7], distance: [250, 2475.5, 96.25], origin: ['ATL', 'JFK', 'SEA, "gate" B'] };
    expect(decodeInvocations({ inputs: columnar, params: { k: 1 } }, JSON_TYPE, manifest)).toEqual(FLIGHT_ROWS);
    expect(decodeInvocations({ inputs: FLIGHT_ROWS }, JSON_TYPE, manifest)).toEqual(FLIGHT_ROWS);
    expect(decodeInvocations({ inputs: FLIGHT_ROWS[0] }, JSON_TYPE, manifest)).toEqual([FLIGHT_ROWS[0]]);
  });

  it('parses a raw JSON body (string or bytes) and reports invalid JSON', () => {
    const body = JSON.stringify({ dataframe_records: FLIGHT_ROWS });
    expect(decodeInvocations(body, JSON_TYPE, manifest)).toEqual(FLIGHT_ROWS);
    expect(decodeInvocations(new TextEncoder().encode(body), JSON_TYPE, manifest)).toEqual(FLIGHT_ROWS);
    expect(thrown(() => decodeInvocations('{"inputs": [', JSON_TYPE, manifest)).message).toContain('the request body is not valid JSON');
  });

  it('refuses an unknown key, or none / several of the formats, listing them', () => {
    const unknown = thrown(() => decodeInvocations({ dataframe: { columns: COLUMNS, data: asArrays } }, JSON_TYPE, manifest));
    expect(unknown.message).toBe("an /invocations JSON body takes exactly one of dataframe_split, dataframe_records, instances, inputs (and optionally params); got 'dataframe'");
    const two = thrown(() => decodeInvocations({ instances: FLIGHT_ROWS, inputs: FLIGHT_ROWS }, JSON_TYPE, manifest));
    expect(two.details).toMatchObject({ got: ['instances', 'inputs'] });
    expect(thrown(() => decodeInvocations({}, JSON_TYPE, manifest)).message).toContain('got none of them');
  });

  it('refuses a dataframe_split row of the wrong width, a bad index and duplicate columns', () => {
    const short = thrown(() => decodeInvocations({ dataframe_split: { columns: COLUMNS, data: [asArrays[0], [18, 5, 2475.5]] } }, JSON_TYPE, manifest));
    expect(short.message).toContain('dataframe_split.data[1] must be a list of 4 values');
    expect(thrown(() => decodeInvocations({ dataframe_split: { columns: COLUMNS, data: asArrays, index: [0] } }, JSON_TYPE, manifest)).message).toContain("'dataframe_split.index' must be a list with one label per row of data (3)");
    expect(thrown(() => decodeInvocations({ dataframe_split: { columns: ['hour', 'hour'], data: [] } }, JSON_TYPE, manifest)).message).toContain("names column 'hour' twice");
  });

  it('names the column, and where it sits, for a missing column or a bad value', () => {
    const missing = thrown(() => decodeInvocations({ dataframe_split: { columns: COLUMNS.slice(0, 3), data: asArrays.map((r) => r.slice(0, 3)) } }, JSON_TYPE, manifest));
    expect(missing.message).toContain("missing column 'origin' (string)");
    const bad = thrown(() => decodeInvocations({ dataframe_split: { columns: COLUMNS, data: [[6, 1, 'far', 'ATL']] } }, JSON_TYPE, manifest));
    expect(bad.message).toContain("dataframe_split.data[0][2] ('distance'): column 'distance' is double, so send a number");
    expect(thrown(() => decodeInvocations({ dataframe_records: [{ ...FLIGHT_ROWS[0], weekday: 1.5 }] }, JSON_TYPE, manifest)).message).toContain("dataframe_records[0].weekday: column 'weekday' is int64");
  });

  it('refuses other content types', () => {
    expect(thrown(() => decodeInvocations('x', 'text/plain', manifest)).message).toContain("unsupported Content-Type 'text/plain'");
  });
});

describe('decodeInvocations: text/csv', () => {
  it('reads a header row and typed values, quoted fields included', () => {
    expect(decodeInvocations(CSV, 'text/csv', manifest)).toEqual(FLIGHT_ROWS);
  });

  it('reads an empty field as missing: allowed where imputed, else named by line and column', () => {
    const body = 'hour,weekday,distance,origin\n6,1,,ATL\n';
    const err = thrown(() => decodeInvocations(body, 'text/csv', manifest));
    expect(err.message).toContain("CSV line 2, column 'distance': no value, and the model package imputes none for column 'distance'");
    expect(err.details).toMatchObject({ column: 'distance', line: 2 });
    const imputing = flightsManifest({ preprocess: { impute: { distance: { strategy: 'mean', value: 800 } } } });
    expect(decodeInvocations(body, 'text/csv', imputing)).toEqual([{ hour: 6, weekday: 1, distance: null, origin: 'ATL' }]);
  });

  it('refuses text that is not of the column type, naming line and column', () => {
    const err = thrown(() => decodeInvocations('hour,weekday,distance,origin\n6,1,250,ATL\n6.5,1,250,ATL\n', 'text/csv', manifest));
    expect(err.message).toBe('CSV line 3, column \'hour\': "6.5" is not an int64 (a whole number)');
    expect(thrown(() => decodeInvocations('hour,weekday,distance,origin\n6,1,0x10,ATL\n', 'text/csv', manifest)).message).toContain('"0x10" is not a double');
  });

  it('reads 64-bit integers beyond 2^53 exactly, as bigint', () => {
    expect(decodeInvocations('hour,weekday,distance,origin\n9007199254740993,1,1e3,ATL\n', 'text/csv', manifest)[0]).toEqual({ hour: 9007199254740993n, weekday: 1, distance: 1000, origin: 'ATL' });
  });

  it('refuses bad quoting, a record of the wrong width and unknown header columns', () => {
    expect(thrown(() => decodeInvocations('hour,weekday,distance,origin\n6,1,250,"ATL\n', 'text/csv', manifest)).message).toContain('CSV line 2: a quoted field opened here is never closed');
    expect(thrown(() => decodeInvocations('hour,weekday,distance,origin\n6,1,250,AT"L\n', 'text/csv', manifest)).message).toContain('CSV line 2: a quote inside unquoted field 4');
    expect(thrown(() => decodeInvocations('hour,weekday,distance,origin\n6,1,250,"ATL"x\n', 'text/csv', manifest)).message).toContain('CSV line 2: unexpected "x" after the closing quote of field 4');
    expect(thrown(() => decodeInvocations('hour,weekday,distance,origin\n6,1,250\n', 'text/csv', manifest)).message).toBe('CSV line 2 has 3 fields but the header has 4');
    expect(thrown(() => decodeInvocations('hour,weekday,distance,origin,gate\n6,1,250,ATL,B\n', 'text/csv', manifest)).message).toContain("unknown column 'gate'");
  });
});

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, embedded commas and line breaks, CRLF, a BOM and blank lines', () => {
    const got = parseCsv('\uFEFFa,b\r\n"x, ""y""","line1\nline2"\n\n"",z\nlast,');
    expect(got).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, "y"', 'line1\nline2'] },
      { line: 5, fields: ['', 'z'] },
      { line: 6, fields: ['last', ''] },
    ]);
  });

  it('counts lines across quoted line breaks in its errors', () => {
    expect(thrown(() => parseCsv('a,b\n"1\n2",3\n4,5"\n')).message).toContain('CSV line 4: a quote inside unquoted field 2');
  });
});

describe('encodeInvocations', () => {
  it('answers per-row objects for several outputs and bare values for one (MLflow 2.x)', () => {
    expect(encodeInvocations(FLIGHT_PREDICTIONS, manifest)).toEqual({ predictions: FLIGHT_PREDICTIONS });
    expect(encodeInvocations([{ prediction: 31.5 }], regressionManifest())).toEqual({ predictions: [31.5] });
  });
});
