/**
 * MLflow's scoring protocol (`POST /invocations`, MLflow 2.x): JSON bodies holding exactly one
 * of `dataframe_split`, `dataframe_records`, `instances` or `inputs` (beside an optional
 * `params`), or a `text/csv` body with a header row; `{"predictions": [...]}` out.
 */
import { fail } from '../../core/errors.js';
import type { InputRow, ModelManifest, PredictionRow, SignatureColumn } from '../../models/index.js';
import { isPlainObject, predictionEntries, rowsFromColumns, rowsFromInstances, show, type Locate } from './rows.js';

/** The JSON keys MLflow's scoring server reads the input from. */
export const INVOCATION_FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

/** The response body. */
export interface InvocationsResponse {
  readonly predictions: unknown[];
}

/**
 * Decodes an /invocations body into rows. `contentType` is the request's Content-Type
 * (`application/json` or `text/csv`, parameters such as charset ignored); `body` is the parsed
 * JSON, or the raw text (a string or bytes) for CSV and unparsed JSON.
 */
export function decodeInvocations(body: unknown, contentType: string, manifest: ModelManifest): InputRow[] {
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  if (media === 'text/csv') return decodeCsv(text(body), manifest);
  if (media !== 'application/json') {
    fail('INVALID_ARGUMENT', `unsupported Content-Type '${contentType}' for /invocations: send application/json (${INVOCATION_FORMATS.join(', ')}) or text/csv`, { contentType });
  }
  return decodeJson(typeof body === 'string' || body instanceof Uint8Array ? parseJson(text(body)) : body, manifest);
}

/** `{predictions}` as MLflow 2.x answers: scalars when the model has one output, else one object per row. */
export function encodeInvocations(predictions: readonly PredictionRow[], manifest: ModelManifest): InvocationsResponse {
  return { predictions: predictionEntries(predictions, manifest) };
}

function text(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder('utf-8', { fatal: false }).decode(body);
  return fail('INVALID_ARGUMENT', `expected the raw request text, got ${show(body)}`, {});
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    return fail('INVALID_ARGUMENT', `the request body is not valid JSON: ${(err as Error).message}`, {});
  }
}

function decodeJson(body: unknown, manifest: ModelManifest): InputRow[] {
  const formats = INVOCATION_FORMATS.join(', ');
  if (!isPlainObject(body)) fail('INVALID_ARGUMENT', `an /invocations JSON body must be an object with exactly one of ${formats}; got ${show(body)}`, { expected: [...INVOCATION_FORMATS] });
  const keys = Object.keys(body);
  const present = INVOCATION_FORMATS.filter((k) => keys.includes(k));
  const unknown = keys.filter((k) => !(INVOCATION_FORMATS as readonly string[]).includes(k) && k !== 'params');
  if (present.length !== 1 || unknown.length > 0) {
    const got = [...present, ...unknown];
    fail('INVALID_ARGUMENT', `an /invocations JSON body takes exactly one of ${formats} (and optionally params); got ${got.length ? got.map((k) => `'${k}'`).join(', ') : 'none of them'}`, { expected: [...INVOCATION_FORMATS], got });
  }
  const key = present[0]!;
  const value = body[key];
  switch (key) {
    case 'dataframe_split':
      return decodeSplit(value, manifest);
    case 'dataframe_records':
    case 'instances':
      if (!Array.isArray(value)) fail('INVALID_ARGUMENT', `'${key}' must be a list with one entry per row, got ${show(value)}`, { field: key });
      return rowsFromInstances(manifest, value, key);
    case 'inputs':
      return decodeInputs(value, manifest);
  }
}

