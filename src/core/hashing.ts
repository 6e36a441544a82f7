import { createHash } from 'node:crypto';

/** MD5 of a string or bytes, hex: the hash DVC uses for every object. */
export function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** SHA-256 hex, for keys Paddock itself defines. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
