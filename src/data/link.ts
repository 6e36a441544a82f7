import { chmodSync, constants, copyFileSync, linkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { fail, fromSystemError } from '../core/errors.js';
import { tempPathFor } from '../core/fs-atomic.js';

/** A way of making a workspace path show a cache object (config `cache.type`). */
export type LinkType = 'reflink' | 'hardlink' | 'symlink' | 'copy';

const LINK_TYPES: readonly LinkType[] = ['reflink', 'hardlink', 'symlink', 'copy'];

/** Workspace files are writable again after a reflink or copy (the cache object is 0444). */
const WORKSPACE_MODE = 0o644;

/** Parses `cache.type` ("reflink,copy"); CONFIG_INVALID naming the bad entry. */
export function parseLinkTypes(value: string): LinkType[] {
  const types = value.split(',').map((t) => t.trim()).filter((t) => t !== '');
  for (const t of types) {
    if (!LINK_TYPES.includes(t as LinkType)) fail('CONFIG_INVALID', `cache.type: unknown link type '${t}' (valid: ${LINK_TYPES.join(', ')})`, { key: 'cache.type', value: t });
  }
  if (types.length === 0) fail('CONFIG_INVALID', 'cache.type: empty list of link types', { key: 'cache.type' });
  return types as LinkType[];
}

/** Errors that mean "this link type does not work here", so the next type is tried. */
const UNSUPPORTED = new Set(['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOSYS', 'EPERM', 'EMLINK']);

/**
 * Places cache objects in the workspace with the first link type that works, remembering
 * which types failed so a 100k-file checkout does not retry a reflink 100k times.
 */
export class Linker {
  private readonly types: LinkType[];

  constructor(types: readonly LinkType[]) {
    this.types = [...types];
  }

  /** The type that will be tried first. */
  get preferred(): LinkType {
    return this.types[0]!;
  }

  /** Makes `dest` show `object` atomically (temp beside dest, then rename over it). */
  place(object: string, dest: string): LinkType {
    for (;;) {
      const type = this.types[0];
      if (!type) fail('IO_ERROR', `${dest}: none of the link types in cache.type works here`, { path: dest });
      const tmp = tempPathFor(dest);
      try {
        makeLink(type, object, tmp);
        renameSync(tmp, dest);
        return type;
      } catch (err) {
        rmSync(tmp, { force: true });
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (!UNSUPPORTED.has(code) || this.types.length === 1) throw fromSystemError(err, dest);
        this.types.shift();
      }
    }
  }

  /** Drops a type found not to work (e.g. reflink on ext4) for the rest of this run. */
  drop(type: LinkType): void {
    if (this.types.length > 1 && this.types[0] === type) this.types.shift();
  }
}

function makeLink(type: LinkType, object: string, tmp: string): void {
  switch (type) {
    case 'reflink':
      copyFileSync(object, tmp, constants.COPYFILE_FICLONE_FORCE);
      chmodSync(tmp, WORKSPACE_MODE);
      return;
    case 'hardlink':
      linkSync(object, tmp);
      return;
    case 'symlink':
      symlinkSync(object, tmp);
      return;
    case 'copy':
      copyFileSync(object, tmp);
      chmodSync(tmp, WORKSPACE_MODE);
      return;
  }
}

/** Whether an error code means the link type is unsupported here. */
export function isUnsupported(err: unknown): boolean {
  return UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '');
}
