import { PyFloat, isRecord, plain } from './yaml-source.js';

/**
 * `${…}` templating with DVC's rules (dvc/parsing/interpolate.py): a value that is exactly one
 * `${x}` keeps x's type; embedded references become Python `str()` text; a dict inside `cmd`
 * unpacks to `--key value` flags; `\${` escapes a literal `${`.
 */

/** Thrown by templating; the loader adds file, line and stage. */
export class TemplateError extends Error {
  constructor(message: string, readonly missingKey?: string) {
    super(message);
  }
}

const PATTERN = /(?<!\\)\$\{(.*?)\}/g;
const EXPRESSION = /^[A-Za-z0-9_\-/]+(?:\.[A-Za-z0-9_\-/]+|\[\d+\])*$/;

/** Whether a string holds a `${…}` reference. */
export function isInterpolated(text: string): boolean {
  PATTERN.lastIndex = 0;
  return PATTERN.test(text);
}

/** Looks up a dotted expression (`a.b[0].c`) in the context; TemplateError when missing. */
export function select(context: Readonly<Record<string, unknown>>, expression: string): unknown {
  const expr = expression.trim();
  if (!EXPRESSION.test(expr)) throw new TemplateError(`invalid expression '\${${expression}}'`);
  const parts = expr.replace(/\[(\d+)\]/g, '.$1').split('.');
  let cur: unknown = context;
  for (const part of parts) {
    if (Array.isArray(cur) && /^\d+$/.test(part) && Number(part) < cur.length) cur = cur[Number(part)];
    else if (isRecord(cur) && Object.hasOwn(cur, part)) cur = cur[part];
    else throw new TemplateError(`could not find '${expr}'`, expr);
  }
  return cur;
}

/**
 * Resolves every string inside `value` against `context`. `field` is the stage field being
 * resolved (`cmd` allows dict unpacking; `foreach`/`matrix` allow lists and dicts).
 */
export function resolveValue(value: unknown, context: Readonly<Record<string, unknown>>, field: string): unknown {
  if (typeof value === 'string') return resolveString(value, context, field);
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, context, field));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(v, context, field)]));
  return value;
}

function resolveString(text: string, context: Readonly<Record<string, unknown>>, field: string): unknown {
  const matches = [...text.matchAll(PATTERN)];
  if (matches.length === 1 && matches[0]![0] === text) {
    const value = select(context, matches[0]![1]!);
    checkInterpolable(value, field);
    return value;
  }
  let out = '';
  let index = 0;
  for (const m of matches) {
    const value = select(context, m[1]!);
    checkInterpolable(value, field);
    out += text.slice(index, m.index) + toStr(value);
    index = m.index! + m[0].length;
  }
  return (out + text.slice(index)).replaceAll('\\${', '${');
}

function checkInterpolable(value: unknown, field: string): void {
  const composite = Array.isArray(value) || isRecord(value);
  if (!composite || field.includes('foreach') || field === 'matrix') return;
  if (isRecord(value) && field === 'cmd') return;
  throw new TemplateError(`cannot interpolate data of type '${Array.isArray(value) ? 'list' : 'dict'}'`);
}

/** Python's `str()` of a value as DVC's `to_str` writes it (bool → true/false, dict → flags). */
export function toStr(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (isRecord(value)) return unpackDict(value);
  return pyStr(value);
}

/** Python's `str()` for YAML scalars and lists. */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value instanceof PyFloat) return pyFloat(value.value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isRecord(value)) return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  return String(value);
}

function pyRepr(value: unknown): string {
  return typeof value === 'string' ? `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'` : pyStr(value);
}

/** Python's float repr: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const fixed = String(n);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

/** Python's shlex.quote. */
export function shellQuote(text: string): string {
  if (text === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(text)) return text;
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}

/** DVC's dict unpacking in `cmd` (parsing.bool store_true, parsing.list nargs: the defaults). */
function unpackDict(dict: Record<string, unknown>): string {
  let out = '';
  for (const [key, v] of Object.entries(flatten(dict))) {
    if (typeof v === 'boolean') {
      if (v) out += `--${key} `;
    } else if (typeof v === 'string') {
      out += `--${key} ${shellQuote(v)} `;
    } else if (Array.isArray(v)) {
      v.forEach((item, n) => {
        if (Array.isArray(item) || isRecord(item)) throw new TemplateError(`cannot interpolate nested iterable in '${key}'`);
        const text = typeof item === 'string' ? shellQuote(item) : pyStr(item);
        out += n > 0 ? `${text} ` : `--${key} ${text} `;
      });
    } else {
      out += `--${key} ${pyStr(v)} `;
    }
  }
  return out.trimEnd();
}

/** Nested dicts to dotted keys (lists stay values), as dvc.utils.flatten does. */
export function flatten(dict: Readonly<Record<string, unknown>>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(dict)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isRecord(v) && Object.keys(v).length > 0) Object.assign(out, flatten(v, key));
    else out[key] = v;
  }
  return out;
}

/**
 * Merges `update` into `into` as DVC's context merge does: dicts merge recursively, any other
 * redefinition is an error naming the key.
 */
export function mergeVars(into: Record<string, unknown>, update: Readonly<Record<string, unknown>>, source: string, prefix = ''): void {
  for (const [k, v] of Object.entries(update)) {
    const key = prefix ? `${prefix}.${k}` : k;
    const existing = into[k];
    if (isRecord(existing) && isRecord(v)) {
      const copy = { ...existing };
      mergeVars(copy, v, source, key);
      into[k] = copy;
    } else if (Object.hasOwn(into, k)) {
      throw new TemplateError(`cannot redefine '${key}' from '${source}': it is already defined`);
    } else {
      into[k] = v;
    }
  }
}

/** The plain value (PyFloat unwrapped) of a resolved definition. */
export { plain };
