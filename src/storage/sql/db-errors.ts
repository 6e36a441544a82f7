import { PaddockError } from '../../core/errors.js';

/** Whether a driver error is a unique-constraint violation (SQLite or Postgres 23505). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown };
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === '23505';
}

/**
 * Maps driver errors to catalogue codes (DESIGN: adapters translate driver errors). A
 * PaddockError passes through; anything unknown becomes INTERNAL with the cause kept for logs.
 */
export function translateDbError(err: unknown): PaddockError {
  if (err instanceof PaddockError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === '55P03' || code === '40P01') {
    return new PaddockError('LOCKED', 'the metadata database stayed locked by another writer past the busy timeout; retry', { driverCode: code }, { cause: err });
  }
  if (code === 'SQLITE_FULL' || code === '53100') {
    return new PaddockError('DISK_FULL', 'no space left for the metadata database', { driverCode: code }, { cause: err });
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '57P01' || code === '3D000' || code === '28P01') {
    return new PaddockError('REMOTE_UNREACHABLE', `cannot reach the metadata database: ${String(e.message)}`, { driverCode: code }, { cause: err });
  }
  return new PaddockError('INTERNAL', 'unexpected metadata database error', { driverCode: code }, { cause: err });
}
