// `add` of a directory of many small files against `find | xargs md5sum`, then `status` on it.
import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { best, fmtSeconds, initProject, paddock, removeDir, row, sh, tempDir, writeManyFiles } from './lib.js';

export async function addMany() {
  const count = process.env.PADDOCK_BENCH_SMALL ? 10_000 : 100_000;
  const size = 1024;
  const dir = tempDir('add-many');
  try {
    initProject(dir);
    writeManyFiles(path.join(dir, 'data'), count, size);
    const hashAll = 'find data -type f -print0 | xargs -0 md5sum > /dev/null';
    sh(dir, hashAll);
    const md5sum = await best(2, () => sh(dir, hashAll));
    const reset = () => {
      for (const p of ['.paddock', 'data.dvc', '.gitignore']) rmSync(path.join(dir, p), { recursive: true, force: true });
      paddock(dir, ['init', '-q']);
    };
    const add = await best(2, () => paddock(dir, ['add', '-q', 'data']), reset);
    // The floor for any copying cache on this file system: creating the same files once more.
    const copy = await best(2, () => sh(dir, 'cp -r data data-copy'), () => sh(dir, 'rm -rf data-copy'));
    sh(dir, 'rm -rf data-copy');
    // With cache.type hardlink the cache shares the workspace's inodes (DVC's protected mode).
    const hardlink = await best(2, () => paddock(dir, ['add', '-q', 'data'], { PADDOCK_CACHE_TYPE: 'hardlink' }), reset);
    const statAll = "find data -type f -printf '%s %T@\\n' > /dev/null";
    const findStat = await best(3, () => sh(dir, statAll));
    const status = await best(3, () => paddock(dir, ['status', '--json']));
    const one = path.join(dir, 'data/d07/f7.bin');
    let n = 0;
    const touched = await best(3, () => paddock(dir, ['status', '--json']), () => {
      writeFileSync(one, `changed ${n++}`);
      utimesSync(one, new Date(), new Date(Date.now() + n * 1000));
    });
    const label = `${count.toLocaleString('en')} files of ${size} B`;
    return [
      row(`add of ${label}`, fmtSeconds(add), fmtSeconds(md5sum), 'find … \\| xargs md5sum', '≤ 2× reference', `${(add / md5sum).toFixed(2)}×`, add <= 2 * md5sum),
      row(`add of ${label}, against the copy floor`, fmtSeconds(add), fmtSeconds(copy), 'cp -r of the same tree', 'report', `${(add / copy).toFixed(2)}×`, true),
      row(`add of ${label}, cache.type hardlink`, fmtSeconds(hardlink), fmtSeconds(md5sum), 'find … \\| xargs md5sum', '≤ 2× reference', `${(hardlink / md5sum).toFixed(2)}×`, hardlink <= 2 * md5sum),
      row(`status, ${label}, unchanged`, fmtSeconds(status), fmtSeconds(findStat), 'find -printf size,mtime', '< 1 s', `${(status / findStat).toFixed(2)}×`, status < 1),
      row(`status, ${label}, one file changed`, fmtSeconds(touched), fmtSeconds(findStat), 'find -printf size,mtime', '< 1 s', `${(touched / findStat).toFixed(2)}×`, touched < 1),
    ];
  } finally {
    removeDir(dir);
  }
}
