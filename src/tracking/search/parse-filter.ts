/**
 * The filter parser: MLflow's search syntax plus Paddock's `OR` and parentheses.
 *
 *   expr       := and_expr (OR and_expr)*          -- AND binds tighter than OR
 *   and_expr   := primary (AND primary)*
 *   primary    := '(' expr ')' | comparison
 *   comparison := key op value | key IS [NOT] NULL | key [NOT] IN '(' value (',' value)* ')'
 *
 * Keywords are case-insensitive; keys and values are case-sensitive. Values are typed by the
 * key: metrics and numeric attributes take numbers, everything else quoted strings.
 */
import type { FilterCompare, FilterExpr, FilterOp, FilterValue } from './ast.js';
import { EXPERIMENTS_DIALECT, MODEL_VERSIONS_DIALECT, MODELS_DIALECT, RUNS_DIALECT, type FilterDialect, type KeySpec } from './dialects.js';
import { describe, isKeyword, tokenize, type Token } from './lexer.js';
import { resolveKey, type ResolvedKey } from './resolve-key.js';
import { syntaxError, type SourceContext } from './syntax-error.js';

const SYMBOL_OPS: Readonly<Record<string, FilterOp>> = { '=': '=', '!=': '!=', '<>': '!=', '>': '>', '>=': '>=', '<': '<', '<=': '<=' };

class FilterParser {
  private i = 0;
  private readonly tokens: Token[];

  constructor(
    private readonly ctx: SourceContext,
    private readonly dialect: FilterDialect,
  ) {
    this.tokens = tokenize(ctx);
  }

