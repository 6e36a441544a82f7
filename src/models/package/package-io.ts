/**
 * Reading and writing model package directories. A package is only ever seen whole: it is
 * written to a temporary sibling directory, checked against its ONNX model, then renamed into
 * place; reading checks the manifest, the model file and the signature before returning.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fail, fromSystemError } from '../../core/errors.js';
import { formatShape, loadOnnxModel, nonTensorOutputHint, type OnnxModel } from '../runtime/onnx-session.js';
import { MANIFEST_FILE, checkManifest, formatManifest, parseManifest, type ColumnType, type ModelManifest, type ModelManifestInput } from './manifest.js';
import { featureNames } from './preprocess.js';

/** A package read from disk and checked against its model. */
export interface ModelPackage {
  readonly dir: string;
  readonly manifest: ModelManifest;
  /** Absolute path of the ONNX model file. */
  readonly modelPath: string;
}

/** onnxruntime element type of each signature column type. */
export const ONNX_TYPES: Readonly<Record<ColumnType, string>> = { float: 'float32', double: 'float64', int64: 'int64', string: 'string' };

/** Reads and checks a package directory: manifest, model file inside the package, signature vs model. */
export async function readModelPackage(dir: string): Promise<ModelPackage> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const e = fromSystemError(err, file);
    if (e.code === 'PATH_NOT_FOUND') fail('INVALID_ARGUMENT', `${dir}: not a model package (no ${MANIFEST_FILE})`, { path: file }, err);
    throw e;
  }
  const manifest = parseManifest(text, file);
  const modelPath = modelFile(dir, manifest);
  await checkModel(modelPath, manifest);
  return { dir: path.resolve(dir), manifest, modelPath };
}

/**
 * Writes a new package at `dir` (which must not exist): the manifest plus `files` (relative path →
 * content, which must include the model file). Nothing appears at `dir` unless the whole package
 * is valid.
 */
export async function writeModelPackage(
  dir: string,
  manifestInput: ModelManifestInput,
  files: Readonly<Record<string, string | Uint8Array>>,
  options: { readonly replace?: boolean } = {},
): Promise<ModelPackage> {
  const target = path.resolve(dir);
  const manifest = checkManifest(manifestInput, path.join(target, MANIFEST_FILE));
  const replacing = await exists(target);
  if (replacing && !options.replace) fail('ALREADY_EXISTS', `${dir}: already exists; a model package is never overwritten (pass --force to replace it)`, { path: dir });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.mkdir(tmp, { recursive: true });
    for (const [rel, content] of Object.entries(files)) {
      const dest = insidePackage(tmp, rel, `file '${rel}'`);
      await fs.mkdir(path.dirname(dest), { recursive: true });
      await fs.writeFile(dest, content);
    }
    await fs.writeFile(path.join(tmp, MANIFEST_FILE), formatManifest(manifest));
    await checkModel(modelFile(tmp, manifest), manifest);
    if (replacing) await swapInto(tmp, target);
    else await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (err instanceof Error && 'code' in err && typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code)) throw fromSystemError(err, target);
    throw err;
  }
  return { dir: target, manifest, modelPath: modelFile(target, manifest) };
}

/** Replaces the directory `target` by `fresh`: the old one is moved aside first, then removed. */
async function swapInto(fresh: string, target: string): Promise<void> {
  const old = `${fresh}.old`;
  await fs.rename(target, old);
  try {
    await fs.rename(fresh, target);
  } catch (err) {
    await fs.rename(old, target);
    throw err;
  }
  await fs.rm(old, { recursive: true, force: true });
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}

/** The model file's absolute path; a path leaving the package is refused. */
function modelFile(dir: string, manifest: ModelManifest): string {
  return insidePackage(dir, manifest.model, `model file '${manifest.model}'`);
}

function insidePackage(dir: string, rel: string, what: string): string {
  const root = path.resolve(dir);
  const full = path.resolve(root, rel);
  if (path.isAbsolute(rel) || (full !== root && !full.startsWith(root + path.sep)) || full === root) {
    fail('INVALID_ARGUMENT', `${what} must be a relative path inside the package directory ${dir}`, { field: 'model', path: rel });
  }
  return full;
}

/** Loads the model (missing → names the file; not ONNX → names the file) and checks the signature. */
async function checkModel(modelPath: string, manifest: ModelManifest): Promise<void> {
  const model = await loadOnnxModel(modelPath);
  try {
    checkSignature(model, manifest);
  } finally {
    await model.close();
  }
}

/**
 * The signature must agree with the model's input and output names, element types and shapes:
 * layout 'matrix' feeds one float tensor [batch, n], layout 'columns' one input per column.
 */
export function checkSignature(model: OnnxModel, manifest: ModelManifest): void {
  if (manifest.signature.feed.layout === 'columns') checkColumnInputs(model, manifest);
  else checkMatrixInput(model, manifest);
  checkOutputs(model, manifest);
}

const quoted = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

