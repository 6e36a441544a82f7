import path from 'node:path';
import type { Project } from '../../core/project.js';
import { flatten } from '../definition/interpolate.js';
import { loadPipelineFrom } from '../definition/load-pipeline.js';
import type { Tree } from '../definition/tree.js';
import { isRecord } from '../definition/yaml-source.js';
import type { Stage } from '../model.js';
import { parseParamsText } from '../params/params-file.js';
import { treeFor } from '../params/revision.js';
import { readOutput } from './tracked-file.js';

/** Metrics of one revision: file (repo-relative) → dotted key → value, plus unreadable files. */
export interface MetricsShow {
  readonly metrics: Record<string, Record<string, unknown>>;
  /** file → why it could not be read (missing, bad syntax). */
  readonly errors: Record<string, string>;
}

/**
 * Reads the metrics files (JSON/YAML/TOML) declared as stage `metrics` or top-level `metrics`
 * at `rev` (default: the workspace). Nested keys are dotted; list values are kept as values.
 */
export async function showMetrics(project: Pick<Project, 'root' | 'cacheDir'>, options: { rev?: string } = {}): Promise<MetricsShow> {
  const tree = await treeFor(project.root, options.rev);
  return readMetrics(project, tree);
}

/** {@link showMetrics} over a tree already opened. */
export async function readMetrics(project: Pick<Project, 'root' | 'cacheDir'>, tree: Tree): Promise<MetricsShow> {
  const metrics: Record<string, Record<string, unknown>> = {};
  const errors: Record<string, string> = {};
  for (const { abs, producer } of await metricsFiles(tree)) {
    const rel = path.relative(project.root, abs).split(path.sep).join('/');
    try {
      const text = await readOutput(project, tree, abs, producer);
      if (text === undefined) errors[rel] = 'missing';
      else metrics[rel] = flatten(asMapping(parseParamsText(abs, text)));
    } catch (err) {
      errors[rel] = (err as Error).message;
    }
  }
  return { metrics, errors };
}

/** Metrics files of a tree, in definition order, each once. */
export async function metricsFiles(tree: Tree): Promise<{ abs: string; producer?: Stage }[]> {
  const pipeline = await loadPipelineFrom(tree);
  const seen = new Map<string, Stage | undefined>();
  for (const s of pipeline.stages) for (const o of s.outs) if (o.kind === 'metrics') seen.set(path.resolve(s.wdir, o.path), s);
  for (const d of pipeline.metrics ?? []) if (!seen.has(d.path)) seen.set(d.path, undefined);
  return [...seen].map(([abs, producer]) => (producer ? { abs, producer } : { abs }));
}

function asMapping(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
