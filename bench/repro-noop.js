// `repro` of a 100-stage pipeline with nothing to do, beside the start-up of a bare Node process.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { best, fmtSeconds, initProject, paddock, removeDir, row, sh, tempDir } from './lib.js';

export async function reproNoop() {
  const stages = 100;
  const dir = tempDir('repro');
  try {
    initProject(dir);
    writeFileSync(path.join(dir, 'seed.txt'), 'seed\n');
    const lines = ['stages:'];
    for (let i = 0; i < stages; i++) {
      // A chain with fan-in every tenth stage, so the DAG is not trivial.
      const deps = [i === 0 ? 'seed.txt' : `out/s${i - 1}.txt`];
      if (i >= 10 && i % 10 === 0) deps.push(`out/s${i - 10}.txt`);
      lines.push(`  s${i}:`, `    cmd: cat ${deps.join(' ')} > out/s${i}.txt`, '    deps:', ...deps.map((d) => `      - ${d}`), '    outs:', `      - out/s${i}.txt`);
    }
    writeFileSync(path.join(dir, 'dvc.yaml'), `${lines.join('\n')}\n`);
    sh(dir, 'mkdir -p out');
    paddock(dir, ['repro', '-q']);
    const ours = await best(5, () => paddock(dir, ['repro', '-q']));
    const node = await best(5, () => sh(dir, `"${process.execPath}" -e ""`));
    return [row(`repro, ${stages} stages, nothing to do`, fmtSeconds(ours), fmtSeconds(node), 'node -e "" start-up', '< 0.5 s', `${(ours / node).toFixed(1)}×`, ours < 0.5)];
  } finally {
    removeDir(dir);
  }
}
