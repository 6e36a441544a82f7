/**
 * Tokenizer for MLflow's filter and order_by syntax. Identifiers with an entity prefix
 * (`metrics.auc`, `params."a b"`, `` `tags`.x ``) come out as one `ident` token so the key may
 * contain characters that are operators elsewhere (`metrics.loss-1`, `params.a/b`).
 */
import { syntaxError, type SourceContext } from './syntax-error.js';

export type TokenKind =
  | 'ident' // prefix.key
  | 'word' // bare word: keyword or attribute name
  | 'string' // 'single-quoted'
  | 'dquoted' // "double-quoted": a key or a string value, depending on position
  | 'backtick' // `quoted key`
  | 'number'
  | 'op'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Unquoted content: the key for `ident`, the operator, the word, the string's value. */
  readonly value: string;
  /** The raw source slice, for messages. */
  readonly raw: string;
  readonly pos: number;
  /** For `ident`: the prefix without backticks, and where the key starts. */
  readonly prefix?: string;
  readonly keyPos?: number;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const OPERATOR = />=|<=|!=|<>|==|=|>|</y;
// Unquoted keys: MLflow key names are alphanumerics, `_`, `-`, `.`, `/` (plus `:` seen in the wild).
const RAW_KEY = /[A-Za-z0-9_.\-/:]+/y;
const IDENT_CHAR = /[A-Za-z_]/;

function match(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0] : undefined;
}

/**
 * Reads a quoted run starting at `at` (which holds the quote). A doubled quote or a backslash
 * before the quote stands for the quote itself; `\\` stays as written (MLflow keeps values
 * verbatim), it is only consumed as a pair so that `'a\\'` ends where it looks like it ends.
 */
function readQuoted(ctx: SourceContext, at: number): { value: string; end: number } {
  const text = ctx.text;
  const q = text[at]!;
  let out = '';
  let i = at + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === q) {
      out += q;
      i += 2;
    } else if (c === '\\' && text[i + 1] === '\\') {
      out += '\\\\';
      i += 2;
    } else if (c === q && text[i + 1] === q) {
      out += q;
      i += 2;
    } else if (c === q) {
      return { value: out, end: i + 1 };
    } else {
      out += c;
      i += 1;
    }
  }
  const name = q === '`' ? 'backtick-quoted name' : q === '"' ? 'double-quoted string' : 'string';
  return syntaxError(ctx, at, `unterminated ${name}: add the closing ${q}`);
}

/** After `prefix.`: a quoted or raw key. */
function readKey(ctx: SourceContext, at: number, prefixRaw: string): { value: string; end: number } {
  const c = ctx.text[at];
  if (c === '"' || c === "'" || c === '`') return readQuoted(ctx, at);
  const raw = match(RAW_KEY, ctx.text, at);
  if (raw === undefined) {
    return syntaxError(ctx, at, `expected a key after '${prefixRaw}.', e.g. ${prefixRaw}.my_key or ${prefixRaw}."my key"`);
  }
  return { value: raw, end: at + raw.length };
}

function withKey(ctx: SourceContext, pos: number, prefix: string, afterPrefix: number): Token {
  const prefixRaw = ctx.text.slice(pos, afterPrefix);
  const key = readKey(ctx, afterPrefix + 1, prefixRaw);
  return { kind: 'ident', value: key.value, raw: ctx.text.slice(pos, key.end), pos, prefix, keyPos: afterPrefix + 1 };
}

function lexOne(ctx: SourceContext, i: number): Token {
  const text = ctx.text;
  const c = text[i]!;
  const single = (kind: TokenKind): Token => ({ kind, value: c, raw: c, pos: i });
  if (c === '(') return single('lparen');
  if (c === ')') return single('rparen');
  if (c === ',') return single('comma');
  const num = match(NUMBER, text, i);
  if (num !== undefined) {
    const after = text[i + num.length];
    if (after !== undefined && (IDENT_CHAR.test(after) || after === '.')) {
      return syntaxError(ctx, i, `invalid number '${num}${after}…'`);
    }
    return { kind: 'number', value: num, raw: num, pos: i };
  }
  const op = match(OPERATOR, text, i);
  if (op !== undefined) return { kind: 'op', value: op, raw: op, pos: i };
  if (c === "'" || c === '"' || c === '`') {
    const q = readQuoted(ctx, i);
    if (c === '`' && text[q.end] === '.') return withKey(ctx, i, q.value, q.end);
    const kind: TokenKind = c === "'" ? 'string' : c === '"' ? 'dquoted' : 'backtick';
    return { kind, value: q.value, raw: text.slice(i, q.end), pos: i };
  }
  const word = match(WORD, text, i);
  if (word !== undefined) {
    if (text[i + word.length] === '.') return withKey(ctx, i, word, i + word.length);
    return { kind: 'word', value: word, raw: word, pos: i };
  }
  return syntaxError(ctx, i, `unexpected character '${c}'${c === ';' ? ' (a filter is one expression; join comparisons with AND or OR)' : ''}`);
}

/** Splits the whole input into tokens, ending with one `eof` token at `text.length`. */
export function tokenize(ctx: SourceContext): Token[] {
  const tokens: Token[] = [];
  const text = ctx.text;
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const tok = lexOne(ctx, i);
    tokens.push(tok);
    i = tok.pos + tok.raw.length;
  }
  tokens.push({ kind: 'eof', value: '', raw: '', pos: text.length });
  return tokens;
}

/** Whether a token is the given keyword (case-insensitive). */
export function isKeyword(tok: Token, keyword: string): boolean {
  return tok.kind === 'word' && tok.value.toUpperCase() === keyword;
}

/** How a token reads in a message: `'0.9'`, or "the end of the input". */
export function describe(tok: Token): string {
  return tok.kind === 'eof' ? 'the end of the input' : `'${tok.raw}'`;
}