/** `{columns, data, index?}` (pandas' split orientation). */
function decodeSplit(split: unknown, manifest: ModelManifest): InputRow[] {
  const example = '{"columns": ["hour", ...], "data": [[7, ...], ...]}';
  if (!isPlainObject(split)) fail('INVALID_ARGUMENT', `'dataframe_split' must be an object like ${example}, got ${show(split)}`, { field: 'dataframe_split' });
  const extra = Object.keys(split).filter((k) => !['columns', 'data', 'index'].includes(k));
  if (extra.length) fail('INVALID_ARGUMENT', `'dataframe_split' takes columns, data and index; unknown key '${extra[0]!}'`, { field: `dataframe_split.${extra[0]!}` });
  const { columns, data, index } = split;
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) fail('INVALID_ARGUMENT', `'dataframe_split.columns' must be a list of column names, got ${show(columns)}`, { field: 'dataframe_split.columns' });
  if (!Array.isArray(data)) fail('INVALID_ARGUMENT', `'dataframe_split.data' must be a list of rows, each a list of ${columns.length} values, got ${show(data)}`, { field: 'dataframe_split.data' });
  if (index !== undefined && (!Array.isArray(index) || index.length !== data.length)) {
    fail('INVALID_ARGUMENT', `'dataframe_split.index' must be a list with one label per row of data (${data.length}), got ${show(index)}`, { field: 'dataframe_split.index' });
  }
  const names = columns as string[];
  const byName = columnsOf(names, 'dataframe_split.columns');
  data.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== names.length) {
      fail('INVALID_ARGUMENT', `dataframe_split.data[${i}] must be a list of ${names.length} values (one per entry of 'columns'), got ${show(row)}`, { index: i, expected: names.length });
    }
    names.forEach((name, j) => byName[name]!.push(row[j]));
  });
  return rowsFromColumns(manifest, byName, {
    noun: 'column',
    locate: (column, i) => ({ at: `dataframe_split.data[${i}][${names.indexOf(column)}] ('${column}')`, details: { column, index: i } }),
  });
}

/** `inputs`: a list of records (or value lists in input order), or an object column → values. */
function decodeInputs(value: unknown, manifest: ModelManifest): InputRow[] {
  if (Array.isArray(value)) return rowsFromInstances(manifest, value, 'inputs');
  if (!isPlainObject(value)) fail('INVALID_ARGUMENT', `'inputs' must be an object column → list of values, or a list of records; got ${show(value)}`, { field: 'inputs' });
  // One row may come as bare values ({"hour": 7, ...}), as MLflow accepts.
  const single = Object.values(value).every((v) => !Array.isArray(v));
  const columns = single ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, [v]])) : value;
  return rowsFromColumns(manifest, columns, {
    noun: 'column',
    locate: (column, i) => ({ at: single ? `inputs.${column}` : `inputs.${column}[${i}]`, details: { column, index: i } }),
  });
}

function columnsOf(names: readonly string[], field: string): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const name of names) {
    if (out[name]) fail('INVALID_ARGUMENT', `${field} names column '${name}' twice`, { field, column: name });
    out[name] = [];
  }
  return out;
}

