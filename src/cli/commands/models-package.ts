import path from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import { predict, type ModelManifest, type PredictionRow } from '../../models/index.js';
// The validation capability's DuckDB reader (CSV, Parquet, JSON lines); not yet in its index.ts.
import { openSource, VIEW } from '../../validation/index.js';
import { commandCwd, commandOutput } from '../context.js';
import type { Output } from '../output.js';
import { packageForCommand } from './models-package-source.js';
import { addRegistryOptions } from './models-store.js';

interface PredictFlags {
  readonly output: string;
  readonly batchSize?: string;
  readonly json?: boolean;
}

/**
 * `paddock models inspect` and `paddock models predict`: model packages on disk, or registry
 * versions (`models:/name/3`, `models:/name@alias`, `models:/name/latest`) downloaded into
 * `.paddock/models/` on first use.
 */
export function registerModelsPackage(models: Command): void {
  addRegistryOptions(models.command('inspect <model>'))
    .description("show a model package's signature, preprocessing, metrics and lineage (a package directory or a models:/ URI)")
    .option('--json', 'print the manifest as JSON')
    .action(async (ref: string, _opts, cmd: Command) => {
      const out = commandOutput(cmd);
      const { pkg, version } = await packageForCommand(cmd, ref);
      out.result({ dir: pkg.dir, modelPath: pkg.modelPath, manifest: pkg.manifest, ...(version ? { version } : {}) });
      if (version) out.line(`models:/${version.name}/${version.version}${version.aliases.length ? ` (${version.aliases.map((a) => `@${a}`).join(', ')})` : ''} from ${version.source}`);
      renderManifest(out, pkg.manifest);
    });

  addRegistryOptions(models.command('predict <model> <data>'))
    .description('run a model (a package directory or a models:/ URI) on a data file (.csv, .parquet, .jsonl) and write one prediction row per input row as CSV')
    .requiredOption('-o, --output <file>', 'where to write the predictions (CSV)')
    .option('--batch-size <n>', 'rows per model run', '1024')
    .option('--json', 'print a summary as JSON')
    .action(async (ref: string, data: string, flags: PredictFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const cwd = commandCwd(cmd);
      const { pkg } = await packageForCommand(cmd, ref);
      const source = await openSource(path.resolve(cwd, data));
      let rows;
      try {
        rows = await source.query(`SELECT * FROM ${VIEW}`);
      } finally {
        source.close();
      }
      const predictions = await predict(pkg, rows, { batchSize: Number(flags.batchSize) || 1024 });
      const target = path.resolve(cwd, flags.output);
      await writeFileAtomic(target, toCsv(predictions, pkg.manifest));
      out.result({ rows: predictions.length, output: target });
      out.line(`Wrote ${predictions.length} predictions to ${flags.output}`);
    });
}

function renderManifest(out: Output, m: ModelManifest): void {
  out.line(`${m.name} (${m.flavor}, model ${m.model})`);
  out.line(m.signature.feed.layout === 'columns' ? 'Inputs (one ONNX input per column):' : `Inputs → tensor '${m.signature.feed.tensor}' [batch, n]:`);
  for (const c of m.signature.inputs) out.line(`  ${c.name}: ${c.type}`);
  out.line('Outputs:');
  for (const c of m.signature.outputs) out.line(`  ${c.name}: ${c.type}`);
  const p = m.preprocess;
  if (p) {
    out.line('Preprocess:');
    if (p.columns) out.line(`  column order: ${p.columns.join(', ')}`);
    for (const [c, r] of Object.entries(p.impute)) out.line(`  impute ${c}: ${r.strategy} ${String(r.value)}`);
    for (const [c, s] of Object.entries(p.scale)) out.line(`  scale ${c}: mean ${s.mean}, std ${s.std}`);
    for (const [c, k] of Object.entries(p.one_hot)) out.line(`  one-hot ${c}: ${k.join(', ')}`);
  }
  if (m.metrics && Object.keys(m.metrics).length > 0) {
    out.line('Metrics:');
    for (const [k, v] of Object.entries(m.metrics)) out.line(`  ${k}: ${v}`);
  }
  if (m.lineage) {
    out.line('Lineage:');
    for (const [k, v] of Object.entries(m.lineage)) out.line(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
}

function csvCell(v: unknown): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One column per scalar output; an output with k values per row becomes `name_0 … name_{k-1}`. */
function toCsv(rows: readonly PredictionRow[], m: ModelManifest): string {
  const first = rows[0];
  const header = m.signature.outputs.flatMap((o) => {
    const v = first?.[o.name];
    return Array.isArray(v) ? v.map((_, i) => `${o.name}_${i}`) : [o.name];
  });
  const lines = rows.map((r) => m.signature.outputs.flatMap((o) => {
    const v = r[o.name];
    return Array.isArray(v) ? v.map(csvCell) : [csvCell(v)];
  }).join(','));
  return [header.map(csvCell).join(','), ...lines].join('\n') + '\n';
}
