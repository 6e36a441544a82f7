/**
 * The data schema file (YAML): expected columns with their statistics, table-level bounds and
 * user checks. Strict: an unknown key is an error naming file:line and the nearest valid key.
 */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { z } from 'zod';
import { fromSystemError } from '../core/errors.js';
import { parseStrict, parseYamlDocument } from '../core/yaml-file.js';

const severity = z.enum(['error', 'warning']);

const statsSchema = z.strictObject({
  quantiles: z.record(z.string(), z.number()).optional(),
  histogram: z.strictObject({ edges: z.array(z.number()), counts: z.array(z.number()) }).optional(),
  frequencies: z.record(z.string(), z.number()).optional(),
});

const columnSchema = z.strictObject({
  type: z.string().min(1).describe('DuckDB type, e.g. BIGINT, DOUBLE, VARCHAR, TIMESTAMP'),
  nullable: z.boolean().default(true),
  max_missing: z.number().min(0).max(1).default(1).describe('allowed fraction of missing values'),
  min: z.union([z.number(), z.string()]).optional(),
  max: z.union([z.number(), z.string()]).optional(),
  domain: z.array(z.string()).optional().describe('allowed values of a categorical column'),
  unique: z.boolean().default(false),
  severity: severity.default('error'),
  stats: statsSchema.optional(),
});

const checkSchema = z
  .strictObject({
    name: z.string().optional(),
    column: z.string().optional(),
    severity: severity.default('error'),
    regex: z.string().optional(),
    between: z.tuple([z.number(), z.number()]).optional(),
    in_set: z.array(z.union([z.string(), z.number()])).optional(),
    sql: z.string().optional().describe('boolean SQL expression over the table; rows where it is false fail'),
  })
  .refine((c) => [c.regex, c.between, c.in_set, c.sql].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of regex, between, in_set, sql',
  })
  .refine((c) => c.sql !== undefined || c.column !== undefined, { message: 'regex, between and in_set need a column' });

/** The whole schema file. */
export const dataSchemaSchema = z.strictObject({
  version: z.literal(1).default(1),
  source: z.string().optional().describe('the file the schema was inferred from'),
  rows: z.strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() }).default({}),
  key: z.array(z.string()).default([]).describe('columns whose combination must be unique'),
  allow_new_columns: z.boolean().default(false),
  columns: z.record(z.string(), columnSchema),
  checks: z.array(checkSchema).default([]),
});

export type DataSchema = Readonly<z.output<typeof dataSchemaSchema>>;
export type ColumnSchema = Readonly<z.output<typeof columnSchema>>;
export type UserCheck = Readonly<z.output<typeof checkSchema>>;
export type Severity = z.output<typeof severity>;

/** Reads and validates a schema file. */
export function readSchemaFile(file: string): DataSchema {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw fromSystemError(err, file);
  }
  return parseSchema(text, file);
}

/** Parses schema YAML text; `file` names it in errors. */
export function parseSchema(text: string, file: string): DataSchema {
  const source = parseYamlDocument(text, file);
  return parseStrict(dataSchemaSchema, source.doc.toJS() ?? {}, { file, source });
}

/** The schema as YAML text (what `validate infer -o` writes). */
export function formatSchema(schema: DataSchema): string {
  return stringify(schema, { lineWidth: 0 });
}
