import { promises as fs } from 'node:fs';
import type { Project } from '../../core/project.js';
import { workspaceTree, type Tree } from '../definition/tree.js';
import type { Stage } from '../model.js';
import { readParams } from '../params/read-params.js';
import type { ParamsReader } from './stage-status.js';

/**
 * readParams over a workspace tree that reads each params file once while it is unchanged
 * (keyed by mtime and size, since a stage may write another stage's params file), so a
 * 100-stage pipeline sharing params.yaml does not read it 100 times.
 */
export function cachedParamsReader(project: Pick<Project, 'root'>): ParamsReader {
  const base = workspaceTree(project.root);
  const texts = new Map<string, { sig: string; text: Promise<string | undefined> }>();
  const tree: Tree = {
    ...base,
    async read(absPath) {
      const st = await fs.stat(absPath).catch(() => undefined);
      const sig = st ? `${st.mtimeMs}:${st.size}:${st.ino}` : 'missing';
      const hit = texts.get(absPath);
      if (hit && hit.sig === sig) return hit.text;
      const text = base.read(absPath);
      texts.set(absPath, { sig, text });
      return text;
    },
  };
  return (stage: Stage) => readParams(project, stage, tree);
}
