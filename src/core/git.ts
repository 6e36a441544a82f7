import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fail } from './errors.js';

const run = promisify(execFile);
const MAX_BUFFER = 512 * 1024 * 1024;

/**
 * Read-only access to the git repository around a project, through the `git` command (the
 * one every user has). Used for `diff`, `gc --rev`, `metrics diff` and `params diff`.
 */
export async function git(root: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('git', [...args], { cwd: root, maxBuffer: MAX_BUFFER, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; code?: string | number };
    if (e.code === 'ENOENT') fail('GIT_ERROR', 'git is not installed or not on PATH', {}, err);
    const message = (e.stderr ?? String(err)).trim().split('\n')[0];
    fail('GIT_ERROR', `git ${args.join(' ')}: ${message}`, { args }, err);
  }
}

/** Whether `root` is inside a git work tree. */
export async function isGitRepo(root: string): Promise<boolean> {
  try {
    return (await git(root, ['rev-parse', '--is-inside-work-tree'])).trim() === 'true';
  } catch {
    return false;
  }
}

/** Full commit hash of `rev` (GIT_ERROR if unknown). */
export async function resolveRev(root: string, rev: string): Promise<string> {
  return (await git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).catch(() => fail('GIT_ERROR', `unknown git revision '${rev}'`, { rev }))).trim();
}

/** The content of `file` (repo-relative, posix) at `rev`, or undefined when absent there. */
export async function readAtRev(root: string, rev: string, file: string): Promise<string | undefined> {
  const prefix = (await git(root, ['rev-parse', '--show-prefix'])).trim();
  try {
    return await git(root, ['show', `${rev}:${prefix}${file}`]);
  } catch {
    return undefined;
  }
}

/** Repo-relative (posix, relative to `root`) paths of files at `rev` whose names match `pattern`. */
export async function listFilesAtRev(root: string, rev: string, pattern: RegExp): Promise<string[]> {
  const out = await git(root, ['ls-tree', '-r', '--name-only', '--full-tree', rev, '--', '.']);
  const prefix = (await git(root, ['rev-parse', '--show-prefix'])).trim();
  return out
    .split('\n')
    .filter((p) => p.startsWith(prefix) && pattern.test(p))
    .map((p) => p.slice(prefix.length));
}

/** The commit checked out, and whether the work tree has uncommitted changes. */
export async function headState(root: string): Promise<{ commit: string; dirty: boolean } | undefined> {
  if (!(await isGitRepo(root))) return undefined;
  try {
    const commit = (await git(root, ['rev-parse', 'HEAD'])).trim();
    const dirty = (await git(root, ['status', '--porcelain', '--untracked-files=no'])).trim() !== '';
    return { commit, dirty };
  } catch {
    return undefined;
  }
}
