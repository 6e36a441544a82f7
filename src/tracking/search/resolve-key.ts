/**
 * Turns an identifier token (`metrics.auc`, `status`, `` `Run name` ``) into a canonical
 * entity and key for a dialect, or throws a positioned INVALID_ARGUMENT naming what is valid.
 */
import type { FilterEntity } from './ast.js';
import type { EntitySpec, FilterDialect } from './dialects.js';
import type { Token } from './lexer.js';
import { syntaxError, type SourceContext } from './syntax-error.js';

/** A resolved identifier. */
export interface ResolvedKey {
  readonly entity: FilterEntity;
  readonly key: string;
  readonly spec: EntitySpec;
  /** How the user wrote it, for messages (`metrics.auc`). */
  readonly raw: string;
}

function prefixList(dialect: FilterDialect): string {
  // One spelling per entity keeps the hint short: the plural where the dialect has one.
  const entities = [...new Set(Object.values(dialect.prefixes))];
  return entities.map((e) => (`${e}s` in dialect.prefixes ? `${e}s.` : `${e}.`)).join(', ');
}

function keyList(spec: EntitySpec, which: 'filter' | 'order'): string {
  const keys = which === 'filter' ? Object.keys(spec.keys ?? {}) : spec.orderKeys === 'any' ? [] : (spec.orderKeys ?? []);
  return keys.join(', ');
}

/** The entity a token names, or a positioned error. */
function entityOf(ctx: SourceContext, dialect: FilterDialect, tok: Token): FilterEntity {
  if (tok.kind !== 'ident') return 'attribute';
  const entity = dialect.prefixes[tok.prefix!.toLowerCase()];
  if (entity === undefined || dialect.entities[entity] === undefined) {
    return syntaxError(
      ctx,
      tok.pos,
      `unknown entity '${tok.prefix}' in '${tok.raw}'; ${dialect.subject} can be searched by ${prefixList(dialect)} or a bare attribute name`,
    );
  }
  return entity;
}

function unknownBareKey(ctx: SourceContext, tok: Token, spec: EntitySpec, which: 'filter' | 'order', dialect: FilterDialect): never {
  const hint =
    tok.kind === 'backtick' || tok.kind === 'dquoted'
      ? tok.value.includes('.')
        ? ` (to quote a key, quote only the key: ${tok.value.split('.')[0]}.\`${tok.value.split('.').slice(1).join('.')}\`)`
        : ''
      : '';
  const prefixes = prefixList(dialect);
  return syntaxError(
    ctx,
    tok.keyPos ?? tok.pos,
    `unknown attribute '${tok.value}'${hint}; valid attributes of ${dialect.subject} are ${keyList(spec, which)}; other keys need a prefix (${prefixes})`,
  );
}

/**
 * Resolves `tok` in `dialect`. `which` selects the filter keys or the order_by keys. Tokens that
 * cannot start an identifier produce `expected` as the error.
 */
export function resolveKey(
  ctx: SourceContext,
  dialect: FilterDialect,
  tok: Token,
  which: 'filter' | 'order',
  expected: string,
): ResolvedKey {
  if (tok.kind !== 'ident' && tok.kind !== 'word' && tok.kind !== 'backtick' && tok.kind !== 'dquoted') {
    return syntaxError(ctx, tok.pos, expected);
  }
  const entity = entityOf(ctx, dialect, tok);
  const spec = dialect.entities[entity]!;
  const key = spec.aliases?.[tok.value] ?? tok.value;
  const known = which === 'filter' ? spec.anyKey !== undefined || spec.keys?.[key] !== undefined : spec.orderKeys === 'any' || (spec.orderKeys?.includes(key) ?? false);
  if (!known) {
    if (which === 'order' && spec.orderKeys === undefined) {
      return syntaxError(ctx, tok.pos, `${dialect.subject} cannot be ordered by a ${spec.label}`);
    }
    if (tok.kind !== 'ident') return unknownBareKey(ctx, tok, spec, which, dialect);
    return syntaxError(ctx, tok.keyPos!, `unknown ${spec.label} '${tok.value}'; valid ${spec.label}s of ${dialect.subject} are ${keyList(spec, which)}`);
  }
  return { entity, key, spec, raw: tok.raw };
}
