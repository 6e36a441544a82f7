import { readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { fromSystemError } from '../core/errors.js';
import { ALWAYS_SKIPPED, type IgnoreRules } from './ignore.js';

/** A regular file found under a tracked directory. */
export interface TreeFile {
  /** Posix path inside the walked directory. */
  readonly relpath: string;
  readonly abs: string;
  /** Only what the state compares: keeping 100k Stats objects alive costs more in GC than the stat calls. */
  readonly stat: TreeStat;
}

/** The stat fields Paddock uses. */
export interface TreeStat {
  readonly ino: number;
  readonly mtimeMs: number;
  readonly size: number;
}

/**
 * Lists every file below `dir` with sync calls in one tight loop (cheap per file, no promise
 * churn). Skips .git/.dvc/.paddock, ignored paths (`relToRoot` prefixes `dir` for the rules),
 * empty folders (DVC never lists them) and symlinked folders (no cycles); follows symlinked files.
 */
export function walkTree(dir: string, ignore: IgnoreRules, relToRoot: string): TreeFile[] {
  const out: TreeFile[] = [];
  const stack: [string, string][] = [[dir, '']];
  while (stack.length > 0) {
    const [abs, rel] = stack.pop()!;
    let names;
    try {
      names = readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      throw fromSystemError(err, abs);
    }
    for (const d of names) {
      const childAbs = `${abs}${path.sep}${d.name}`;
      const childRel = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.isDirectory()) {
        if (ALWAYS_SKIPPED.has(d.name)) continue;
        if (!ignore.empty && ignore.ignores(join(relToRoot, childRel), true)) continue;
        stack.push([childAbs, childRel]);
        continue;
      }
      if (!ignore.empty && ignore.ignores(join(relToRoot, childRel), false)) continue;
      let st: Stats;
      try {
        st = statSync(childAbs);
      } catch (err) {
        if (d.isSymbolicLink()) continue; // dangling link: nothing to version
        throw fromSystemError(err, childAbs);
      }
      if (st.isFile()) out.push({ relpath: childRel, abs: childAbs, stat: { ino: st.ino, mtimeMs: st.mtimeMs, size: st.size } });
    }
  }
  return out;
}

function join(a: string, b: string): string {
  return a === '' ? b : `${a}/${b}`;
}
