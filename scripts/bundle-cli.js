// Bundles the compiled CLI into one file (dist/paddock-cli.js): Node's ESM loader pays per
// module, and one file halves the start-up every command pays (about 150 ms → 80 ms here).
// Native and lazily loaded packages stay external. The predictor thread's worker is bundled
// beside it (dist/predictor-thread-worker.js), where the bundled CLI looks for it.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', '@duckdb/*', '@aws-sdk/*', 'pino', 'onnxruntime-node'],
  logLevel: 'warning',
  banner: { js: "import { createRequire as __paddockRequire } from 'node:module'; const require = __paddockRequire(import.meta.url);" },
};

await build({ ...common, entryPoints: ['dist/cli/main.js'], outfile: 'dist/paddock-cli.js' });
await build({ ...common, entryPoints: ['dist/models/package/predictor-thread-worker.js'], outfile: 'dist/predictor-thread-worker.js' });
