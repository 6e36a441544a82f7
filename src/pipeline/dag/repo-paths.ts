import { realpathSync } from 'node:fs';
import path from 'node:path';

/** Whether `child` is `parent` or inside it (both absolute, normalised). */
export function isWithin(child: string, parent: string): boolean {
  if (child === parent) return true;
  const prefix = parent.endsWith(path.sep) ? parent : parent + path.sep;
  return child.startsWith(prefix);
}

/** A URL-like dependency (s3://…, https://…) is external by design and not a repository path. */
export function isUrl(p: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p);
}

/**
 * Checks paths against the repository root: lexically (`..`, absolute paths) and through
 * symlinks (the real path of the deepest existing ancestor must stay inside the real root).
 */
export class RepoPaths {
  private readonly realRoot: string;
  private readonly realCache = new Map<string, string | undefined>();

  constructor(readonly root: string) {
    this.realRoot = safeRealpath(root) ?? root;
  }

  /** Why `abs` is outside the repository, or undefined when it is inside. */
  outsideReason(abs: string): string | undefined {
    if (!isWithin(abs, this.root)) return 'it is outside the repository';
    const real = this.realOf(abs);
    if (real !== undefined && !isWithin(real, this.realRoot)) return `it resolves through a symlink to ${real}, outside the repository`;
    return undefined;
  }

  private realOf(abs: string): string | undefined {
    if (abs === this.root) return this.realRoot;
    if (this.realCache.has(abs)) return this.realCache.get(abs);
    let real = safeRealpath(abs);
    if (real === undefined) {
      // Not there yet (an output before its first run): resolve the parent, keep the name.
      const parent = this.realOf(path.dirname(abs));
      real = parent === undefined ? undefined : path.join(parent, path.basename(abs));
    }
    this.realCache.set(abs, real);
    return real;
  }
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync.native(p);
  } catch {
    return undefined;
  }
}
