import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, stringify } from 'yaml';
import { fail, fromSystemError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs-atomic.js';
import { nearest } from '../core/nearest.js';
import { MD5_PATTERN } from './object-key.js';

/** How an output's md5 was computed: DVC 3 (`hash: md5`) or DVC 2.x legacy (no `hash:` key). */
export type HashName = 'md5' | 'md5-dos2unix';

/** One `outs` entry of a pointer file, validated. */
export interface PointerEntry {
  /** As written: posix, relative to the pointer file's folder (and `wdir`). */
  readonly path: string;
  readonly md5?: string;
  readonly size?: number;
  readonly nfiles?: number;
  readonly hashName: HashName;
  /** Other fields (cache, desc, remote, push, …) kept in order so a re-add preserves them. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** A parsed `.dvc` file. */
export interface PointerFile {
  /** Absolute path of the .dvc file. */
  readonly file: string;
  /** Absolute folder the out paths are relative to (the file's folder joined with `wdir`). */
  readonly wdir: string;
  readonly outs: readonly PointerEntry[];
  /** Top-level fields other than `outs` (desc, meta, frozen, deps, md5, wdir…), kept as read. */
  readonly top: Readonly<Record<string, unknown>>;
}

const TOP_KEYS = ['desc', 'md5', 'cmd', 'wdir', 'frozen', 'deps', 'outs', 'always_changed', 'meta'];
const HASH_KEYS = ['md5', 'size', 'nfiles', 'isexec'];
const EXTRA_KEYS = ['fs_config', 'desc', 'type', 'labels', 'meta', 'cache', 'metric', 'plot', 'persist', 'remote', 'push', 'files', 'version_id', 'etag', 'checksum', 'cloud'];
const OUT_KEYS = [...HASH_KEYS, 'hash', 'path', ...EXTRA_KEYS];
const BOOL_KEYS = ['cache', 'metric', 'persist', 'push', 'isexec'];

/** Reads and validates a `.dvc` file; POINTER_INVALID naming the file, line and field. */
export function readPointerFile(file: string): PointerFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw fromSystemError(err, file);
  }
  return parsePointer(text, file);
}

/** Parses pointer text (`file` is used for messages and to resolve paths). */
export function parsePointer(text: string, file: string): PointerFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line ?? 0;
    fail('POINTER_INVALID', `${file}:${line}: not valid YAML: ${err.message.split('\n')[0]}`, { file, line });
  }
  const value = doc.toJS() as unknown;
  if (!isMap(value)) fail('POINTER_INVALID', `${file}: expected a mapping with an 'outs' list at the top level`, { file, field: '' });
  for (const key of Object.keys(value)) {
    if (!TOP_KEYS.includes(key)) bad(file, key, `unknown field '${key}'${didYouMean(key, TOP_KEYS)}`);
  }
  const outs = value.outs;
  if (!Array.isArray(outs) || outs.length === 0) bad(file, 'outs', "'outs' must be a non-empty list of outputs");
  const wdirRaw = value.wdir ?? '.';
  if (typeof wdirRaw !== 'string') bad(file, 'wdir', "'wdir' must be a path string");
  const { outs: _outs, ...top } = value;
  return {
    file,
    wdir: path.resolve(path.dirname(file), wdirRaw),
    outs: outs.map((o, i) => parseOut(o, file, `outs[${i}]`)),
    top,
  };
}

function parseOut(raw: unknown, file: string, where: string): PointerEntry {
  if (!isMap(raw)) bad(file, where, `${where} must be a mapping with 'path' and 'md5'`);
  for (const key of Object.keys(raw)) {
    if (!OUT_KEYS.includes(key)) bad(file, `${where}.${key}`, `${where}: unknown field '${key}'${didYouMean(key, OUT_KEYS)}`);
  }
  const p = raw.path;
  if (typeof p !== 'string' || p.trim() === '') bad(file, `${where}.path`, `${where}.path must be a non-empty path string`);
  if (path.isAbsolute(p) || p.split(/[\\/]/).includes('..')) bad(file, `${where}.path`, `${where}.path '${p}' must be a path inside the repository, relative to the .dvc file`);
  const md5 = raw.md5;
  if (md5 !== undefined && (typeof md5 !== 'string' || !MD5_PATTERN.test(md5))) bad(file, `${where}.md5`, `${where}.md5 '${String(md5)}' is not an md5 hash (32 hex digits, '.dir' for a directory)`);
  for (const key of ['size', 'nfiles'] as const) {
    const v = raw[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) bad(file, `${where}.${key}`, `${where}.${key} must be a non-negative integer, got '${String(v)}'`);
  }
  if (raw.nfiles !== undefined && typeof md5 === 'string' && !md5.endsWith('.dir')) bad(file, `${where}.nfiles`, `${where}.nfiles is set but md5 does not name a directory ('.dir')`);
  if (raw.hash !== undefined && raw.hash !== 'md5') bad(file, `${where}.hash`, `${where}.hash '${String(raw.hash)}' is not supported (expected 'md5')`);
  for (const key of BOOL_KEYS) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') bad(file, `${where}.${key}`, `${where}.${key} must be true or false`);
  }
  const extra: Record<string, unknown> = {};
  for (const key of EXTRA_KEYS) if (raw[key] !== undefined) extra[key] = raw[key];
  return {
    path: p.replace(/\\/g, '/'),
    md5: md5 as string | undefined,
    size: raw.size as number | undefined,
    nfiles: raw.nfiles as number | undefined,
    hashName: raw.hash === 'md5' ? 'md5' : 'md5-dos2unix',
    extra,
  };
}

/**
 * The text DVC 3 writes for a pointer: top-level keys in DVC's order, each out as
 * `md5, size, nfiles, hash, path`, then its other fields; block style, `- ` not indented.
 */
export function formatPointer(pointer: Pick<PointerFile, 'outs' | 'top'>): string {
  const doc: Record<string, unknown> = {};
  for (const key of TOP_KEYS) {
    if (key === 'outs') doc.outs = pointer.outs.map(formatOut);
    else if (pointer.top[key] !== undefined) doc[key] = pointer.top[key];
  }
  return stringify(doc, { indentSeq: false, lineWidth: 0, singleQuote: true });
}

function formatOut(o: PointerEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (o.md5 !== undefined) out.md5 = o.md5;
  if (o.size !== undefined) out.size = o.size;
  if (o.nfiles !== undefined) out.nfiles = o.nfiles;
  if (o.hashName === 'md5') out.hash = 'md5';
  out.path = o.path;
  for (const key of EXTRA_KEYS) if (o.extra[key] !== undefined) out[key] = o.extra[key];
  return out;
}

/** Writes a pointer atomically (the last step of add: cache and workspace are ready first). */
export async function writePointerFile(file: string, pointer: Pick<PointerFile, 'outs' | 'top'>): Promise<void> {
  await writeFileAtomic(file, formatPointer(pointer));
}

function bad(file: string, field: string, message: string): never {
  fail('POINTER_INVALID', `${file}: ${message}`, { file, field });
}

function didYouMean(key: string, valid: readonly string[]): string {
  const s = nearest(key, valid);
  return s ? `; did you mean '${s}'?` : '';
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
