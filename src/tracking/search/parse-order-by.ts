/**
 * order_by items: `<key> [ASC|DESC]`, one per string, keys written as in filters
 * (`metrics.auc DESC`, ``metrics.`Mean Square Error` ``, `start_time`). Default ascending.
 */
import type { OrderClause } from './ast.js';
import { EXPERIMENTS_DIALECT, MODEL_VERSIONS_DIALECT, MODELS_DIALECT, RUNS_DIALECT, type FilterDialect } from './dialects.js';
import { describe, tokenize } from './lexer.js';
import { resolveKey } from './resolve-key.js';
import { syntaxError, type SourceContext } from './syntax-error.js';

function parseOne(dialect: FilterDialect, text: string, index: number): OrderClause {
  const ctx: SourceContext = { field: 'order_by', text, index };
  const tokens = tokenize(ctx);
  const first = tokens[0]!;
  const expected = first.kind === 'eof' ? 'the item is empty; give a key such as metrics.auc DESC' : `expected a key, found ${describe(first)}`;
  const resolved = resolveKey(ctx, dialect, first, 'order', expected);
  const dir = tokens[1]!;
  let ascending = true;
  let end = 2;
  if (dir.kind === 'word' && /^(asc|desc)$/i.test(dir.value)) ascending = dir.value.toLowerCase() === 'asc';
  else end = 1;
  const rest = tokens[end]!;
  if (rest.kind !== 'eof') {
    const reason = end === 1 ? `expected ASC, DESC or the end, found ${describe(rest)}` : `unexpected ${describe(rest)} after ${dir.value}`;
    syntaxError(ctx, rest.pos, reason);
  }
  return { entity: resolved.entity, key: resolved.key, ascending };
}

function parseList(dialect: FilterDialect, items: readonly string[]): OrderClause[] {
  return items.map((item, index) => parseOne(dialect, item, index));
}

/** Parses search-runs order_by items. Throws INVALID_ARGUMENT with `details.position` and `details.index`. */
export function parseOrderBy(items: readonly string[]): OrderClause[] {
  return parseList(RUNS_DIALECT, items);
}

/** Parses search-experiments order_by items (name, experiment_id, creation_time, last_update_time). */
export function parseExperimentOrderBy(items: readonly string[]): OrderClause[] {
  return parseList(EXPERIMENTS_DIALECT, items);
}

/** Parses search-registered-models order_by items (name, creation_timestamp or timestamp, last_updated_timestamp). */
export function parseModelOrderBy(items: readonly string[]): OrderClause[] {
  return parseList(MODELS_DIALECT, items);
}

/** Parses search-model-versions order_by items (name, version_number, creation_timestamp, last_updated_timestamp). */
export function parseModelVersionOrderBy(items: readonly string[]): OrderClause[] {
  return parseList(MODEL_VERSIONS_DIALECT, items);
}
