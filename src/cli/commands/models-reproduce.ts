import type { Command } from 'commander';
import { buildMonitoringProfile } from '../../app-model-packages.js';
import { fail } from '../../core/errors.js';
import { reproducePackage } from '../../models/index.js';
import { commandOutput, commandProject } from '../context.js';
import { paddockVersion } from '../paddock-version.js';
import { packageForCommand } from './models-package-source.js';
import { addRegistryOptions } from './models-store.js';

/** `paddock models reproduce`: rebuild a version from its lineage and compare the bytes. */
export function registerModelsReproduce(models: Command): void {
  addRegistryOptions(models.command('reproduce <model>'))
    .description('rebuild a model (models:/name/version or a package directory) from its lineage alone — commit in a temporary worktree, data by hash, same params — and report whether the model file is byte-identical')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, _opts, cmd: Command) => {
      const out = commandOutput(cmd);
      const project = commandProject(cmd);
      const { pkg } = await packageForCommand(cmd, ref);
      const result = await reproducePackage(project, pkg, { paddock: paddockVersion() }, buildMonitoringProfile);
      out.result(result);
      out.line(`Rebuilt ${ref} from commit ${result.gitCommit.slice(0, 12)} and ${result.data.map((d) => `${d.path} (md5 ${d.md5.slice(0, 12)}, from ${d.from})`).join(', ')} in ${result.seconds.toFixed(1)} s`);
      out.line(`  registered model.onnx  sha256 ${result.original.sha256}  ${result.original.bytes} bytes`);
      out.line(`  rebuilt model.onnx     sha256 ${result.rebuilt.sha256}  ${result.rebuilt.bytes} bytes`);
      for (const t of result.toolchain) out.line(`  toolchain differs: ${t}`);
      if (!result.identical) fail('NOT_REPRODUCIBLE', `${ref} did not reproduce: the rebuilt model file differs from the registered one`, { original: result.original.sha256, rebuilt: result.rebuilt.sha256 });
      out.line('Byte-identical: the version reproduces from its lineage.');
    });
}
