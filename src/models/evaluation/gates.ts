/**
 * Promotion gates: `auc >= champion.auc - 0.005`, `rmse < champion.rmse * 1.02`, `f1 > 0.6`.
 * A gate compares two arithmetic expressions over numbers and metrics; `champion.<metric>`
 * reads the model being compared against. Parsing and evaluation are separate so the CLI can
 * reject a malformed gate before it spends minutes scoring a model.
 */
import { fail } from '../../core/errors.js';
import { editDistance, nearest } from '../../core/nearest.js';

/** The comparison a gate makes. */
export type ComparisonOp = '>=' | '<=' | '>' | '<' | '==' | '!=';

/** An arithmetic expression inside a gate; `start`/`end` index the gate text. */
export type GateExpr =
  | { readonly kind: 'number'; readonly value: number; readonly start: number; readonly end: number }
  | { readonly kind: 'metric'; readonly name: string; readonly source: 'current' | 'champion'; readonly start: number; readonly end: number }
  | { readonly kind: 'negate'; readonly operand: GateExpr; readonly start: number; readonly end: number }
  | { readonly kind: 'binary'; readonly op: '+' | '-' | '*' | '/'; readonly left: GateExpr; readonly right: GateExpr; readonly start: number; readonly end: number };

/** A parsed gate. */
export interface Gate {
  readonly text: string;
  readonly op: ComparisonOp;
  readonly left: GateExpr;
  readonly right: GateExpr;
  /** The source text of each side, as written. */
  readonly leftText: string;
  readonly rightText: string;
}

/** The metrics a gate is evaluated against. */
export interface GateContext {
  readonly current: Readonly<Record<string, number>>;
  /** The champion's metrics (`paddock evaluate --compare`); needed by `champion.<metric>`. */
  readonly champion?: Readonly<Record<string, number>>;
}

/** The outcome of one gate, with both sides evaluated so the CLI can print them. */
export interface GateResult {
  readonly expression: string;
  readonly op: ComparisonOp;
  readonly leftText: string;
  readonly rightText: string;
  readonly left: number;
  readonly right: number;
  /** False also when a side is NaN (an undefined metric never passes a gate). */
  readonly passed: boolean;
}

/** Other names a metric may be written as in a gate; the first name of each group is canonical. */
export const METRIC_ALIASES: readonly (readonly string[])[] = [
  ['roc_auc', 'auc'],
  ['pr_auc', 'average_precision'],
];

interface Token {
  readonly kind: 'number' | 'ident' | 'op' | 'end';
  readonly text: string;
  readonly start: number;
}

const COMPARISONS: readonly string[] = ['>=', '<=', '==', '!=', '>', '<'];
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/;

function syntaxError(text: string, at: number, what: string): never {
  const caret = `${' '.repeat(at)}^`;
  fail('INVALID_ARGUMENT', `invalid gate at column ${at + 1}: ${what}\n  ${text}\n  ${caret}\nA gate compares two expressions, e.g. "auc >= champion.auc - 0.005" or "f1 > 0.6".`, { gate: text, position: at, column: at + 1 });
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    const match = space ?? NUMBER.exec(rest) ?? IDENT.exec(rest);
    if (match) {
      if (!space) tokens.push({ kind: /^[\d.]/.test(match[0]) ? 'number' : 'ident', text: match[0], start: i });
      i += match[0].length;
      continue;
    }
    const op = COMPARISONS.find((c) => rest.startsWith(c)) ?? ('+-*/()'.includes(rest[0]!) ? rest[0]! : undefined);
    if (!op) syntaxError(text, i, rest[0] === '=' ? 'unexpected "=": write "==" to test equality' : `unexpected character ${JSON.stringify(rest[0])}`);
    tokens.push({ kind: 'op', text: op, start: i });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '', start: text.length });
  return tokens;
}

