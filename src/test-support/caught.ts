import { PaddockError } from '../core/errors.js';

/**
 * Runs `fn` and returns the PaddockError it rejects with, for assertions on code, message and
 * details; fails the test when `fn` resolves or rejects with anything else.
 */
export async function caught(fn: () => Promise<unknown>): Promise<PaddockError> {
  let thrown: unknown;
  try {
    await fn();
  } catch (err) {
    thrown = err;
  }
  if (thrown instanceof PaddockError) return thrown;
  throw new Error(thrown === undefined ? 'expected a PaddockError, but it resolved' : `expected a PaddockError, got: ${String(thrown)}`);
}
