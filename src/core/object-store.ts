import type { Readable } from 'node:stream';

/** Metadata of one stored object. */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
}

/**
 * A flat key → bytes store: data remotes (DVC layout `files/md5/ab/cdef…`) and, later, run
 * artifacts. Shared by several capabilities, so it lives in core. Keys use `/` separators and
 * never start with `/`. Adapters: FsObjectStore (file:), S3ObjectStore (s3://), chosen by URL
 * in app.ts; all pass storage/contracts/object-store.contract.ts.
 */
export interface ObjectStore {
  /** Human-readable location for messages, e.g. `s3://bucket/prefix`. */
  readonly url: string;
  /** Which of `keys` exist; order of the result is unspecified. */
  hasMany(keys: readonly string[]): Promise<Set<string>>;
  /** Every key under `prefix` (may be large: yields in pages). */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Uploads a local file atomically: readers never see a partial object. */
  putFile(key: string, localPath: string): Promise<void>;
  /** Stores bytes atomically. */
  putBytes(key: string, data: Uint8Array): Promise<void>;
  /** Downloads to a local path atomically (temp + rename); REMOTE_OBJECT_MISSING if absent. */
  getFile(key: string, localPath: string): Promise<void>;
  /** Reads a whole (small) object; REMOTE_OBJECT_MISSING if absent. */
  getBytes(key: string): Promise<Uint8Array>;
  /** A stream of the object's bytes. */
  getStream?(key: string): Promise<Readable>;
  /** Deletes keys; absent keys are not an error. */
  deleteMany(keys: readonly string[]): Promise<void>;
  /** Releases sockets or handles. */
  close?(): Promise<void>;
}