/** Parses a gate; a malformed one is INVALID_ARGUMENT naming the column where it goes wrong. */
export function parseGate(text: string): Gate {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token => tokens[pos]!;
  const found = (t: Token): string => (t.kind === 'end' ? 'the end of the gate' : `"${t.text}"`);

  const primary = (): GateExpr => {
    const t = tokens[pos++]!;
    if (t.kind === 'number') return { kind: 'number', value: Number(t.text), start: t.start, end: t.start + t.text.length };
    if (t.kind === 'ident') return metricRef(text, t);
    if (t.text === '-') {
      const operand = primary();
      return { kind: 'negate', operand, start: t.start, end: operand.end };
    }
    if (t.text === '(') {
      const inner = sum();
      const close = tokens[pos++]!;
      if (close.text !== ')') syntaxError(text, close.start, `expected ")" to close the "(" at column ${t.start + 1}, found ${found(close)}`);
      return { ...inner, start: t.start, end: close.start + 1 };
    }
    return syntaxError(text, t.start, `expected a number, a metric or "(", found ${found(t)}`);
  };
  const binary = (next: () => GateExpr, ops: string): (() => GateExpr) => () => {
    let left = next();
    while (peek().kind === 'op' && ops.includes(peek().text) && peek().text.length === 1) {
      const op = tokens[pos++]!.text as '+' | '-' | '*' | '/';
      const right = next();
      left = { kind: 'binary', op, left, right, start: left.start, end: right.end };
    }
    return left;
  };
  const product = binary(primary, '*/');
  const sum = binary(product, '+-');

  const left = sum();
  const cmp = tokens[pos++]!;
  if (!COMPARISONS.includes(cmp.text)) syntaxError(text, cmp.start, `expected a comparison (>=, <=, >, <, ==, !=), found ${found(cmp)}`);
  const right = sum();
  if (peek().kind !== 'end') syntaxError(text, peek().start, `expected the end of the gate, found ${found(peek())} (one comparison per gate; pass several gates instead)`);
  return {
    text,
    op: cmp.text as ComparisonOp,
    left,
    right,
    leftText: text.slice(0, cmp.start).trim(),
    rightText: text.slice(cmp.start + cmp.text.length).trim(),
  };
}

function metricRef(text: string, t: Token): GateExpr {
  const [head, ...rest] = t.text.split('.');
  const end = t.start + t.text.length;
  if ((head === 'champion' || head === 'current') && rest.length === 0) {
    syntaxError(text, end, `"${head}" needs a metric after it, e.g. ${head}.auc`);
  }
  if (head === 'champion' || head === 'current') return { kind: 'metric', name: rest.join('.'), source: head, start: t.start, end };
  return { kind: 'metric', name: t.text, source: 'current', start: t.start, end };
}

/** Evaluates a gate (parsed, or text to parse) against the current and champion metrics. */
export function evaluateGate(gate: Gate | string, context: GateContext): GateResult {
  const g = typeof gate === 'string' ? parseGate(gate) : gate;
  const left = evaluate(g.left, g.text, context);
  const right = evaluate(g.right, g.text, context);
  return { expression: g.text, op: g.op, leftText: g.leftText, rightText: g.rightText, left, right, passed: compare(left, g.op, right) };
}

/** Evaluates several gates; parses all first so a typo in the last one fails before any result. */
export function evaluateGates(gates: readonly string[], context: GateContext): GateResult[] {
  return gates.map(parseGate).map((g) => evaluateGate(g, context));
}

function compare(a: number, op: ComparisonOp, b: number): boolean {
  switch (op) {
    case '>=': return a >= b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '<': return a < b;
    case '==': return a === b;
    case '!=': return !Number.isNaN(a) && !Number.isNaN(b) && a !== b;
  }
}

function evaluate(e: GateExpr, text: string, context: GateContext): number {
  switch (e.kind) {
    case 'number': return e.value;
    case 'negate': return -evaluate(e.operand, text, context);
    case 'metric': return lookup(e.name, e.source, text, context);
    case 'binary': {
      const [a, b] = [evaluate(e.left, text, context), evaluate(e.right, text, context)];
      return e.op === '+' ? a + b : e.op === '-' ? a - b : e.op === '*' ? a * b : a / b;
    }
  }
}

function lookup(name: string, source: 'current' | 'champion', text: string, context: GateContext): number {
  const metrics = source === 'champion' ? context.champion : context.current;
  if (!metrics) {
    fail('INVALID_ARGUMENT', `gate "${text}" uses champion.${name} but no champion was given: pass --compare <model> to evaluate against the champion, or drop champion.* from the gate`, { gate: text, metric: `champion.${name}` });
  }
  const names = METRIC_ALIASES.find((group) => group.includes(name)) ?? [name];
  const found = names.find((n) => Object.hasOwn(metrics, n));
  if (found !== undefined) return metrics[found]!;
  const known = Object.keys(metrics);
  const suggestions = [...known].sort((a, b) => editDistance(name, a) - editDistance(name, b)).slice(0, 3);
  const guess = nearest(name, known);
  const whose = source === 'champion' ? 'the champion has no metric' : 'unknown metric';
  fail(
    'INVALID_ARGUMENT',
    `gate "${text}": ${whose} "${name}"${guess ? `; did you mean "${guess}"?` : '.'} Nearest known metrics: ${suggestions.join(', ') || '(none)'}. Known: ${known.join(', ')}`,
    { gate: text, metric: name, suggestions, known },
  );
}
