import path from 'node:path';
import { fail } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import type { Pipeline, Stage, TopLevelDeclaration } from '../model.js';
import { loadFileContext, type TemplateContext } from './context.js';
import { expandEntry } from './expand.js';
import { resolveValue, TemplateError } from './interpolate.js';
import { resolveStage } from './resolve-stage.js';
import { rejectUnknownKeys, TOP_LEVEL_FIELDS, type Origin } from './schema.js';
import { workspaceTree, type Tree } from './tree.js';
import { isRecord, parseYamlSource, plain, type YamlSource } from './yaml-source.js';

/**
 * Reads every dvc.yaml of the project (root first, then subfolders), templates and expands
 * its stages. YAML_INVALID, STAGE_INVALID and TEMPLATE_INVALID name the file and line.
 */
export async function loadPipeline(project: Pick<Project, 'root'>): Promise<Pipeline> {
  return loadPipelineFrom(workspaceTree(project.root));
}

/** {@link loadPipeline} over any tree: the workspace or a git revision. */
export async function loadPipelineFrom(tree: Tree): Promise<Pipeline> {
  const files = await tree.pipelineFiles();
  const stages: Stage[] = [];
  const metrics: TopLevelDeclaration[] = [];
  const plots: TopLevelDeclaration[] = [];
  const paramsFiles: string[] = [];
  for (const file of files) {
    const text = await tree.read(file);
    if (text === undefined) continue;
    const loaded = await loadPipelineFile(tree, file, text);
    stages.push(...loaded.stages);
    metrics.push(...loaded.metrics);
    plots.push(...loaded.plots);
    paramsFiles.push(...loaded.paramsFiles);
  }
  return { stages, root: tree.root, files, metrics, plots, paramsFiles };
}

/** The stages and declarations of one dvc.yaml. */
export async function loadPipelineFile(tree: Tree, file: string, text: string): Promise<Required<Pick<Pipeline, 'stages' | 'metrics' | 'plots' | 'paramsFiles'>>> {
  const source = parseYamlSource(file, text, { floats: true });
  const top = source.value ?? {};
  const fileOrigin: Origin = { file, stage: '(top level)', line: source.lineOf, rawPath: [] };
  if (!isRecord(top)) fail('STAGE_INVALID', `${file}:1: expected a mapping with 'stages' at the top level`, { file });
  rejectTopLevelKeys(top, fileOrigin);
  const dir = path.dirname(file);
  const context = await loadFileContext(tree, dir, top.vars, { file, what: 'vars', line: (i) => source.lineOf(['vars', ...(i >= 0 ? [i] : [])]) });
  const stageEntries = top.stages ?? {};
  if (!isRecord(stageEntries)) fail('STAGE_INVALID', `${file}:${source.lineOf(['stages'])}: 'stages' must be a mapping of stage names to definitions`, { file });
  const stages: Stage[] = [];
  for (const [name, entry] of Object.entries(stageEntries)) {
    const origin: Origin = { file, stage: name, line: source.lineOf, rawPath: ['stages', name] };
    for (const instance of expandEntry(name, entry, context.values, origin)) stages.push(await resolveStage(tree, file, context, instance, source.lineOf));
  }
  return {
    stages,
    metrics: declarations(top.metrics, 'metrics', file, source, context),
    plots: declarations(top.plots, 'plots', file, source, context),
    paramsFiles: (declarations(top.params, 'params', file, source, context)).map((d) => d.path),
  };
}

function rejectTopLevelKeys(top: Record<string, unknown>, origin: Origin): void {
  for (const key of Object.keys(top)) {
    if ((TOP_LEVEL_FIELDS as readonly string[]).includes(key)) continue;
    // A file of bare stages (no `stages:`) is a DVC 1 habit; say so rather than "unknown key".
    rejectUnknownKeys({ [key]: true }, TOP_LEVEL_FIELDS, { ...origin, stage: '(top level)' }, [], 'top-level key');
  }
}

/** Top-level `metrics`, `plots` and `params` lists: strings, or `{id: props}` for plots. */
function declarations(value: unknown, kind: 'metrics' | 'plots' | 'params', file: string, source: YamlSource, context: TemplateContext): TopLevelDeclaration[] {
  if (value === undefined || value === null) return [];
  const where = (keyPath: (string | number)[]) => `${file}:${source.lineOf([kind, ...keyPath])}`;
  if (!Array.isArray(value)) fail('STAGE_INVALID', `${where([])}: top-level '${kind}' must be a list`, { file, field: kind });
  let resolved: unknown[];
  try {
    resolved = plain(resolveValue(value, context.values, kind)) as unknown[];
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    return fail('TEMPLATE_INVALID', `${where([])}: top-level '${kind}': ${err.message}`, { file, field: kind, key: err.missingKey });
  }
  const dir = path.dirname(file);
  return resolved.flatMap((entry, i): TopLevelDeclaration[] => {
    if (typeof entry === 'string' && entry !== '') return [{ file, id: entry, path: path.resolve(dir, entry), props: {} }];
    if (kind === 'plots' && isRecord(entry)) {
      return Object.entries(entry).map(([id, props]) => {
        if (props !== null && !isRecord(props)) fail('STAGE_INVALID', `${where([i, id])}: plot '${id}' options must be a mapping`, { file, field: `plots.${id}` });
        return { file, id, path: path.resolve(dir, id), props: props ?? {} };
      });
    }
    return fail('STAGE_INVALID', `${where([i])}: each top-level '${kind}' entry must be a path${kind === 'plots' ? ' or {id: options}' : ''}`, { file, field: kind });
  });
}
