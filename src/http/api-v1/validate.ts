import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fail } from '../../core/errors.js';

/**
 * Validates a request part (body, query or params) of Paddock's API with zod: a wrong type is
 * INVALID_ARGUMENT naming the field and what was expected.
 */
export function validate<T extends z.ZodType>(value: unknown, schema: T, where: 'body' | 'query' | 'params'): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // An unknown key is named itself, so a typo points at the key to fix.
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = path.map(String).join('.') || where;
  fail('INVALID_ARGUMENT', `${where} field '${field}': ${issue.message}`, { field, in: where });
}

export const body = <T extends z.ZodType>(req: FastifyRequest, schema: T) => validate(req.body, schema, 'body');
export const query = <T extends z.ZodType>(req: FastifyRequest, schema: T) => validate(req.query, schema, 'query');
export const params = <T extends z.ZodType>(req: FastifyRequest, schema: T) => validate(req.params, schema, 'params');

/** Query-string numbers arrive as text. */
export const queryInt = z.coerce.number().int();
export const tagsSchema = z.record(z.string(), z.string());
export const viewTypeSchema = z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']);
/** A list that may arrive once (`?order_by=x`) or repeated. */
export const queryList = z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(z.string()));
