/**
 * The data schema file (YAML): expected columns with their statistics, table-level bounds and
 * user checks. Strict: an unknown key is an error naming file:line and the nearest valid key.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, stringify, type Node } from 'yaml';
import { z } from 'zod';
import { fail, fromSystemError } from '../core/errors.js';
import { nearest } from '../core/nearest.js';

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
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const yamlErr = doc.errors[0];
  if (yamlErr) {
    const line = yamlErr.linePos?.[0]?.line ?? 0;
    fail('YAML_INVALID', `${file}:${line}: ${yamlErr.message.split('\n')[0]}`, { file, line });
  }
  const result = dataSchemaSchema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keyPath = issue.path.map(String);
  const where = (p: readonly string[]) => {
    const line = locate(doc.contents as Node | null, p, lines);
    return line === undefined ? file : `${file}:${line}`;
  };
  if (issue.code === 'unrecognized_keys') {
    const bad = issue.keys[0]!;
    const valid = validKeys(keyPath);
    const suggestion = nearest(bad, valid);
    const full = [...keyPath, bad].join('.');
    fail('CONFIG_INVALID', `${where([...keyPath, bad])}: unknown key '${full}'${suggestion ? `; did you mean '${suggestion}'?` : ''} (valid here: ${valid.join(', ')})`, { file, key: full, suggestion });
  }
  fail('CONFIG_INVALID', `${where(keyPath)}: '${keyPath.join('.') || '(top level)'}': ${issue.message}`, { file, key: keyPath.join('.') });
}

/** Keys valid at a path: top level, a column, a check, or rows. */
function validKeys(keyPath: readonly string[]): string[] {
  if (keyPath.length === 0) return Object.keys(dataSchemaSchema.shape);
  if (keyPath[0] === 'rows') return ['min', 'max'];
  if (keyPath[0] === 'checks') return ['name', 'column', 'severity', 'regex', 'between', 'in_set', 'sql'];
  if (keyPath[0] === 'columns' && keyPath.length === 2) return Object.keys(columnSchema.shape);
  if (keyPath[0] === 'columns' && keyPath[2] === 'stats') return keyPath.length === 3 ? Object.keys(statsSchema.shape) : ['edges', 'counts'];
  return [];
}

function locate(root: Node | null, keyPath: readonly string[], lines: LineCounter): number | undefined {
  let node: Node | null = root;
  let offset: number | undefined = root?.range?.[0];
  for (const key of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(key)] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/** The schema as YAML text (what `validate infer -o` writes). */
export function formatSchema(schema: DataSchema): string {
  return stringify(schema, { lineWidth: 0 });
}
