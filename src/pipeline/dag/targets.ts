import path from 'node:path';
import { fail } from '../../core/errors.js';
import { nearest } from '../../core/nearest.js';
import type { Stage } from '../model.js';

/**
 * Stage targets as DVC addresses them: `name`, `path/to/dvc.yaml:name`, or a foreach/matrix
 * group name (`train` selects every `train@…`). Unknown → NOT_FOUND with the nearest name.
 */
export function resolveTargets(stages: ReadonlyMap<string, Stage>, root: string, targets: readonly string[]): Stage[] {
  const out: Stage[] = [];
  const add = (s: Stage) => out.includes(s) || out.push(s);
  for (const target of targets) {
    const colon = target.lastIndexOf(':');
    const file = colon > 0 && /dvc\.yaml$/.test(target.slice(0, colon)) ? path.resolve(root, target.slice(0, colon)) : undefined;
    const name = file ? target.slice(colon + 1) : target;
    const candidates = [...stages.values()].filter((s) => !file || s.file === file);
    const exact = candidates.find((s) => s.name === name);
    const group = candidates.filter((s) => s.name.startsWith(`${name}@`));
    if (exact) add(exact);
    else if (group.length) group.forEach(add);
    else {
      const suggestion = nearest(name, [...stages.keys()]);
      fail('NOT_FOUND', `no stage named '${target}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`, { target, suggestion });
    }
  }
  return out;
}
