import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fail } from '../../core/errors.js';

/**
 * Request decoding for MLflow's API. MLflow's clients send GET parameters in the query string
 * (repeated fields as repeated keys) and everything else as a JSON body; int64 fields arrive as
 * numbers from new clients and as strings from old ones (protobuf JSON), doubles may be the
 * strings "NaN", "Infinity", "-Infinity". Every field is checked here so that a wrong type is a
 * 400 INVALID_PARAMETER_VALUE naming the field, never a 500.
 */

/** A string field. */
export const str = z.string();

/** An int64 field: a JSON number or a decimal string. */
export const int64 = z.union([
  z.number().int(),
  z.string().regex(/^-?\d+$/).transform(Number),
]);

const SPECIAL: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** A double field: a number, a numeric string, or NaN/Infinity/-Infinity as strings. */
export const double = z.union([
  z.number(),
  z.string().refine((s) => s in SPECIAL || (s.trim() !== '' && Number.isFinite(Number(s)))).transform((s) => SPECIAL[s] ?? Number(s)),
]);

/** A boolean field, also accepting 'true'/'false' from a query string. */
export const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]);

/** A repeated field: a single query value becomes a one-element list. */
export function repeated<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(item));
}

/** MLflow's key/value tag message. */
export const keyValue = z.object({ key: str, value: str.optional().default('') });

/** The request's parameters: query string and JSON body together (body wins). */
export function requestFields(request: FastifyRequest): Record<string, unknown> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const body = request.body;
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    if (typeof body === 'string' && body !== '') fail('INVALID_ARGUMENT', 'the request body must be a JSON object');
    return query;
  }
  return { ...query, ...(body as Record<string, unknown>) };
}

/**
 * Parses the request with a zod schema; on failure throws INVALID_ARGUMENT in MLflow's wording
 * ("Missing value for required parameter 'name'", "Invalid value … for parameter …").
 */
export function parseRequest<T extends z.ZodType>(request: FastifyRequest, schema: T): z.output<T> {
  return parseFields(requestFields(request), schema);
}

/** As parseRequest, over already-collected fields. */
export function parseFields<T extends z.ZodType>(fields: Record<string, unknown>, schema: T): z.output<T> {
  const result = schema.safeParse(fields);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  const value = valueAt(fields, issue.path);
  if (value === undefined) fail('INVALID_ARGUMENT', `Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`, { field });
  fail('INVALID_ARGUMENT', `Invalid value ${JSON.stringify(value)} for parameter '${field}' supplied: ${issue.message}. See the API docs for more information about request parameters.`, { field });
}

function valueAt(fields: unknown, path: readonly PropertyKey[]): unknown {
  let cur = fields;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

/** `run_id`, or the deprecated `run_uuid` old clients send; names `run_id` when both are absent. */
export function runIdOf(fields: { run_id?: string | undefined; run_uuid?: string | undefined }): string {
  const id = fields.run_id || fields.run_uuid;
  if (!id) fail('INVALID_ARGUMENT', "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.", { field: 'run_id' });
  return id;
}

/** The `[{key, value}]` list of MLflow's tag messages as a record. */
export function tagsOf(list: readonly { key: string; value: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) out[t.key] = t.value;
  return out;
}

/** MLflow's ViewType by name (ACTIVE_ONLY default). */
export const viewType = z.union([
  z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']),
  z.union([z.literal(1), z.literal(2), z.literal(3)]).transform((n) => (['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const)[n - 1]!),
]);
