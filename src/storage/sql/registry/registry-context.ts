import type { Kysely } from 'kysely';
import type { Clock } from '../../../core/clock.js';
import { fail, isPaddockError } from '../../../core/errors.js';
import type { Actor } from '../../../registry/index.js';
import { isUniqueViolation } from '../db-errors.js';
import type { SqlDialectName } from '../open-database.js';
import { writeTransaction } from '../write-transaction.js';
import type { ModelRow, RegistryTables } from './registry-schema.js';

/** What every registry use-case file receives from SqlRegistryStore. */
export interface RegistryContext {
  readonly db: Kysely<RegistryTables>;
  readonly dialect: SqlDialectName;
  readonly clock: Clock;
}

/** Epoch milliseconds from the context's clock. */
export function nowMs(ctx: RegistryContext): number {
  return ctx.clock.now().getTime();
}

/**
 * One registry write: all statements (the change and its audit events) commit together.
 * A unique violation that slipped past the existence checks (a concurrent writer won the
 * race) is reported as ALREADY_EXISTS with `conflict`'s message.
 */
export async function registryWrite<T>(ctx: RegistryContext, conflict: string, fn: (trx: Kysely<RegistryTables>) => Promise<T>): Promise<T> {
  try {
    return await writeTransaction(ctx.db, ctx.dialect, fn);
  } catch (err) {
    if (isUniqueViolation(err) || (isPaddockError(err, 'INTERNAL') && isUniqueViolation(err.cause))) fail('ALREADY_EXISTS', conflict, {}, err);
    throw err;
  }
}

/** The model row by name, or NOT_FOUND naming it. */
export async function modelRow(db: Kysely<RegistryTables>, name: string): Promise<ModelRow> {
  const row = await db.selectFrom('registered_models').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) fail('NOT_FOUND', `registered model '${name}' not found`, { name });
  return row;
}

/** INVALID_ARGUMENT unless the actor names someone (the audit log's `who` is mandatory). */
export function checkActor(by: Actor): Actor {
  if (!by || typeof by.actor !== 'string' || by.actor.trim() === '') fail('INVALID_ARGUMENT', 'actor: every registry change records who made it; pass a non-empty actor', { field: 'actor' });
  if (by.reason !== undefined && typeof by.reason !== 'string') fail('INVALID_ARGUMENT', 'reason: must be a string', { field: 'reason' });
  return by;
}
