import path from 'node:path';
import { fail } from '../../core/errors.js';
import { getDotted, parseParamsText } from '../params/params-file.js';
import { isInterpolated, mergeVars, TemplateError } from './interpolate.js';
import { DEFAULT_PARAMS_FILE } from './normalize.js';
import type { Tree } from './tree.js';
import { isRecord } from './yaml-source.js';

/** The values `${…}` sees, and which files were imported whole (to allow listing them twice). */
export interface TemplateContext {
  readonly values: Record<string, unknown>;
  readonly imported: ReadonlySet<string>;
}

/** Where a `vars` list sits, for messages. */
export interface VarsOrigin {
  readonly file: string;
  readonly what: string;
  line(index: number): number;
}

/**
 * The context of a dvc.yaml: params.yaml beside it (when present), then the top-level `vars`
 * in order, merged as DVC merges them (a leaf may not be redefined).
 */
export async function loadFileContext(tree: Tree, dir: string, vars: unknown, origin: VarsOrigin): Promise<TemplateContext> {
  const values: Record<string, unknown> = {};
  const imported = new Set<string>();
  const defaultFile = path.join(dir, DEFAULT_PARAMS_FILE);
  const text = await tree.read(defaultFile);
  if (text !== undefined) {
    mergeInto(values, parseParamsText(defaultFile, text, { floats: true }), defaultFile, origin, 0);
    imported.add(defaultFile);
  }
  return addVars(tree, { values, imported }, dir, vars, origin);
}

/** A copy of `context` with a `vars` list (top-level or stage-level) merged in; paths are relative to `dir`. */
export async function addVars(tree: Tree, context: TemplateContext, dir: string, vars: unknown, origin: VarsOrigin): Promise<TemplateContext> {
  const values = structuredCloneValues(context.values);
  const imported = new Set(context.imported);
  if (vars === undefined || vars === null) return { values, imported };
  if (!Array.isArray(vars)) fail('STAGE_INVALID', `${origin.file}:${origin.line(-1)}: ${origin.what}: 'vars' must be a list of files or mappings`, { file: origin.file });
  for (const [i, entry] of vars.entries()) {
    if (isRecord(entry)) {
      rejectTemplates(entry, origin, i);
      mergeInto(values, entry, `${origin.file} vars`, origin, i);
    } else if (typeof entry === 'string') {
      const [name, keyText] = splitVarsEntry(entry);
      const file = path.resolve(dir, name);
      const keys = keyText.split(',').map((k) => k.trim()).filter(Boolean);
      if (keys.length === 0 && imported.has(file)) continue;
      const content = await tree.read(file);
      if (content === undefined) fail('STAGE_INVALID', `${origin.file}:${origin.line(i)}: ${origin.what}: vars file '${name}' does not exist (looked for ${file})`, { file: origin.file, vars: file });
      const data = parseParamsText(file, content, { floats: true });
      mergeInto(values, keys.length ? pick(data, keys, file, origin, i) : data, file, origin, i);
      if (keys.length === 0) imported.add(file);
    } else {
      fail('STAGE_INVALID', `${origin.file}:${origin.line(i)}: ${origin.what}: each vars entry must be a file name or a mapping`, { file: origin.file });
    }
  }
  return { values, imported };
}

/** `file.yaml:k1,k2` → [file.yaml, 'k1,k2'] (a Windows drive letter is not a separator). */
function splitVarsEntry(entry: string): [string, string] {
  const at = entry.indexOf(':', /^[A-Za-z]:[\\/]/.test(entry) ? 2 : 0);
  return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
}

function pick(data: Record<string, unknown>, keys: readonly string[], file: string, origin: VarsOrigin, index: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const got = getDotted(data, key);
    if (!got.found) fail('TEMPLATE_INVALID', `${origin.file}:${origin.line(index)}: ${origin.what}: key '${key}' not found in vars file ${file}`, { file: origin.file, key, vars: file });
    setDotted(out, key.split('.'), got.value);
  }
  return out;
}

function setDotted(target: Record<string, unknown>, parts: readonly string[], value: unknown): void {
  let cur = target;
  for (const part of parts.slice(0, -1)) cur = (cur[part] = isRecord(cur[part]) ? cur[part] : {}) as Record<string, unknown>;
  cur[parts[parts.length - 1]!] = value;
}

function mergeInto(values: Record<string, unknown>, update: Record<string, unknown>, source: string, origin: VarsOrigin, index: number): void {
  try {
    mergeVars(values, update, source);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    fail('TEMPLATE_INVALID', `${origin.file}:${origin.line(index)}: ${origin.what}: ${err.message}`, { file: origin.file, source });
  }
}

function rejectTemplates(value: unknown, origin: VarsOrigin, index: number): void {
  const walk = (v: unknown): boolean => (typeof v === 'string' ? isInterpolated(v) : Array.isArray(v) ? v.some(walk) : isRecord(v) ? Object.values(v).some(walk) : false);
  if (walk(value)) fail('TEMPLATE_INVALID', `${origin.file}:${origin.line(index)}: ${origin.what}: vars may not contain \${…} references`, { file: origin.file });
}

/** A shallow-enough copy: merges replace nested dicts by copies, so sharing leaves is safe. */
function structuredCloneValues(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { ...values };
}
