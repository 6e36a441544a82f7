import path from 'node:path';
import { fail } from '../../core/errors.js';
import { isRecord, parseYaml } from '../definition/yaml-source.js';

/** One row of plot data: field → value (numbers parsed where the text is numeric). */
export type Row = Readonly<Record<string, unknown>>;

/** Image files DVC shows as they are. */
export const IMAGE_TYPES: Readonly<Record<string, string>> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml' };

/**
 * Parses a plot data file by extension: CSV, TSV (header row), JSON or YAML (a list of
 * records, or the first list of records found inside a mapping, as DVC looks for it).
 * Bad content → YAML_INVALID naming the file.
 */
export function parsePlotData(file: string, text: string): Row[] {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return parseDelimited(text, ext === '.tsv' ? '\t' : ',');
  let value: unknown;
  if (ext === '.json') {
    try {
      value = JSON.parse(text) as unknown;
    } catch (err) {
      return fail('YAML_INVALID', `${file}: invalid JSON: ${(err as Error).message}`, { file });
    }
  } else if (ext === '.yaml' || ext === '.yml') value = parseYaml(file, text);
  else return fail('INVALID_ARGUMENT', `${file}: unsupported plot file type '${ext || '(none)'}' (supported: .csv, .tsv, .json, .yaml, and images)`, { file });
  const rows = findRecords(value);
  if (!rows) fail('INVALID_ARGUMENT', `${file}: expected a list of records (e.g. [{"step": 0, "loss": 1.2}, …])`, { file });
  return rows;
}

function findRecords(value: unknown): Row[] | undefined {
  if (Array.isArray(value)) return value.every(isRecord) ? (value as Row[]) : undefined;
  if (isRecord(value)) {
    for (const v of Object.values(value)) {
      const found = findRecords(v);
      if (found) return found;
    }
  }
  return undefined;
}

/** RFC 4180 CSV (quotes, doubled quotes, CRLF) with a header row; numeric cells become numbers. */
export function parseDelimited(text: string, sep: string): Row[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      record.push(field);
      field = '';
    }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      field = '';
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
    } else field += c;
  }
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  const [header, ...body] = records;
  if (!header) return [];
  return body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cell(cells[i] ?? '')])));
}

function cell(text: string): unknown {
  const t = text.trim();
  return t !== '' && Number.isFinite(Number(t)) ? Number(t) : text;
}
