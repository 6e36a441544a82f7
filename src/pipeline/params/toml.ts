import { fail } from '../../core/errors.js';

/**
 * A small TOML reader for params files: tables, arrays of tables, dotted and quoted keys,
 * strings (basic, literal, multi-line), numbers, booleans, dates (kept as text), arrays and
 * inline tables. Enough for the configs ML projects keep; bad syntax → YAML_INVALID file:line.
 */
export function parseToml(file: string, text: string): Record<string, unknown> {
  return new TomlParser(file, text).parse();
}

type Table = Record<string, unknown>;

class TomlParser {
  private pos = 0;
  constructor(private readonly file: string, private readonly text: string) {}

  parse(): Table {
    const root: Table = {};
    let current = root;
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.text.length) return root;
      if (this.text.startsWith('[[', this.pos)) {
        this.pos += 2;
        const keys = this.key();
        this.expect(']]');
        const parent = this.descend(root, keys.slice(0, -1));
        const last = keys[keys.length - 1]!;
        const list = (parent[last] ??= []) as unknown[];
        if (!Array.isArray(list)) this.error(`'${keys.join('.')}' is not an array of tables`);
        current = {};
        list.push(current);
      } else if (this.text[this.pos] === '[') {
        this.pos += 1;
        const keys = this.key();
        this.expect(']');
        current = this.descend(root, keys);
      } else {
        const keys = this.key();
        this.expect('=');
        const value = this.value();
        const parent = this.descend(current, keys.slice(0, -1));
        parent[keys[keys.length - 1]!] = value;
      }
      this.skipInline();
      if (this.pos < this.text.length && this.text[this.pos] !== '\n') this.error('expected a new line');
    }
  }

  private descend(table: Table, keys: readonly string[]): Table {
    let cur = table;
    for (const k of keys) {
      let next = cur[k];
      if (Array.isArray(next)) next = next[next.length - 1];
      if (next === undefined) next = cur[k] = {};
      if (typeof next !== 'object' || next === null) this.error(`'${k}' is not a table`);
      cur = next as Table;
    }
    return cur;
  }

  private key(): string[] {
    const keys: string[] = [];
    for (;;) {
      this.skipInline();
      const c = this.text[this.pos];
      if (c === '"' || c === "'") keys.push(this.string());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.pos, this.pos + 256));
        if (!m) this.error('expected a key');
        keys.push(m[0]);
        this.pos += m[0].length;
      }
      this.skipInline();
      if (this.text[this.pos] !== '.') return keys;
      this.pos += 1;
    }
  }

  private value(): unknown {
    this.skipInline();
    const rest = this.text.slice(this.pos, this.pos + 64);
    const c = this.text[this.pos];
    if (c === '"' || c === "'") return this.string();
    if (c === '[') return this.array();
    if (c === '{') return this.inlineTable();
    const word = /^[^\s,\]}#]+/.exec(rest)?.[0] ?? '';
    this.pos += word.length;
    if (word === 'true' || word === 'false') return word === 'true';
    if (/^[+-]?(inf|nan)$/.test(word)) return word.includes('nan') ? NaN : word.startsWith('-') ? -Infinity : Infinity;
    if (/^\d{4}-\d{2}-\d{2}/.test(word)) return word;
    if (/^[+-]?0x[0-9a-f_]+$/i.test(word)) return parseInt(word.replaceAll('_', ''), 16);
    const n = Number(word.replaceAll('_', ''));
    if (word === '' || Number.isNaN(n)) this.error(`invalid value '${word}'`);
    return n;
  }

  private string(): string {
    const quote = this.text[this.pos]!;
    const multi = this.text.startsWith(quote.repeat(3), this.pos);
    const delim = multi ? quote.repeat(3) : quote;
    this.pos += delim.length;
    if (multi && this.text[this.pos] === '\n') this.pos += 1;
    const end = this.findClose(delim, quote === '"');
    const raw = this.text.slice(this.pos, end);
    this.pos = end + delim.length;
    return quote === "'" ? raw : unescape(raw);
  }

  private findClose(delim: string, escapes: boolean): number {
    for (let i = this.pos; i < this.text.length; i++) {
      if (escapes && this.text[i] === '\\') i += 1;
      else if (this.text.startsWith(delim, i)) return i;
      else if (delim.length === 1 && this.text[i] === '\n') break;
    }
    return this.error('unterminated string');
  }

  private array(): unknown[] {
    this.pos += 1;
    const items: unknown[] = [];
    for (;;) {
      this.skipBlank();
      if (this.text[this.pos] === ']') break;
      items.push(this.value());
      this.skipBlank();
      if (this.text[this.pos] === ',') this.pos += 1;
      else if (this.text[this.pos] !== ']') this.error("expected ',' or ']'");
    }
    this.pos += 1;
    return items;
  }

  private inlineTable(): Table {
    this.pos += 1;
    const table: Table = {};
    for (;;) {
      this.skipInline();
      if (this.text[this.pos] === '}') break;
      const keys = this.key();
      this.expect('=');
      this.descend(table, keys.slice(0, -1))[keys[keys.length - 1]!] = this.value();
      this.skipInline();
      if (this.text[this.pos] === ',') this.pos += 1;
      else if (this.text[this.pos] !== '}') this.error("expected ',' or '}'");
    }
    this.pos += 1;
    return table;
  }

  private expect(token: string): void {
    this.skipInline();
    if (!this.text.startsWith(token, this.pos)) this.error(`expected '${token}'`);
    this.pos += token.length;
  }

  private skipInline(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t' || this.text[this.pos] === '\r') this.pos += 1;
    if (this.text[this.pos] === '#') while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos += 1;
  }

  private skipBlank(): void {
    for (;;) {
      this.skipInline();
      if (this.text[this.pos] !== '\n') return;
      this.pos += 1;
    }
  }

  private error(message: string): never {
    const line = this.text.slice(0, this.pos).split('\n').length;
    return fail('YAML_INVALID', `${this.file}:${line}: invalid TOML: ${message}`, { file: this.file, line });
  }
}

function unescape(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/gs, (_m, e: string) => {
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\' } as Record<string, string>)[e] ?? e;
  });
}
