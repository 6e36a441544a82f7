import { promises as fs } from 'node:fs';
import type { Project } from '../../core/project.js';
import { fail } from '../../core/errors.js';
import { listTrackedPaths } from '../../data/index.js';
import { buildDag, loadPipeline, pipelineStatus, stageLogPath, type Stage, type StageStatus } from '../../pipeline/index.js';
import { repoRelative } from './project-of.js';
import type { PipelineView, RunState, StageLogView, StageState } from './wire/pipeline.js';

export type { PipelineStageView, PipelineView, RunState, StageLogView, StageState } from './wire/pipeline.js';

/** The tail of a log the API answers: enough for any error, small enough for a page. */
export const MAX_LOG_BYTES = 256 * 1024;

/**
 * The pipeline's DAG with each stage's status: `changed`/`up to date` from dvc.lock (as
 * `paddock status`), `running` while the stage's log has no closing line, `failed` when its
 * last run failed and dvc.lock still does not record it.
 */
export async function pipelineView(project: Project): Promise<PipelineView> {
  const pipeline = await loadPipeline(project);
  const dag = buildDag(pipeline, { trackedPaths: await listTrackedPaths(project) });
  const status = new Map((await pipelineStatus(project)).stages.map((s) => [s.stage.name, s]));
  const stages = await Promise.all([...dag.stages.values()].map(async (stage) => {
    const s = status.get(stage.name);
    const lastRun = (await readLogState(project, stage)).state;
    const changed = s?.changed ?? true;
    const state: StageState = lastRun === 'running' ? 'running' : lastRun === 'failed' && changed ? 'failed' : changed ? 'changed' : 'up to date';
    return {
      name: stage.name,
      file: repoRelative(project, stage.file),
      ...(stage.desc !== undefined ? { desc: stage.desc } : {}),
      cmd: typeof stage.cmd === 'string' ? [stage.cmd] : [...stage.cmd],
      deps: [...stage.deps],
      params: stage.params.flatMap((p) => (p.keys === null ? [p.file] : p.keys.map((k) => (p.file === 'params.yaml' ? k : `${p.file}:${k}`)))),
      outs: stage.outs.map((o) => ({ path: o.path, kind: o.kind })),
      frozen: stage.frozen,
      state,
      lastRun,
      reasons: s ? reasonsOf(s) : [],
    };
  }));
  const edges = [...dag.stages.keys()].flatMap((name) => dag.upstream(name).map((u) => ({ from: u.name, to: name })));
  return { stages, edges };
}

/** The log of a stage's last run (NOT_FOUND for an unknown stage; `never run` without a log). */
export async function stageLogView(project: Project, name: string): Promise<StageLogView> {
  const dag = buildDag(await loadPipeline(project), { trackedPaths: await listTrackedPaths(project) });
  const stage = dag.stages.get(name);
  if (!stage) fail('NOT_FOUND', `no stage '${name}' in the pipeline (stages: ${[...dag.stages.keys()].join(', ') || 'none'})`, { stage: name });
  const log = await readLogState(project, stage);
  return { stage: name, ...log };
}

async function readLogState(project: Project, stage: Stage): Promise<Omit<StageLogView, 'stage'>> {
  const file = stageLogPath(project, stage);
  let handle;
  try {
    handle = await fs.open(file, 'r');
  } catch {
    return { state: 'never run', text: '', truncated: false, size: 0 };
  }
  try {
    const stat = await handle.stat();
    const start = Math.max(0, stat.size - MAX_LOG_BYTES);
    const buffer = Buffer.alloc(stat.size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    return { state: runStateOf(text), text, truncated: start > 0, size: stat.size, modified: stat.mtimeMs };
  } finally {
    await handle.close();
  }
}

/** The closing line StageLog writes: `# finished …`, `# failed: …`, `# could not start: …`. */
function runStateOf(text: string): RunState {
  const last = text.trimEnd().split('\n').at(-1) ?? '';
  if (/^# finished /.test(last)) return 'finished';
  if (/^# (failed|could not start)/.test(last)) return 'failed';
  return 'running';
}

function reasonsOf(s: StageStatus): string[] {
  const out: string[] = [];
  if (s.lockMissing) out.push('not in dvc.lock yet');
  if (s.commandChanged) out.push('cmd changed');
  if (s.alwaysChanged) out.push('always changed');
  for (const [p, st] of Object.entries(s.deps)) out.push(`deps: ${p} ${st}`);
  for (const [file, st] of Object.entries(s.params)) {
    if (typeof st === 'string') out.push(`params: ${file} ${st}`);
    else for (const [k, v] of Object.entries(st)) out.push(`params: ${k} ${v}`);
  }
  for (const [p, st] of Object.entries(s.outs)) out.push(`outs: ${p} ${st}`);
  return out;
}