/** A text/csv body: a header row naming the columns, then one record per row, values read per column type. */
function decodeCsv(body: string, manifest: ModelManifest): InputRow[] {
  const records = parseCsv(body);
  const header = records[0];
  if (!header) fail('INVALID_ARGUMENT', 'the CSV body is empty: send a header row naming the columns, then one line per row', {});
  const names = header.fields;
  const columns = columnsOf(names, 'the CSV header');
  const types = new Map(manifest.signature.inputs.map((c) => [c.name, c]));
  const lines: number[] = [];
  for (const record of records.slice(1)) {
    if (record.fields.length !== names.length) {
      fail('INVALID_ARGUMENT', `CSV line ${record.line} has ${record.fields.length} fields but the header has ${names.length}`, { line: record.line, count: record.fields.length, expected: names.length });
    }
    lines.push(record.line);
    names.forEach((name, j) => {
      const col = types.get(name);
      const raw = record.fields[j]!;
      // Columns outside the signature stay text; rowsFromColumns refuses them by name.
      columns[name]!.push(col ? csvValue(col, raw, record.line) : raw);
    });
  }
  const locate: Locate = (column, i) => ({ at: `CSV line ${lines[i]!}, column '${column}'`, details: { column, line: lines[i]! } });
  return rowsFromColumns(manifest, columns, { noun: 'column', locate });
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const SPECIAL: Readonly<Record<string, number>> = { nan: Number.NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity };

/** One CSV field as its column's type, as pandas would read it: empty → null (missing). */
function csvValue(col: SignatureColumn, raw: string, line: number): unknown {
  if (raw === '') return null;
  if (col.type === 'string') return raw;
  const t = raw.trim();
  const bad = (what: string): never => fail('INVALID_ARGUMENT', `CSV line ${line}, column '${col.name}': ${JSON.stringify(raw)} is not ${what}`, { column: col.name, line });
  if (col.type === 'int64') {
    if (INTEGER.test(t)) return t; // decimal text: coerceValue makes it a number, or a bigint beyond 2^53
    const lower = t.toLowerCase();
    if (lower === 'true' || lower === 'false') return lower === 'true' ? 1 : 0;
    return bad('an int64 (a whole number)');
  }
  if (DECIMAL.test(t)) return Number(t);
  const special = SPECIAL[t.toLowerCase()];
  return special !== undefined ? special : bad(`a ${col.type} (a number)`);
}

/** One CSV record and the line it starts on (1-based). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/**
 * RFC 4180 CSV: comma-separated fields, optionally in double quotes (which may hold commas, line
 * breaks and doubled quotes ""), records ended by LF or CRLF; a leading BOM and blank lines are
 * skipped. A stray quote is an error naming the line, not a silently mangled value.
 */
export function parseCsv(input: string): CsvRecord[] {
  const s = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = 0;
  const endField = (): void => {
    fields.push(field);
    field = '';
  };
  const endRecord = (): void => {
    endField();
    // A blank line is one empty unquoted field: skipped, as pandas does.
    if (!(fields.length === 1 && fields[0] === '' && !quoted)) records.push({ line: start, fields });
    fields = [];
    quoted = false;
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"' && field === '' && !quoted) {
      quoted = true;
      const closed = readQuoted(s, i + 1, line);
      field = closed.value;
      line += closed.newlines;
      i = closed.end;
      const next = s[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        fail('INVALID_ARGUMENT', `CSV line ${line}: unexpected ${JSON.stringify(next)} after the closing quote of field ${fields.length + 1}; inside a quoted field write a quote as ""`, { line, field: fields.length + 1 });
      }
      continue;
    }
    if (c === '"') {
      fail('INVALID_ARGUMENT', `CSV line ${line}: a quote inside unquoted field ${fields.length + 1}; quote the whole field and double the quotes in it ("a ""b"" c")`, { line, field: fields.length + 1 });
    }
    if (c === ',') {
      endField();
      quoted = false;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      if (c === '\r' && s[i + 1] === '\n') i++;
      line++;
      start = line;
    } else {
      field += c;
    }
    i++;
  }
  if (field !== '' || fields.length > 0 || quoted) endRecord();
  return records;
}

/** Reads a quoted field from just after its opening quote; `end` is just after the closing quote. */
function readQuoted(s: string, from: number, line: number): { value: string; end: number; newlines: number } {
  let value = '';
  let newlines = 0;
  let i = from;
  for (;;) {
    const q = s.indexOf('"', i);
    if (q < 0) fail('INVALID_ARGUMENT', `CSV line ${line}: a quoted field opened here is never closed; end it with a quote (and write quotes inside it as "")`, { line });
    value += s.slice(i, q);
    if (s[q + 1] === '"') {
      value += '"';
      i = q + 2;
      continue;
    }
    newlines += countNewlines(s.slice(from, q));
    return { value, end: q + 1, newlines };
  }
}

function countNewlines(t: string): number {
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '\n' || (t[i] === '\r' && t[i + 1] !== '\n')) n++;
  }
  return n;
}
