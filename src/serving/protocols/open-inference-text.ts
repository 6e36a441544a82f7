/**
 * The common Open Inference request read straight from its JSON text: one row, every input
 * `{"name": …, "shape": [1], "datatype": …, "data": [element]}` (members in any order), an
 * optional string `id`, nothing else. It gives what `JSON.parse` and then `decodeInferRequest`
 * give for such a text, without building the parsed objects first: on the serving thread,
 * V8's JSON.parse of the 260-byte benchmark request took about 4 µs of a request's 44, more than
 * the model.
 *
 * It takes only what it can read without doubt: strings without escapes, numbers by JSON's
 * grammar, each member once. For anything else (escapes, other members, longer or nested data,
 * `true`, a repeated key, text after the object) it answers undefined, and the caller parses the
 * text and takes the general path, which also words the errors.
 */
import type { ModelManifest } from '../../models/index.js';
import { OneRow, type DecodedInferRequest } from './open-inference.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const ONE = 0x31;
const NINE = 0x39;

// The text being read and the position in it: one scan at a time (serving is single-threaded), no closures per request.
let text = '';
let at = 0;

/** The one-row request `body` holds, decoded for `manifest`; undefined where the general path must decide. */
export function decodeOneRowText(body: string, manifest: ModelManifest): DecodedInferRequest | undefined {
  text = body;
  at = 0;
  try {
    return request(manifest);
  } finally {
    text = '';
  }
}

/** `{"inputs": [...], "id": "..."}`, then only whitespace. */
function request(manifest: ModelManifest): DecodedInferRequest | undefined {
  if (!take(LBRACE)) return undefined;
  let one: OneRow | undefined;
  let id: string | undefined;
  do {
    const key = string();
    if (key === undefined || !take(COLON)) return undefined;
    if (key === 'inputs' && one === undefined) {
      one = inputs(manifest);
      if (one === undefined) return undefined;
    } else if (key === 'id' && id === undefined) {
      id = string();
      if (id === undefined) return undefined;
    } else return undefined;
  } while (take(COMMA));
  if (!take(RBRACE)) return undefined;
  skipSpace();
  return at === text.length ? one?.request(id) : undefined;
}

/** `[tensor, …]` into a OneRow. */
function inputs(manifest: ModelManifest): OneRow | undefined {
  if (!take(LBRACKET)) return undefined;
  const one = new OneRow(manifest);
  do {
    if (!tensor(one)) return undefined;
  } while (take(COMMA));
  return take(RBRACKET) ? one : undefined;
}

const NAME = 1;
const SHAPE = 2;
const DATATYPE = 4;
const DATA = 8;

/** `{"name": "…", "shape": [1], "datatype": "…", "data": [element]}`, put into `one`. */
function tensor(one: OneRow): boolean {
  if (!take(LBRACE)) return false;
  let seen = 0;
  let name: string | undefined;
  let datatype: string | undefined;
  let element: string | number | undefined;
  do {
    const key = string();
    if (key === undefined || !take(COLON)) return false;
    if (key === 'name' && (seen & NAME) === 0) {
      if ((name = string()) === undefined) return false;
      seen |= NAME;
    } else if (key === 'datatype' && (seen & DATATYPE) === 0) {
      if ((datatype = string()) === undefined) return false;
      seen |= DATATYPE;
    } else if (key === 'shape' && (seen & SHAPE) === 0) {
      // Exactly [1]: `1.0` or `[1, 1]` are the general path's to judge.
      if (!take(LBRACKET) || !take(ONE) || !take(RBRACKET)) return false;
      seen |= SHAPE;
    } else if (key === 'data' && (seen & DATA) === 0) {
      if (!take(LBRACKET)) return false;
      skipSpace();
      element = text.charCodeAt(at) === QUOTE ? string() : number();
      if (element === undefined || !take(RBRACKET)) return false;
      seen |= DATA;
    } else return false;
  } while (take(COMMA));
  return seen === (NAME | SHAPE | DATATYPE | DATA) && take(RBRACE) && one.put(name, datatype, element);
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
function skipSpace(): void {
  let c = text.charCodeAt(at);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++at);
}

/** Whether the next character after whitespace is `c` (then read). */
function take(c: number): boolean {
  skipSpace();
  if (text.charCodeAt(at) !== c) return false;
  at++;
  return true;
}

/** A string with no escape or control character (which JSON.parse would reject or rewrite); undefined otherwise. */
function string(): string | undefined {
  if (!take(QUOTE)) return undefined;
  const start = at;
  for (let c = text.charCodeAt(at); c !== QUOTE; c = text.charCodeAt(++at)) {
    // NaN past the end: an unterminated string.
    if (c === BACKSLASH || c < 0x20 || c !== c) return undefined;
  }
  return text.slice(start, at++);
}

const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;

/** A number by JSON's grammar (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`), valued as JSON.parse values it; undefined otherwise. */
function number(): number | undefined {
  const start = at;
  let c = text.charCodeAt(at);
  const negative = c === MINUS;
  if (negative) c = text.charCodeAt(++at);
  let value = 0;
  if (c === ZERO) c = text.charCodeAt(++at);
  else if (c >= ONE && c <= NINE) {
    do {
      value = value * 10 + (c - ZERO);
      c = text.charCodeAt(++at);
    } while (isDigit(c));
  } else return undefined;
  let whole = true;
  if (c === DOT) {
    whole = false;
    if (!isDigit(text.charCodeAt(++at))) return undefined;
    do c = text.charCodeAt(++at);
    while (isDigit(c));
  }
  if (c === 0x65 || c === 0x45) {
    whole = false;
    c = text.charCodeAt(++at);
    if (c === PLUS || c === MINUS) c = text.charCodeAt(++at);
    if (!isDigit(c)) return undefined;
    do c = text.charCodeAt(++at);
    while (isDigit(c));
  }
  // Up to 15 digits the sum is exact; longer or fractional numbers are rounded as JSON.parse rounds them.
  if (whole && at - start <= 15) return negative ? -value : value;
  return Number(text.slice(start, at));
}
