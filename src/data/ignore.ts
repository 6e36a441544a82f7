import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Folders never walked into: version control and tool state, as DVC skips them. */
export const ALWAYS_SKIPPED = new Set(['.git', '.dvc', '.paddock', '.hg']);

/** Decides whether a repo-relative posix path is ignored. */
export interface IgnoreRules {
  ignores(relpath: string, isDir: boolean): boolean;
  readonly empty: boolean;
}

interface Rule {
  readonly re: RegExp;
  /** Matches only paths strictly below a match (a folder-only rule still covers its files). */
  readonly below: RegExp;
  readonly negate: boolean;
  readonly dirOnly: boolean;
}

/**
 * Loads gitignore-style patterns from the repository root's .dvcignore and .paddockignore:
 * `#` comments, `!` negation, trailing `/` for folders, a leading or inner `/` anchors to the
 * root, `*`, `?`, `**`. (Nested ignore files are not read.)
 */
export function loadIgnoreRules(root: string): IgnoreRules {
  const rules: Rule[] = [];
  for (const name of ['.dvcignore', '.paddockignore']) {
    const file = path.join(root, name);
    if (!existsSync(file)) continue;
    for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
      const rule = parseRule(raw);
      if (rule) rules.push(rule);
    }
  }
  return {
    empty: rules.length === 0,
    ignores(relpath, isDir) {
      let ignored = false;
      for (const r of rules) {
        const hit = r.dirOnly && !isDir ? r.below.test(relpath) : r.re.test(relpath);
        if (hit) ignored = !r.negate;
      }
      return ignored;
    },
  };
}

function parseRule(raw: string): Rule | undefined {
  let line = raw.replace(/(?<!\\)\s+$/, '');
  if (line === '' || line.startsWith('#')) return undefined;
  const negate = line.startsWith('!');
  if (negate) line = line.slice(1);
  const dirOnly = line.endsWith('/');
  if (dirOnly) line = line.slice(0, -1);
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  const body = globToRegex(line);
  // Unanchored patterns match a name at any depth; everything also matches whole subtrees.
  const head = `^${anchored ? '' : '(?:.*/)?'}${body}`;
  return { re: new RegExp(`${head}(?:/.*)?$`), below: new RegExp(`${head}/.+$`), negate, dirOnly };
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < glob.length) out += escapeRe(glob[++i]!);
    else out += escapeRe(c);
  }
  return out;
}

function escapeRe(c: string): string {
  return /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
}