function checkMatrixInput(model: OnnxModel, manifest: ModelManifest): void {
  const sig = manifest.signature;
  const where = model.path;
  if (model.inputs.length !== 1) {
    fail('INVALID_ARGUMENT', `${where}: the model takes ${model.inputs.length} inputs (${quoted(model.inputs.map((i) => i.name))}); a matrix signature feeds exactly one (for a model taking one input per column, set signature.feed.layout: columns)`, { field: 'signature.feed.layout', path: where });
  }
  const input = model.inputs[0]!;
  if (input.name !== sig.feed.tensor) fail('INVALID_ARGUMENT', `${where}: signature.feed.tensor is '${sig.feed.tensor}' but the model's input is '${input.name}'`, { field: 'signature.feed.tensor', expected: input.name });
  if (input.elementType !== 'float32' && input.elementType !== 'float64') {
    fail('INVALID_ARGUMENT', `${where}: input '${input.name}' takes ${input.elementType ?? 'a non-tensor'}; a matrix signature needs float or double`, { field: 'signature.feed.tensor' });
  }
  const width = featureNames(manifest.preprocess, sig.inputs.map((c) => c.name)).length;
  const [, cols] = input.shape;
  if (input.shape.length !== 2 || (typeof cols === 'number' && cols !== width)) {
    fail('INVALID_ARGUMENT', `${where}: input '${input.name}' has shape ${formatShape(input.shape)} but the signature builds [batch, ${width}] from its ${sig.inputs.length} input columns`, { field: 'signature.inputs', expected: input.shape, given: width });
  }
  checkPreprocessColumns(manifest);
}

/** Layout 'columns': the same names on both sides, each input a [batch, 1] or [batch] tensor of the column's type. */
function checkColumnInputs(model: OnnxModel, manifest: ModelManifest): void {
  const where = model.path;
  const sig = manifest.signature.inputs;
  const missing = model.inputs.map((i) => i.name).filter((n) => !sig.some((c) => c.name === n));
  const extra = sig.map((c) => c.name).filter((n) => !model.inputs.some((i) => i.name === n));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length > 0 && `model inputs missing from the signature: ${quoted(missing)}`, extra.length > 0 && `signature inputs the model does not take: ${quoted(extra)}`].filter(Boolean);
    const only = model.inputs.length === 1 ? model.inputs[0]! : undefined;
    const hint = only && only.shape.length === 2 && typeof only.shape[1] === 'number' && only.shape[1] > 1
      ? ` (the model takes one ${formatShape(only.shape)} tensor '${only.name}': use signature.feed.layout: matrix with feed.tensor: ${only.name})`
      : '';
    fail('INVALID_ARGUMENT', `${where}: with layout 'columns' the signature inputs must be the model's inputs: ${parts.join('; ')}${hint}`, { field: 'signature.inputs', missing, extra });
  }
  for (const col of sig) {
    const input = model.inputs.find((i) => i.name === col.name)!;
    const details = { field: 'signature.inputs', column: col.name };
    if (input.elementType !== ONNX_TYPES[col.type]) {
      const fits = (Object.keys(ONNX_TYPES) as ColumnType[]).find((t) => ONNX_TYPES[t] === input.elementType);
      const fix = fits ? `set its type to ${fits}` : 'a signature column can feed only float, double, int64 or string';
      fail('INVALID_ARGUMENT', `${where}: signature input '${col.name}' is ${col.type} but the model's input '${col.name}' takes ${input.elementType ?? 'a non-tensor'}; ${fix}`, { ...details, expected: input.elementType, given: col.type });
    }
    const [, second] = input.shape;
    if (input.shape.length < 1 || input.shape.length > 2 || (typeof second === 'number' && second !== 1)) {
      fail('INVALID_ARGUMENT', `${where}: input '${col.name}' has shape ${formatShape(input.shape)}; layout 'columns' feeds each column as [batch, 1] or [batch]`, { ...details, expected: input.shape });
    }
  }
  checkPreprocessColumns(manifest);
}

/** Each signature output must be a tensor output of the model with the declared element type. */
function checkOutputs(model: OnnxModel, manifest: ModelManifest): void {
  const where = model.path;
  for (const out of manifest.signature.outputs) {
    const details = { field: 'signature.outputs', output: out.name };
    const found = model.outputs.find((o) => o.name === out.name);
    if (!found) fail('INVALID_ARGUMENT', `${where}: signature output '${out.name}' is not an output of the model (it has ${quoted(model.outputs.map((o) => o.name))})`, details);
    if (!found.isTensor) fail('INVALID_ARGUMENT', `${where}: signature ${nonTensorOutputHint(out.name, model.outputs)}`, details);
    if (found.elementType !== ONNX_TYPES[out.type]) {
      fail('INVALID_ARGUMENT', `${where}: signature output '${out.name}' is ${out.type} but the model gives ${found.elementType}`, details);
    }
  }
}

/** Every column preprocess names must be a signature input; for a matrix, string inputs must be one-hot encoded. */
function checkPreprocessColumns(manifest: ModelManifest): void {
  const inputs = new Map(manifest.signature.inputs.map((c) => [c.name, c.type]));
  const p = manifest.preprocess;
  const mentioned = [...(p?.columns ?? []), ...Object.keys(p?.impute ?? {}), ...Object.keys(p?.scale ?? {}), ...Object.keys(p?.one_hot ?? {})];
  for (const c of mentioned) {
    if (!inputs.has(c)) fail('INVALID_ARGUMENT', `preprocess names column '${c}', which is not a signature input`, { field: 'preprocess', column: c });
  }
  if (manifest.signature.feed.layout === 'columns') return;
  for (const c of p?.columns ?? [...inputs.keys()]) {
    if (inputs.get(c) === 'string' && !p?.one_hot[c]) fail('INVALID_ARGUMENT', `string input '${c}' needs a preprocess.one_hot entry to become numbers`, { field: 'preprocess.one_hot', column: c });
  }
}
