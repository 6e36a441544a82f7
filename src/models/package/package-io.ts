/**
 * Reading and writing model package directories. A package is only ever seen whole: it is
 * written to a temporary sibling directory, checked against its ONNX model, then renamed into
 * place; reading checks the manifest, the model file and the signature before returning.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fail, fromSystemError } from '../../core/errors.js';
import { formatShape, loadOnnxModel, type OnnxModel } from '../runtime/onnx-session.js';
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

/** The signature must agree with the model's input and output names, element types and shapes. */
export function checkSignature(model: OnnxModel, manifest: ModelManifest): void {
  const sig = manifest.signature;
  const where = model.path;
  const names = (xs: readonly { name: string }[]) => xs.map((x) => `'${x.name}'`).join(', ');
  if (model.inputs.length !== 1) fail('INVALID_ARGUMENT', `${where}: the model takes ${model.inputs.length} inputs (${names(model.inputs)}); a matrix signature feeds exactly one`, { path: where });
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
  for (const out of sig.outputs) {
    const found = model.outputs.find((o) => o.name === out.name);
    if (!found) fail('INVALID_ARGUMENT', `${where}: signature output '${out.name}' is not an output of the model (it has ${names(model.outputs)})`, { field: 'signature.outputs', output: out.name });
    if (found.elementType !== ONNX_TYPES[out.type]) {
      fail('INVALID_ARGUMENT', `${where}: signature output '${out.name}' is ${out.type} but the model gives ${found.elementType ?? 'a non-tensor'}`, { field: 'signature.outputs', output: out.name });
    }
  }
}

/** Every column preprocess names must be a signature input, and string inputs must be one-hot encoded. */
function checkPreprocessColumns(manifest: ModelManifest): void {
  const inputs = new Map(manifest.signature.inputs.map((c) => [c.name, c.type]));
  const p = manifest.preprocess;
  const mentioned = [...(p?.columns ?? []), ...Object.keys(p?.impute ?? {}), ...Object.keys(p?.scale ?? {}), ...Object.keys(p?.one_hot ?? {})];
  for (const c of mentioned) {
    if (!inputs.has(c)) fail('INVALID_ARGUMENT', `preprocess names column '${c}', which is not a signature input`, { field: 'preprocess', column: c });
  }
  for (const c of p?.columns ?? [...inputs.keys()]) {
    if (inputs.get(c) === 'string' && !p?.one_hot[c]) fail('INVALID_ARGUMENT', `string input '${c}' needs a preprocess.one_hot entry to become numbers`, { field: 'preprocess.one_hot', column: c });
  }
}
