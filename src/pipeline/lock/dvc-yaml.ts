import { stringify } from 'yaml';
import { pyNumber } from './python-format.js';

/**
 * Writes plain data (maps, lists, scalars) as YAML the way DVC writes dvc.lock and run-cache
 * entries: ruamel.yaml's round-trip dumper with `default_flow_style=False`. That means 2-space
 * mappings, sequences not indented under their key, single quotes only where a plain scalar
 * would be read back differently, `key:` for null, and long scalars folded at a space once a
 * line passes 80 columns (PyYAML's emitter rule), so a file Paddock rewrites diffs cleanly
 * against one DVC wrote.
 */
export function dumpDvcYaml(value: Readonly<Record<string, unknown>>): string {
  const w = new Writer();
  emitMap(w, value, 0, true);
  return w.text.endsWith('\n') ? w.text : `${w.text}\n`;
}

const BEST_WIDTH = 80;

class Writer {
  text = '';
  column = 0;

  write(s: string): void {
    this.text += s;
    this.column += [...s].length;
  }

  newline(indent: number): void {
    this.text += `\n${' '.repeat(indent)}`;
    this.column = indent;
  }

  /** A bare line break (the blank line PyYAML writes for a newline inside a quoted scalar). */
  lineBreak(): void {
    this.text += '\n';
    this.column = 0;
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmptyCollection(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0);
}

function emitMap(w: Writer, map: Readonly<Record<string, unknown>>, indent: number, inline: boolean): void {
  let first = true;
  for (const [key, val] of Object.entries(map)) {
    if (val === undefined) continue;
    if (!(first && inline)) w.newline(indent);
    first = false;
    w.write(`${keyText(key)}:`);
    if (Array.isArray(val) && val.length > 0) emitSeq(w, val, indent, false);
    else if (isMap(val) && !isEmptyCollection(val)) {
      w.newline(indent + 2);
      emitMap(w, val, indent + 2, true);
    } else emitScalar(w, val, indent + 2);
  }
}

function emitSeq(w: Writer, items: readonly unknown[], indent: number, inline: boolean): void {
  let first = true;
  for (const item of items) {
    if (!(first && inline)) w.newline(indent);
    first = false;
    w.write('-');
    if (isMap(item) && !isEmptyCollection(item)) {
      w.write(' ');
      emitMap(w, item, indent + 2, true);
    } else if (Array.isArray(item) && item.length > 0) {
      w.write(' ');
      emitSeq(w, item, indent + 2, true);
    } else emitScalar(w, item, indent + 2);
  }
}

/** Writes ` value` after `key:` or `-`; `contIndent` is where folded lines continue. */
function emitScalar(w: Writer, value: unknown, contIndent: number): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) return w.write(' []');
  if (isMap(value)) return w.write(' {}');
  if (typeof value === 'boolean') return w.write(value ? ' true' : ' false');
  if (typeof value === 'number') return w.write(` ${yamlNumber(value)}`);
  const s = String(value);
  const style = scalarStyle(s);
  if (style === 'double') return w.write(` ${stringify(s, { lineWidth: 0, singleQuote: false, blockQuote: false }).trimEnd()}`);
  w.write(' ');
  if (style === 'plain') writePlain(w, s, contIndent);
  else writeSingleQuoted(w, s, contIndent);
}

/** ruamel writes floats with repr() and turns `1e-05` into `1.0e-05`; NaN/inf as .nan/.inf. */
function yamlNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  const s = pyNumber(n);
  return !s.includes('.') && s.includes('e') ? s.replace('e', '.0e') : s;
}

type Style = 'plain' | 'single' | 'double';

// What PyYAML's analyze_scalar accepts without escapes (allow_unicode, as ruamel's default).
const PRINTABLE = /^[\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]*$/u;

function scalarStyle(s: string): Style {
  if (!PRINTABLE.test(s)) return 'double';
  if (s.includes('\n')) return 'single';
  // The yaml package applies YAML 1.2's rules for when a plain scalar is ambiguous (numbers,
  // booleans, null, indicators, `: `, ` #`, leading/trailing spaces), as ruamel does.
  // A quote inside the text makes the yaml package pick double quotes where PyYAML keeps plain
  // or single quotes, so probe with inner quotes neutralised; a leading quote forces quoting.
  const probe = stringify(s.replace(/(?!^)'/g, 'x'), { lineWidth: 0, singleQuote: true, blockQuote: false }).trimEnd();
  if (probe.startsWith('"')) return 'double';
  if (probe.startsWith("'") || s.startsWith("'")) return 'single';
  return 'plain';
}

function keyText(key: string): string {
  const style = scalarStyle(key);
  if (style === 'plain') return key;
  if (style === 'single' && !key.includes('\n')) return `'${key.replaceAll("'", "''")}'`;
  return stringify(key, { lineWidth: 0, blockQuote: false }).trimEnd();
}

/** PyYAML's write_plain: a single space becomes a line break once the line passes 80 columns. */
function writePlain(w: Writer, text: string, contIndent: number): void {
  const parts = text.split(/( +)/);
  for (const part of parts) {
    if (part === '') continue;
    if (part === ' ' && w.column > BEST_WIDTH) w.newline(contIndent);
    else w.write(part);
  }
}

/** PyYAML's write_single_quoted, including the blank line it writes for each newline. */
function writeSingleQuoted(w: Writer, text: string, contIndent: number): void {
  w.write("'");
  const chars = [...text];
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i]!;
    if (ch === ' ') {
      let j = i;
      while (j < chars.length && chars[j] === ' ') j++;
      if (j - i === 1 && w.column > BEST_WIDTH && i !== 0 && j !== chars.length) w.newline(contIndent);
      else w.write(chars.slice(i, j).join(''));
      i = j;
    } else if (ch === '\n') {
      let j = i;
      while (j < chars.length && chars[j] === '\n') j++;
      w.lineBreak();
      for (let k = i; k < j; k++) w.lineBreak();
      w.write(' '.repeat(contIndent));
      i = j;
    } else {
      w.write(ch === "'" ? "''" : ch);
      i++;
    }
  }
  w.write("'");
}
