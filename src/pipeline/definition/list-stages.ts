import path from 'node:path';
import type { Pipeline } from '../model.js';

/** One line of `paddock stage list`. */
export interface StageSummary {
  readonly name: string;
  /** `name` for the root dvc.yaml, `sub/dvc.yaml:name` otherwise (DVC's addressing). */
  readonly address: string;
  /** The dvc.yaml, relative to the repository root (posix). */
  readonly file: string;
  readonly desc?: string;
  /** Output paths as written, for stages without a description. */
  readonly outs: readonly string[];
}

/** The stages of a loaded pipeline, addressed as DVC addresses them. */
export function listStages(pipeline: Pipeline): StageSummary[] {
  const root = pipeline.root ?? '';
  return pipeline.stages.map((s) => {
    const file = path.relative(root, s.file).split(path.sep).join('/');
    return {
      name: s.name,
      address: file === 'dvc.yaml' ? s.name : `${file}:${s.name}`,
      file,
      ...(s.desc !== undefined ? { desc: s.desc } : {}),
      outs: s.outs.map((o) => o.path),
    };
  });
}
