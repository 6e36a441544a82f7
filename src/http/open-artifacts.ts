import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ObjectStore } from '../core/object-store.js';

/** Opens an object store rooted at a URI (the adapter table lives with the caller: app or CLI). */
export type StoreOpener = (uri: string) => ObjectStore;

/**
 * Caches one store per artifact URI: a run's artifact root or the server's artifact root.
 * `open` receives the URI as a file path for `file:` URIs and plain paths, or as is (s3://…).
 */
export function cachedArtifactStores(open: StoreOpener, maxEntries = 1024): StoreOpener & { closeAll(): Promise<void> } {
  const cache = new Map<string, ObjectStore>();
  const opener = (uri: string): ObjectStore => {
    const key = uri.startsWith('file:') ? fileURLToPath(uri.startsWith('file://') ? uri : `file://${path.resolve(uri.slice('file:'.length))}`) : uri;
    let store = cache.get(key);
    if (!store) {
      store = open(key);
      // Run roots are many; forget the oldest rather than grow without bound (closing its sockets).
      if (cache.size >= maxEntries) {
        const oldest = cache.keys().next().value!;
        void cache.get(oldest)?.close?.().catch(() => undefined);
        cache.delete(oldest);
      }
      cache.set(key, store);
    }
    return store;
  };
  /** Closes every cached store (server shutdown). */
  const closeAll = async (): Promise<void> => {
    const stores = [...cache.values()];
    cache.clear();
    await Promise.all(stores.map((s) => s.close?.().catch(() => undefined)));
  };
  return Object.assign(opener, { closeAll });
}
