/**
 * The `paddock-model.yaml` manifest of a model package: a strict zod schema, so a typo in a key
 * is an error naming the file, the line and the nearest valid key (as paddock.yaml does).
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import { fail } from '../../core/errors.js';
import { parseStrict, parseYamlDocument, whereIs, type YamlDocument } from '../../core/yaml-file.js';

/** File name of the manifest inside a package directory. */
export const MANIFEST_FILE = 'paddock-model.yaml';

const columnSchema = z.strictObject({
  name: z.string().min(1),
  type: z.enum(['float', 'double', 'int64', 'string']),
});

const signatureSchema = z.strictObject({
  inputs: z.array(columnSchema).min(1).describe('the columns a caller gives, per row'),
  feed: z.strictObject({
    tensor: z.string().min(1).optional().describe("layout 'matrix': the ONNX input the columns feed (required there, unused by 'columns')"),
    layout: z
      .enum(['matrix', 'columns'])
      .default('matrix')
      .describe("matrix: one [batch, n] float tensor built from the (preprocessed) columns in order; columns: each input feeds the ONNX input of its name, [batch, 1] of its own type (skl2onnx pipelines)"),
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
  monitoring_profile: z.string().min(1).optional().describe('the profile of the model inputs and outputs on its training data (monitoring-profile.json), the reference of drift monitoring'),
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
/** How signature inputs reach the model: one feature matrix, or one ONNX input per column. */
export type FeedLayout = ModelManifest['signature']['feed']['layout'];
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
  const manifest = parseStrict(manifestSchema, value, { file, source });
  checkLayout(manifest, file, source);
  return manifest;
}

/** What each layout requires of the feed and allows of preprocess; errors name the key. */
function checkLayout(manifest: ModelManifest, file: string, source: YamlDocument | undefined): void {
  const invalid = (keyPath: readonly string[], message: string): never => {
    const key = keyPath.join('.');
    return fail('CONFIG_INVALID', `${whereIs(file, source, keyPath)}: '${key}': ${message}`, { file, key });
  };
  const { feed } = manifest.signature;
  if (feed.layout === 'matrix') {
    if (feed.tensor === undefined) {
      invalid(['signature', 'feed', 'tensor'], "required with layout 'matrix': the name of the ONNX input the [batch, n] feature matrix feeds (for a model taking one input per column, as skl2onnx pipelines do, set signature.feed.layout: columns)");
    }
    return;
  }
  if (feed.tensor !== undefined) {
    invalid(['signature', 'feed', 'tensor'], "not used with layout 'columns' (each signature input feeds the ONNX input of the same name); remove it");
  }
  const p = manifest.preprocess;
  if (!p) return;
  // The model preprocesses inside its graph; a second, Paddock-side transformation would skew it.
  const extra = [p.columns !== undefined && 'columns', Object.keys(p.scale).length > 0 && 'scale', Object.keys(p.one_hot).length > 0 && 'one_hot'].find((k) => k);
  if (extra) {
    invalid(['preprocess', extra], "layout 'columns' feeds each column to the model as given, and the model does its own preprocessing; only preprocess.impute is allowed (remove this, or use layout 'matrix')");
  }
  const types = new Map(manifest.signature.inputs.map((c) => [c.name, c.type]));
  for (const [column, rule] of Object.entries(p.impute)) {
    const type = types.get(column);
    if (type && !valueFits(type, rule.value)) {
      invalid(['preprocess', 'impute', column, 'value'], `column '${column}' is ${type} but the imputed value is ${JSON.stringify(rule.value)}; give a ${type === 'string' ? 'string' : type === 'int64' ? 'whole number' : 'number'}`);
    }
  }
}

function valueFits(type: ColumnType, value: number | string): boolean {
  if (type === 'string') return typeof value === 'string';
  return typeof value === 'number' && (type !== 'int64' || Number.isInteger(value));
}

/** YAML text of a manifest (what writeModelPackage stores). */
export function formatManifest(manifest: ModelManifest): string {
  return stringify(manifest);
}

