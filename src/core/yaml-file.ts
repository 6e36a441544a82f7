import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type DocumentOptions, type Node, type ParseOptions, type SchemaOptions } from 'yaml';
import { z } from 'zod';
import { fail } from './errors.js';
import { nearest } from './nearest.js';

/**
 * YAML files users write by hand (paddock.yaml, dvc.yaml, data schemas, model manifests) share
 * one way of saying where a mistake is: `file:line`, the key, and for an unknown key the nearest
 * valid one. This module is that one way.
 */

/** A parsed YAML document that can locate key paths. */
export interface YamlDocument {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

/** Parses YAML text; malformed YAML → YAML_INVALID naming `file:line`. */
export function parseYamlDocument(text: string, file: string, options: ParseOptions & DocumentOptions & SchemaOptions = {}): YamlDocument {
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...options, lineCounter: lines, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line ?? lines.linePos(err.pos[0]).line;
    fail('YAML_INVALID', `${file}:${line}: ${err.message.split('\n')[0]}`, { file, line });
  }
  return { file, doc, lines };
}

/**
 * The line of the deepest key (or sequence item) of `keyPath` present in the document, and
 * whether any of the path was found (when none is, `line` is the document's first line).
 */
export function lineOfKeyPath(source: YamlDocument, keyPath: readonly (string | number)[]): { line: number; found: boolean } {
  let node: Node | null | undefined = source.doc.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  let found = false;
  for (const key of keyPath) {
    let next: Node | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      next = (pair.value ?? undefined) as Node | undefined;
    } else if (isSeq(node) && Number.isInteger(Number(key))) {
      next = node.items[Number(key)] as Node | undefined;
      if (!next) break;
      offset = next.range?.[0] ?? offset;
    } else break;
    found = true;
    node = next;
  }
  return { line: source.lines.linePos(offset).line, found };
}

/** `file:line` of a key path, or just the file when the path is not in the document. */
export function whereIs(file: string, source: YamlDocument | undefined, keyPath: readonly (string | number)[]): string {
  if (!source) return file;
  const { line, found } = lineOfKeyPath(source, keyPath);
  return found ? `${file}:${line}` : file;
}

/** The keys an object schema accepts at `keyPath` (through records, arrays and optionals). */
export function validKeysAt(schema: z.ZodType, keyPath: readonly string[]): string[] {
  let shape: z.ZodType | undefined = schema;
  for (const key of keyPath) {
    const inner = unwrap(shape);
    if (inner instanceof z.ZodObject) shape = inner.shape[key] as z.ZodType | undefined;
    else if (inner instanceof z.ZodArray) shape = inner.element as z.ZodType;
    else if (inner instanceof z.ZodRecord) shape = inner.valueType as z.ZodType;
    else shape = undefined;
    if (!shape) return [];
  }
  const inner = unwrap(shape);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

function unwrap(t: z.ZodType): z.ZodType {
  let cur = t;
  while (cur instanceof z.ZodDefault || cur instanceof z.ZodPrefault || cur instanceof z.ZodOptional) cur = cur.unwrap() as z.ZodType;
  return cur;
}

/** How a parse error names its file and suggests keys. */
export interface StrictParseOptions {
  readonly file: string;
  /** The YAML the value came from, for line numbers (absent for values built in code). */
  readonly source?: YamlDocument;
  /** Suggest the whole dotted path (`cache.dir`) or just the key (`dir`). Default: key. */
  readonly suggest?: 'path' | 'key';
}

/**
 * Validates `value` against a strict zod schema. An unknown key → CONFIG_INVALID naming
 * `file:line`, the dotted key, the nearest valid key and the valid keys there (reported before
 * the "missing" error a misspelt key also causes); any other issue → CONFIG_INVALID naming the key.
 */
export function parseStrict<S extends z.ZodType>(schema: S, value: unknown, options: StrictParseOptions): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
  const keyPath = issue.path.map(String);
  const { file, source } = options;
  if (issue.code === 'unrecognized_keys') {
    const bad = issue.keys[0]!;
    const full = [...keyPath, bad];
    const valid = validKeysAt(schema, keyPath);
    const suggestion = nearest(bad, valid);
    const shown = suggestion && options.suggest === 'path' ? [...keyPath, suggestion].join('.') : suggestion;
    fail('CONFIG_INVALID', `${whereIs(file, source, full)}: unknown key '${full.join('.')}'${shown ? `; did you mean '${shown}'?` : ''} (valid here: ${valid.join(', ')})`, { file, key: full.join('.'), suggestion });
  }
  const key = keyPath.join('.') || '(top level)';
  return fail('CONFIG_INVALID', `${whereIs(file, source, keyPath)}: '${key}': ${issue.message}`, { file, key });
}
