/**
 * The `paddock-model.yaml` manifest of a model package: a strict zod schema, so a typo in a key
 * is an error naming the file, the line and the nearest valid key (as paddock.yaml does).
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import { parseStrict, parseYamlDocument, type YamlDocument } from '../../core/yaml-file.js';

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

const taskSchema = z.strictObject({
  kind: z.enum(['classification', 'regression']),
  target: z.string().min(1).describe('the column the model predicts'),
  classes: z.array(z.union([z.string(), z.number()])).min(2).optional().describe('classification: labels in the order of the probabilities output'),
  probabilities: z.string().min(1).optional().describe('classification: the output holding class probabilities [batch, K]'),
  prediction: z.string().min(1).optional().describe('regression: the output holding the prediction'),
});

/** The whole manifest. */
export const manifestSchema = z.strictObject({
  name: z.string().min(1),
  flavor: z.literal('onnx'),
  model: z.string().min(1).describe('the model file, relative to the package directory'),
  signature: signatureSchema,
  task: taskSchema.optional().describe('what the model predicts; evaluate reads it'),
  input_example: z.array(z.record(z.string(), z.unknown())).optional(),
  reference_profile: z.string().min(1).optional().describe('the training data profile (a validation schema file in the package), for drift monitoring'),
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
export type ModelTask = z.output<typeof taskSchema>;

/** Parses and validates manifest text; `file` is used in messages (`file:line: …`). */
export function parseManifest(text: string, file: string): ModelManifest {
  const source = parseYamlDocument(text, file);
  return checkManifest(source.doc.toJS() as unknown, file, source);
}

/** Validates a manifest object (from YAML or from a writer); errors name the key. */
export function checkManifest(value: unknown, file: string, source?: YamlDocument): ModelManifest {
  return parseStrict(manifestSchema, value, { file, source });
}

/** YAML text of a manifest (what writeModelPackage stores). */
export function formatManifest(manifest: ModelManifest): string {
  return stringify(manifest);
}

