/**
 * Ground truth as callers send it (the labels API's JSON items, the rows of a labels file):
 * `{request_id?, row?, key?, label, at?}` checked into LabelRecords, each error naming the item
 * and the field so one bad row of a thousand is easy to find.
 */
import { fail } from '../../core/errors.js';
import type { LabelRecord } from './prediction-log.js';

/** One label as sent: by request id (and row), or by the key column's value. */
export interface LabelItem {
  readonly request_id?: unknown;
  readonly row?: unknown;
  readonly key?: unknown;
  readonly label?: unknown;
  readonly at?: unknown;
}

/** Checks items into LabelRecords; INVALID_ARGUMENT naming `<where>[i].<field>` for the first bad one. */
export function parseLabelItems(items: readonly unknown[], where = 'labels'): LabelRecord[] {
  return items.map((item, i) => parseLabelItem(item, `${where}[${i}]`));
}

function parseLabelItem(item: unknown, at: string): LabelRecord {
  const bad = (field: string, message: string): never => fail('INVALID_ARGUMENT', `${at}${field ? `.${field}` : ''}: ${message}`, { field: `${at}${field ? `.${field}` : ''}` });
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return bad('', 'expected an object {request_id or key, label}');
  const it = item as LabelItem;
  const known = new Set(['request_id', 'row', 'key', 'label', 'at']);
  const unknown = Object.keys(it).find((k) => !known.has(k));
  if (unknown !== undefined) bad(unknown, `unknown field; a label has request_id, row, key, label and at`);
  if (it.label === undefined) bad('label', 'missing: give the ground truth');
  const hasId = it.request_id !== undefined && it.request_id !== null;
  const hasKey = it.key !== undefined && it.key !== null;
  if (!hasId && !hasKey) bad('request_id', 'give request_id (the x-request-id of the prediction) or key (the value of the key column)');
  if (hasId && (typeof it.request_id !== 'string' || it.request_id === '')) bad('request_id', 'must be a non-empty string');
  if (hasKey && typeof it.key !== 'string' && typeof it.key !== 'number') bad('key', 'must be a string or a number');
  const row = it.row === undefined || it.row === null ? undefined : it.row;
  if (row !== undefined && (!Number.isInteger(row) || (row as number) < 0)) bad('row', 'must be a whole number ≥ 0 (the row of the request)');
  if (row !== undefined && !hasId) bad('row', 'a row only goes with a request_id');
  return {
    ...(hasId ? { requestId: it.request_id as string } : {}),
    ...(row !== undefined ? { rowIndex: row as number } : {}),
    ...(hasKey ? { key: String(it.key) } : {}),
    label: it.label,
    ...(it.at !== undefined && it.at !== null ? { at: parseTime(it.at, () => bad('at', 'must be milliseconds since the epoch or an ISO 8601 time')) } : {}),
  };
}

function parseTime(value: unknown, bad: () => never): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const t = Date.parse(value);
    if (Number.isFinite(t)) return t;
  }
  return bad();
}
