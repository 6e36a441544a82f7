// A child process for the concurrency and kill -9 tests: opens the metadata store at argv[2]
// (a sqlite: URI) and runs one mode. Prints one line per milestone on stdout.
import { openMetadataStore } from '../open-metadata-store.js';

const [uri, mode, ...args] = process.argv.slice(2);
const meta = await openMetadataStore(uri!, { root: process.cwd(), artifactsRoot: '/tmp/artifacts' });
const store = meta.tracking;

if (mode === 'open') {
  process.stdout.write('opened\n');
} else if (mode === 'log') {
  // log <runId> <worker> <batches>: alternates 1-point and 100-point batches on a shared key,
  // plus the worker's own key, so writers contend on the same series and the same run.
  const [runId, worker, batches] = args as [string, string, string];
  let step = 0;
  for (let b = 0; b < Number(batches); b++) {
    const size = b % 2 === 0 ? 1 : 100;
    const metrics = [];
    for (let i = 0; i < size; i++, step++) {
      metrics.push({ key: 'shared', value: Number(worker), step, timestamp: Date.now() });
      metrics.push({ key: `w${worker}`, value: step, step, timestamp: Date.now() });
    }
    await store.logBatch(runId, { metrics });
  }
  process.stdout.write(`done ${step}\n`);
} else if (mode === 'batches') {
  // batches <runId> <points>: forever, batch i = <points> points of key b<i> and param batch<i>.
  const [runId, points] = args as [string, string];
  for (let i = 0; ; i++) {
    const metrics = Array.from({ length: Number(points) }, (_, s) => ({ key: `b${i}`, value: s * 0.5, step: s, timestamp: 1_700_000_000_000 + s }));
    await store.logBatch(runId, { metrics, params: [{ key: `batch${i}`, value: String(i) }], tags: { [`tag${i}`]: 'x' } });
    process.stdout.write(`batch ${i}\n`);
  }
}
await meta.close();
