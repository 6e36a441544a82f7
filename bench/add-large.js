// `add` of one large file against md5sum's throughput on the same file.
import path from 'node:path';
import { rmSync } from 'node:fs';
import { best, fmtSeconds, initProject, paddock, removeDir, row, sh, tempDir, writeRandomFile } from './lib.js';

export async function addLarge() {
  const bytes = process.env.PADDOCK_BENCH_SMALL ? 256 << 20 : 1 << 30;
  const dir = tempDir('add-large');
  try {
    initProject(dir);
    const file = path.join(dir, 'big.bin');
    writeRandomFile(file, bytes);
    sh(dir, 'md5sum big.bin > /dev/null'); // warm the page cache for both
    const md5sum = await best(3, () => sh(dir, 'md5sum big.bin > /dev/null'));
    const reset = () => {
      for (const p of ['.paddock', 'big.bin.dvc', '.gitignore']) rmSync(path.join(dir, p), { recursive: true, force: true });
      paddock(dir, ['init', '-q']);
    };
    const ours = await best(3, () => paddock(dir, ['add', '-q', 'big.bin']), reset);
    const mib = bytes / 2 ** 20;
    const ratio = md5sum / ours;
    return [row(`add of a ${mib} MiB file (throughput)`, `${(mib / ours).toFixed(0)} MiB/s (${fmtSeconds(ours)})`, `${(mib / md5sum).toFixed(0)} MiB/s (${fmtSeconds(md5sum)})`, 'md5sum', '≥ 0.9× md5sum', `${ratio.toFixed(2)}×`, ratio >= 0.9)];
  } finally {
    removeDir(dir);
  }
}
