/**
 * The 300k-parameter MLP fixture (test/fixtures/models/mlp-300k.onnx, an onnxruntime model no
 * JavaScript evaluator answers) and numpy's forward pass of it (scripts/make-reference-models.py),
 * for tests that need a real MLP package.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeModelPackage, type InputRow, type ModelPackage } from '../models/index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/models');

/** numpy's input rows and the probabilities it computed for each. */
export const MLP_REFERENCE = JSON.parse(readFileSync(path.join(FIXTURES, 'mlp-300k.expected.json'), 'utf8')) as {
  readonly input: { readonly rows: readonly (readonly number[])[] };
  readonly output: { readonly rows: readonly (readonly number[])[] };
};

/** The package's input columns, f0 … f63, fed as one `features` matrix. */
export const MLP_COLUMNS = Array.from({ length: 64 }, (_, i) => `f${i}`);

/** numpy's input rows as named columns. */
export const MLP_ROWS: readonly InputRow[] = MLP_REFERENCE.input.rows.map((xs) => Object.fromEntries(MLP_COLUMNS.map((c, i) => [c, xs[i]!])));

/** Writes the fixture as a matrix-layout package at `dir` (with the first row as its input example, unless told not to). */
export function writeMlpPackage(dir: string, options: { readonly name?: string; readonly example?: boolean } = {}): Promise<ModelPackage> {
  return writeModelPackage(dir, {
    name: options.name ?? 'mlp-300k',
    flavor: 'onnx',
    model: 'model.onnx',
    signature: { inputs: MLP_COLUMNS.map((name) => ({ name, type: 'double' as const })), feed: { tensor: 'features' }, outputs: [{ name: 'probabilities', type: 'float' }] },
    ...(options.example !== false && { input_example: [MLP_ROWS[0]!] }),
  }, { 'model.onnx': readFileSync(path.join(FIXTURES, 'mlp-300k.onnx')) });
}
