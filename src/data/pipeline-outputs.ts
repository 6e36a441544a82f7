import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { fail } from '../core/errors.js';

/** An output declared by a pipeline stage (dvc.yaml) or recorded in dvc.lock. */
export interface PipelineOutput {
  /** Absolute path of the output. */
  readonly path: string;
  /** The dvc.yaml (or dvc.lock) that declares it, and the stage name. */
  readonly file: string;
  readonly stage: string;
}

const KINDS = ['outs', 'metrics', 'plots'] as const;

/**
 * Outputs a dvc.yaml declares plus those its dvc.lock records (the lock has the resolved paths
 * of foreach/matrix and templated stages, which this minimal reader does not expand: entries
 * containing `${` are skipped in dvc.yaml). Only `stages`, `wdir` and the output lists are read,
 * so the data layer does not depend on the pipeline parser.
 */
export function readPipelineOutputs(dvcYaml: string): PipelineOutput[] {
  const dir = path.dirname(dvcYaml);
  const out: PipelineOutput[] = [];
  const stages = readStages(dvcYaml);
  for (const [name, raw] of Object.entries(stages)) {
    if (!isMap(raw)) continue;
    const wdir = typeof raw.wdir === 'string' && !raw.wdir.includes('${') ? path.resolve(dir, raw.wdir) : dir;
    for (const kind of KINDS) {
      const list = raw[kind];
      if (!Array.isArray(list)) continue;
      for (const entry of list) {
        const p = typeof entry === 'string' ? entry : isMap(entry) ? Object.keys(entry)[0] : undefined;
        if (p && !p.includes('${')) out.push({ path: path.resolve(wdir, p), file: dvcYaml, stage: name });
      }
    }
  }
  const lock = path.join(dir, 'dvc.lock');
  if (existsSync(lock)) out.push(...readLockOutputs(lock).map((o) => ({ ...o, path: path.resolve(dir, o.path) })));
  return out;
}

/** `{stage, path (as written), md5, …}` for every `outs` entry of a dvc.lock text. */
export function lockOutputs(text: string, file: string): { stage: string; path: string; md5?: string; size?: number; nfiles?: number }[] {
  const doc = parseYaml(text, file);
  const stages = isMap(doc) && isMap(doc.stages) ? doc.stages : {};
  const out: { stage: string; path: string; md5?: string; size?: number; nfiles?: number }[] = [];
  for (const [stage, raw] of Object.entries(stages)) {
    if (!isMap(raw) || !Array.isArray(raw.outs)) continue;
    for (const o of raw.outs) {
      if (!isMap(o) || typeof o.path !== 'string') continue;
      out.push({
        stage,
        path: o.path,
        md5: typeof o.md5 === 'string' ? o.md5 : undefined,
        size: typeof o.size === 'number' ? o.size : undefined,
        nfiles: typeof o.nfiles === 'number' ? o.nfiles : undefined,
      });
    }
  }
  return out;
}

function readLockOutputs(lock: string): PipelineOutput[] {
  return lockOutputs(readFileSync(lock, 'utf8'), lock).map((o) => ({ path: o.path, file: lock, stage: o.stage }));
}

function readStages(file: string): Record<string, unknown> {
  const doc = parseYaml(readFileSync(file, 'utf8'), file);
  return isMap(doc) && isMap(doc.stages) ? doc.stages : {};
}

function parseYaml(text: string, file: string): unknown {
  try {
    return parse(text);
  } catch (err) {
    const line = (err as { linePos?: { line: number }[] }).linePos?.[0]?.line ?? 0;
    fail('YAML_INVALID', `${file}:${line}: ${(err as Error).message.split('\n')[0]}`, { file, line });
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
