import { randomBytes } from 'node:crypto';

/** A random 32-hex-character id, the shape MLflow uses for run ids. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}