  parse(): FilterExpr {
    const expr = this.parseOr();
    const tok = this.peek();
    if (tok.kind !== 'eof') {
      const reason = tok.kind === 'rparen' ? "unmatched ')'" : `expected AND, OR or the end of the filter, found ${describe(tok)}`;
      this.fail(tok.pos, reason);
    }
    return expr;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private fail(position: number, reason: string): never {
    return syntaxError(this.ctx, position, reason);
  }

  private parseOr(): FilterExpr {
    const items = [this.parseAnd()];
    while (isKeyword(this.peek(), 'OR')) {
      this.next();
      items.push(this.parseAnd());
    }
    return junction('or', items);
  }

  private parseAnd(): FilterExpr {
    const items = [this.parsePrimary()];
    while (isKeyword(this.peek(), 'AND')) {
      this.next();
      items.push(this.parsePrimary());
    }
    return junction('and', items);
  }

  private parsePrimary(): FilterExpr {
    const tok = this.peek();
    if (tok.kind !== 'lparen') return this.parseComparison();
    this.next();
    const inner = this.parseOr();
    const close = this.next();
    if (close.kind !== 'rparen') {
      this.fail(close.pos, `expected ')' to close the '(' at position ${tok.pos}, found ${describe(close)}`);
    }
    return inner;
  }

  private parseComparison(): FilterCompare {
    const tok = this.next();
    const expected =
      tok.kind === 'eof'
        ? 'expected a comparison (e.g. metrics.auc > 0.9) but the filter ended'
        : `expected a key such as ${this.example()}, found ${describe(tok)}`;
    if (tok.kind === 'word' && ['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'IS', 'NULL'].includes(tok.value.toUpperCase())) {
      this.fail(tok.pos, expected);
    }
    const resolved = resolveKey(this.ctx, this.dialect, tok, 'filter', expected);
    const spec = resolved.spec.anyKey ?? resolved.spec.keys![resolved.key]!;
    const opTok = this.peek();
    const op = this.parseOperator(resolved);
    if (!spec.ops.includes(op)) {
      this.fail(opTok.pos, `operator ${op} is not allowed for ${this.describeKey(resolved, spec)}; use one of ${spec.ops.join(', ')}`);
    }
    const value = this.parseValue(op, resolved, spec);
    return { kind: 'compare', entity: resolved.entity, key: resolved.key, op, value, position: tok.pos };
  }

  private example(): string {
    return this.dialect === RUNS_DIALECT ? 'metrics.auc, params.lr or tags.team' : "name or tags.team";
  }

  private describeKey(resolved: ResolvedKey, spec: KeySpec): string {
    const kind = resolved.spec.anyKey ? `${resolved.spec.label}s` : `${spec.type} ${resolved.spec.label} '${resolved.key}'`;
    return `${kind} (${resolved.raw})`;
  }

  private parseOperator(resolved: ResolvedKey): FilterOp {
    const tok = this.next();
    if (tok.kind === 'op') {
      const op = SYMBOL_OPS[tok.value];
      if (op === undefined) this.fail(tok.pos, `unknown operator '${tok.value}'; use '='`);
      return op;
    }
    if (tok.kind === 'word') {
      const word = tok.value.toUpperCase();
      if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') return word;
      if (word === 'NOT') return this.afterNot(tok);
      if (word === 'IS') return this.afterIs();
    }
    const found = tok.kind === 'eof' ? 'but the filter ended' : `found ${describe(tok)}`;
    return this.fail(tok.pos, `expected a comparison operator after '${resolved.raw}', ${found}`);
  }

  private afterNot(notTok: Token): FilterOp {
    const tok = this.next();
    if (isKeyword(tok, 'IN')) return 'NOT IN';
    if (isKeyword(tok, 'LIKE') || isKeyword(tok, 'ILIKE')) {
      return this.fail(notTok.pos, `NOT ${tok.value.toUpperCase()} is not supported; use != for exact mismatches`);
    }
    return this.fail(tok.pos, `expected IN after NOT, found ${describe(tok)}`);
  }

  private afterIs(): FilterOp {
    let tok = this.next();
    const negated = isKeyword(tok, 'NOT');
    if (negated) tok = this.next();
    if (!isKeyword(tok, 'NULL')) this.fail(tok.pos, `expected ${negated ? 'NULL' : 'NULL or NOT NULL'} after IS, found ${describe(tok)}`);
    return negated ? 'IS NOT NULL' : 'IS NULL';
  }

  private parseValue(op: FilterOp, resolved: ResolvedKey, spec: KeySpec): FilterValue {
    if (op === 'IS NULL' || op === 'IS NOT NULL') return null;
    if (op !== 'IN' && op !== 'NOT IN') return this.parseScalar(resolved, spec);
    const open = this.next();
    if (open.kind !== 'lparen') this.fail(open.pos, `expected '(' and a list of values after ${op}, found ${describe(open)}`);
    if (this.peek().kind === 'rparen') this.fail(this.peek().pos, `the ${op} list is empty; give at least one value`);
    const values: (string | number)[] = [this.parseScalar(resolved, spec)];
    for (;;) {
      const tok = this.next();
      if (tok.kind === 'rparen') return values;
      if (tok.kind !== 'comma') this.fail(tok.pos, `expected ',' or ')' in the ${op} list, found ${describe(tok)}`);
      values.push(this.parseScalar(resolved, spec));
    }
  }

  private parseScalar(resolved: ResolvedKey, spec: KeySpec): string | number {
    const tok = this.next();
    if (spec.type === 'number') {
      if (tok.kind === 'number') return Number(tok.value);
      if (spec.quotedNumbers && (tok.kind === 'string' || tok.kind === 'dquoted') && /^-?\d+$/.test(tok.value.trim())) {
        return Number(tok.value);
      }
      const found = tok.kind === 'eof' ? 'but the filter ended' : `found ${describe(tok)}`;
      return this.fail(tok.pos, `expected a number for ${this.describeKey(resolved, spec)}, ${found}`);
    }
    if (tok.kind === 'string' || tok.kind === 'dquoted') return tok.value;
    if (tok.kind === 'word' || tok.kind === 'backtick') {
      return this.fail(tok.pos, `string values must be quoted: write '${tok.value}' instead of ${tok.raw}`);
    }
    const found = tok.kind === 'eof' ? 'but the filter ended' : `found ${describe(tok)}`;
    return this.fail(tok.pos, `expected a quoted string for ${this.describeKey(resolved, spec)} (e.g. 'my-value'), ${found}`);
  }
}

/** Builds an and/or node, flattening nested nodes of the same kind and single items. */
function junction(kind: 'and' | 'or', items: readonly FilterExpr[]): FilterExpr {
  if (items.length === 1) return items[0]!;
  const flat: FilterExpr[] = [];
  for (const item of items) {
    if (item.kind === kind) flat.push(...item.items);
    else flat.push(item);
  }
  return { kind, items: flat };
}

function parseWith(dialect: FilterDialect, text: string): FilterExpr | undefined {
  if (text.trim() === '') return undefined;
  return new FilterParser({ field: 'filter', text }, dialect).parse();
}

/**
 * Parses a search-runs filter (`metrics.auc > 0.9 and params.model = 'gbdt'`). Empty or blank
 * text → undefined (no filter). Throws INVALID_ARGUMENT with `details.position` on bad input.
 */
export function parseRunFilter(text: string): FilterExpr | undefined {
  return parseWith(RUNS_DIALECT, text);
}

/** Parses a search-experiments filter: attributes name, creation_time, last_update_time; tags. */
export function parseExperimentFilter(text: string): FilterExpr | undefined {
  return parseWith(EXPERIMENTS_DIALECT, text);
}

/** Parses a search-registered-models filter: attribute name; tags. */
export function parseModelFilter(text: string): FilterExpr | undefined {
  return parseWith(MODELS_DIALECT, text);
}

/** Parses a search-model-versions filter: name, run_id, source_path, version_number; tags. */
export function parseModelVersionFilter(text: string): FilterExpr | undefined {
  return parseWith(MODEL_VERSIONS_DIALECT, text);
}
