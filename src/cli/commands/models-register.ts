import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import { registerVersion, type ModelVersion } from '../../registry/index.js';
import { commandOutput } from '../context.js';
import { registerPackageForCommand } from './models-package-source.js';
import { actorOf, addActorOptions, addOverrideOption, addRegistryOptions, withRegistry } from './models-store.js';

interface RegisterFlags {
  readonly name?: string;
  readonly force?: boolean;
  readonly run?: string;
  readonly alias?: string;
  readonly description?: string;
  readonly json?: boolean;
}

/**
 * `paddock models register`: a new version (and the model on first use), optionally aliased.
 * Two forms: `register <package-dir> --name <model>` checks, uploads and registers a model
 * package with its signature; `register <name> <source>` records files that are already stored.
 */
export function registerModelsRegister(models: Command): void {
  addOverrideOption(addActorOptions(addRegistryOptions(models.command('register <name-or-package-dir> [source]'))))
    .description('register a new version of a model, creating the model on first use: a package directory with --name (checked, uploaded under the artifact root, signature recorded), or a model name and the source of its files (a path or artifact URI)')
    .option('--name <model>', 'register the package directory given as the first argument under this model name')
    .option('--force', "with --name: register even if the package's signature differs from the latest version's")
    .option('--run <id>', 'the run that produced it (gives the version its lineage; a package takes it from its manifest)')
    .option('--alias <alias>', 'point this alias (e.g. champion) at the new version')
    .option('--description <text>', 'what this version is')
    .option('--json', 'print the new version as JSON')
    .action(async (first: string, source: string | undefined, flags: RegisterFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const version = flags.name !== undefined ? await registerPackageDir(cmd, first, source, flags) : await registerSource(cmd, first, source, flags);
      out.result(version);
      const name = version.name;
      out.line(`Registered ${name} version ${version.version}${flags.alias ? ` as ${name}@${flags.alias}` : ''} (models:/${name}/${version.version}) from ${version.source}`);
    });
}

function registerPackageDir(cmd: Command, dir: string, extra: string | undefined, flags: RegisterFlags): Promise<ModelVersion> {
  if (extra !== undefined) fail('INVALID_ARGUMENT', `with --name, give only the package directory (got '${dir}' and '${extra}')`, { field: 'source' });
  // The package's manifest (lineage.run_id) names its run; a second answer could contradict it.
  if (flags.run !== undefined) fail('INVALID_ARGUMENT', "--run cannot be used with --name: a package's run comes from lineage.run_id in its manifest", { field: 'run' });
  return registerPackageForCommand(cmd, { dir, name: flags.name!, alias: flags.alias, description: flags.description, force: flags.force });
}

function registerSource(cmd: Command, name: string, source: string | undefined, flags: RegisterFlags): Promise<ModelVersion> {
  if (source === undefined) {
    fail('INVALID_ARGUMENT', `where are the model's files? e.g. \`paddock models register ${name} runs:/<run_id>/model\`, or register a package directory with \`paddock models register <package-dir> --name <model>\``, { field: 'source' });
  }
  if (flags.force) fail('INVALID_ARGUMENT', '--force applies to packages: `paddock models register <package-dir> --name <model> --force`', { field: 'force' });
  return withRegistry(cmd, (r) => registerVersion(r, { name, source, runId: flags.run, alias: flags.alias, description: flags.description }, actorOf(cmd)));
}
