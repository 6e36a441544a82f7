import path from 'node:path';
import { parse } from 'yaml';
import { git, isGitRepo, readAtRev } from '../../core/git.js';
import { fail } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { listTrackedPaths, parsePointer, readPointerFile } from '../../data/index.js';
import { loadPipeline, lockPathFor, readLockFile } from '../../pipeline/index.js';
import { repoRelative } from './project-of.js';
import type { DataHistory, DataItem, DataRevision } from './wire/data.js';

export type { DataHistory, DataItem, DataRevision } from './wire/data.js';

/** How many commits of a pointer file the history reads at most. */
export const MAX_REVISIONS = 200;

interface Located extends DataItem {
  /** The path as the recording file writes it (relative to its folder). */
  readonly entryPath: string;
}

/** Every tracked data path: `.dvc` outputs first, then pipeline outputs from each dvc.lock. */
export async function listData(project: Project): Promise<DataItem[]> {
  return (await locateAll(project)).map(publicItem);
}

/** The versions of one data path across git history (NOT_FOUND when the path is not tracked). */
export async function dataHistory(project: Project, dataPath: string): Promise<DataHistory> {
  const items = await locateAll(project);
  const wanted = dataPath.replace(/^\.\//, '').replace(/\/+$/, '');
  const item = items.find((i) => i.path === wanted);
  if (!item) fail('NOT_FOUND', `'${dataPath}' is not tracked data: track it with \`paddock add\` or declare it as a stage output (tracked: ${items.map((i) => i.path).join(', ') || 'none'})`, { path: dataPath });
  if (!(await isGitRepo(project.root))) return { item: publicItem(item), git: false, revisions: [] };
  const log = await git(project.root, ['log', `-n${MAX_REVISIONS}`, '--format=%H%x1f%ct%x1f%an%x1f%s', '--', item.file]).catch(() => '');
  const commits = log.split('\n').filter(Boolean).map((line) => {
    const [commit, ct, author, subject] = line.split('\x1f');
    return { commit: commit!, time: Number(ct) * 1000, author: author ?? '', subject: subject ?? '' };
  });
  const recorded = await Promise.all(commits.map(async (c) => ({ ...c, ...(await entryAt(project, item, c.commit)) })));
  // Keep the commits that changed this path's version (dvc.lock commits often change other stages only).
  const changed = recorded.filter((r, i) => r.md5 !== undefined && r.md5 !== recorded[i + 1]?.md5);
  const head = recorded.find((r) => r.md5 !== undefined);
  const workspace: DataRevision[] = item.md5 !== undefined && item.md5 !== head?.md5 ? [{ md5: item.md5, ...sizes(item) }] : [];
  return { item: publicItem(item), git: true, revisions: [...workspace, ...changed] };
}

async function locateAll(project: Project): Promise<Located[]> {
  const out: Located[] = [];
  const pointers = [...new Set((await listTrackedPaths(project)).map((t) => t.file))].sort();
  for (const file of pointers) {
    const pointer = readPointerFile(file);
    for (const o of pointer.outs) {
      out.push({ path: repoRelative(project, path.resolve(pointer.wdir, o.path)), entryPath: o.path, source: 'dvc', file: repoRelative(project, file), ...hashOf(o), isDir: o.md5?.endsWith('.dir') ?? false });
    }
  }
  const pipeline = await loadPipeline(project);
  for (const dvcYaml of pipeline.files ?? []) {
    const lock = await readLockFile(lockPathFor(dvcYaml));
    for (const [stage, entry] of lock.stages) {
      for (const o of entry.outs ?? []) {
        out.push({ path: repoRelative(project, path.resolve(path.dirname(dvcYaml), o.path)), entryPath: o.path, source: 'pipeline', file: repoRelative(project, lock.file), stage, ...hashOf(o), isDir: o.md5.endsWith('.dir') });
      }
    }
  }
  return out;
}

/** What the pointer or lock recorded for the item at `commit` (nothing when absent or unreadable there). */
async function entryAt(project: Project, item: Located, commit: string): Promise<Pick<DataRevision, 'md5' | 'size' | 'nfiles'>> {
  const text = await readAtRev(project.root, commit, item.file);
  if (text === undefined) return {};
  try {
    if (item.source === 'dvc') {
      const o = parsePointer(text, path.join(project.root, item.file)).outs.find((x) => x.path === item.entryPath);
      return o ? hashOf(o) : {};
    }
    const doc = parse(text) as { stages?: Record<string, { outs?: { path?: string; md5?: string; size?: number; nfiles?: number }[] }> } | null;
    const o = doc?.stages?.[item.stage!]?.outs?.find((x) => x.path === item.entryPath);
    return o ? hashOf(o) : {};
  } catch {
    return {}; // a revision whose file did not parse shows no version rather than failing the page
  }
}

function hashOf(o: { md5?: string; size?: number; nfiles?: number }): Pick<DataRevision, 'md5' | 'size' | 'nfiles'> {
  return { ...(o.md5 !== undefined ? { md5: o.md5 } : {}), ...sizes(o) };
}

function sizes(o: { size?: number; nfiles?: number }): Pick<DataRevision, 'size' | 'nfiles'> {
  return { ...(o.size !== undefined ? { size: o.size } : {}), ...(o.nfiles !== undefined ? { nfiles: o.nfiles } : {}) };
}

function publicItem(item: Located): DataItem {
  const { entryPath: _entryPath, ...rest } = item;
  return rest;
}
