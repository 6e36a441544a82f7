/**
 * The `paddock-model.yaml` manifest of a model package: a strict zod schema, so a typo in a key
 * is an error naming the file, the line and the nearest valid key (as paddock.yaml does).
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Node } from 'yaml';
import { z } from 'zod';
import { fail } from '../../core/errors.js';
import { nearest } from '../../core/nearest.js';

/** File name of the manifest inside a package directory. */
export const MANIFEST_FILE = 'paddock-model.yaml';

const columnSchema = z.strictObject({
  name: z.string().min(1),
  type: z.enum(['float', 'double', 'int64', 'string']),
});

const signatureSchema = z.strictObject({
  inputs: z.array(columnSchema).min(1).describe('the columns a caller gives, per row'),
  feed: z.strictObject({
    tensor: z.string().min(1).describe('the ONNX input the columns feed'),
    layout: z.literal('matrix').default('matrix').describe('one [batch, n] tensor built from the (preprocessed) columns in order'),
  }),
  outputs: z.array(columnSchema).min(1),
});

const preprocessSchema = z.strictObject({
  columns: z.array(z.string().min(1)).optional().describe('feature order; default: signature input order'),
  impute: z.record(z.string(), z.strictObject({ strategy: z.enum(['constant', 'mean']), value: z.union([z.number(), z.string()]) })).default({}),
  scale: z.record(z.string(), z.strictObject({ mean: z.number(), std: z.number().positive() })).default({}),
  one_hot: z.record(z.string(), z.array(z.union([z.string(), z.number()])).min(1)).default({}),
});

const lineageSchema = z.strictObject({
  run_id: z.string().optional(),
  data_hashes: z.record(z.string(), z.string()).optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  git_commit: z.string().optional(),
  paddock_version: z.string().optional(),
  node_version: z.string().optional(),
  lock_file_hash: z.string().optional(),
});

/** The whole manifest. */
export const manifestSchema = z.strictObject({
  name: z.string().min(1),
  flavor: z.literal('onnx'),
  model: z.string().min(1).describe('the model file, relative to the package directory'),
  signature: signatureSchema,
  input_example: z.array(z.record(z.string(), z.unknown())).optional(),
  preprocess: preprocessSchema.optional(),
  metrics: z.record(z.string(), z.number()).optional(),
  lineage: lineageSchema.optional(),
});

/** A validated manifest (defaults applied). */
export type ModelManifest = z.output<typeof manifestSchema>;
/** What a writer may give (defaults optional). */
export type ModelManifestInput = z.input<typeof manifestSchema>;
export type SignatureColumn = z.output<typeof columnSchema>;
export type ColumnType = SignatureColumn['type'];
export type PreprocessSpec = z.output<typeof preprocessSchema>;
export type ModelLineage = z.output<typeof lineageSchema>;

/** Parses and validates manifest text; `file` is used in messages (`file:line: …`). */
export function parseManifest(text: string, file: string): ModelManifest {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line ?? 0;
    fail('YAML_INVALID', `${file}:${line}: ${err.message.split('\n')[0]}`, { file, line });
  }
  return checkManifest(doc.toJS() as unknown, file, { doc, lines });
}

/** Validates a manifest object (from YAML or from a writer); errors name the key. */
export function checkManifest(value: unknown, file: string, source?: { doc: Document.Parsed; lines: LineCounter }): ModelManifest {
  const result = manifestSchema.safeParse(value);
  if (result.success) return result.data;
  // A misspelt key also makes the key it was meant to be "missing": report the typo first.
  const issues = result.error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
  const keyPath = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const bad = issue.keys[0]!;
    const full = [...keyPath, bad];
    const valid = validKeysAt(keyPath);
    const suggestion = nearest(bad, valid);
    fail('CONFIG_INVALID', `${locate(file, source, full)}: unknown key '${full.join('.')}'${suggestion ? `; did you mean '${suggestion}'?` : ''} (valid here: ${valid.join(', ')})`, { file, key: full.join('.'), suggestion });
  }
  const key = keyPath.join('.') || '(top level)';
  return fail('CONFIG_INVALID', `${locate(file, source, keyPath)}: '${key}': ${issue.message}`, { file, key });
}

/** YAML text of a manifest (what writeModelPackage stores). */
export function formatManifest(manifest: ModelManifest): string {
  return stringify(manifest);
}

function validKeysAt(keyPath: readonly string[]): string[] {
  let shape: z.ZodType = manifestSchema;
  for (const key of keyPath) {
    const inner = unwrap(shape);
    if (inner instanceof z.ZodObject) shape = inner.shape[key] as z.ZodType;
    else if (inner instanceof z.ZodArray) shape = inner.element as z.ZodType;
    else if (inner instanceof z.ZodRecord) shape = inner.valueType as z.ZodType;
    if (shape === undefined) return [];
  }
  const inner = unwrap(shape);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

function unwrap(t: z.ZodType): z.ZodType {
  let cur: z.ZodType = t;
  while (cur instanceof z.ZodDefault || cur instanceof z.ZodPrefault || cur instanceof z.ZodOptional) cur = cur.unwrap() as z.ZodType;
  return cur;
}

/** `file:line` of the deepest node of `keyPath` found in the YAML document. */
function locate(file: string, source: { doc: Document.Parsed; lines: LineCounter } | undefined, keyPath: readonly string[]): string {
  if (!source) return file;
  let node: Node | null | undefined = source.doc.contents as Node | null;
  let at: Node | undefined;
  for (const key of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (!pair) break;
      at = pair.key as Node;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(key)] as Node | undefined;
      if (!item) break;
      at = item;
      node = item;
    } else break;
  }
  const offset = at?.range?.[0];
  return offset === undefined ? file : `${file}:${source.lines.linePos(offset).line}`;
}
