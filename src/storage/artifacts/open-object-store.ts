import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RemoteConfig } from '../../core/config.js';
import { fail } from '../../core/errors.js';
import type { ObjectStore } from '../../core/object-store.js';
import { FsObjectStore } from './fs-object-store.js';
import { S3ObjectStore } from './s3-object-store.js';

/**
 * The URL → adapter table for object stores: `s3://bucket/prefix` → S3ObjectStore (any
 * S3-compatible endpoint), `file:` URLs and plain paths → FsObjectStore (relative paths are
 * resolved from the repository root, as DVC does).
 */
export function openObjectStore(remote: RemoteConfig, context: { root: string; name: string }): ObjectStore {
  const url = remote.url;
  if (url.startsWith('s3://')) return new S3ObjectStore(remote);
  if (url.startsWith('file://')) return new FsObjectStore(fileURLToPath(url));
  if (url.startsWith('file:')) return new FsObjectStore(path.resolve(context.root, url.slice('file:'.length)));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    fail('REMOTE_NOT_CONFIGURED', `remote '${context.name}': unsupported URL scheme in '${url}' (use s3://bucket/prefix or a directory path)`, { remote: context.name, url });
  }
  return new FsObjectStore(path.resolve(context.root, url));
}
