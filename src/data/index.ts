/**
 * The data capability's public API: DVC-compatible versioning of files and directories
 * (content-addressed cache, `.dvc` pointers, state database, status/checkout/gc/diff/fsck).
 * Other capabilities and the CLI import only from here.
 */
export type { DirEntry, HashInfo, PointerOut } from './types.js';
export { objectKey, isDirHash, MD5_PATTERN } from './object-key.js';
export { initProject, ensureGitignore, type InitResult } from './init-project.js';

export { hashPath } from './hash-path.js';
export { commitPath } from './commit-path.js';
export { checkoutPath, type CheckoutOptions } from './checkout-path.js';
export { isCached, readDirManifest } from './cached.js';
export { resolveInRepo } from './resolve-path.js';
export { collectUsedObjects, type UsedScope } from './used-objects.js';
export { listTrackedPaths } from './tracked-paths.js';
export { ObjectCache, CACHE_MODE } from './object-cache.js';
export { md5File } from './hash-file.js';
export { serializeManifest, manifestHash, parseManifest, sortEntries } from './dir-manifest.js';
export { readPointerFile, parsePointer, formatPointer, type PointerFile, type PointerEntry, type HashName } from './pointer-file.js';

export { addTargets, type AddResult } from './add.js';
export { dataStatus, type StatusReport, type StatusItem, type OutStatus } from './status.js';
export { checkoutTargets, type CheckoutResult } from './checkout.js';
export { gc, type GcResult } from './gc.js';
export { dataDiff, type DiffResult, type DiffEntry } from './diff.js';
export { fsck, type FsckResult } from './fsck.js';

// Remotes and transfers (src/data/remote).
export { push, pushObjects, type PushOptions, type PushReport } from './remote/push.js';
export { fetch, fetchObjects, type FetchOptions, type FetchReport } from './remote/fetch.js';
export { pull, type PullOptions, type PullReport } from './remote/pull.js';
export { restoreFileByHash } from './remote/restore-file.js';
export { remoteStatus, type RemoteStatus, type RemoteStatusOptions, type RemoteObjectStatus, type RemoteObjectState } from './remote/remote-status.js';
export { addRemote, listRemotes, removeRemote, setDefaultRemote, type AddRemoteOptions, type RemoteEntry } from './remote/remote-config.js';
export { collectUsed, type UsedObject, type TransferScope } from './remote/used-objects.js';
export { openTransferRemote, type OpenedRemote } from './remote/open-remote.js';
