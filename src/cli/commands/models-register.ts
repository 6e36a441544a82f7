import type { Command } from 'commander';
import { registerVersion } from '../../registry/index.js';
import { commandOutput } from '../context.js';
import { actorOf, addActorOptions, addRegistryOptions, withRegistry } from './models-store.js';

interface RegisterFlags {
  readonly run?: string;
  readonly alias?: string;
  readonly description?: string;
  readonly json?: boolean;
}

/** `paddock models register`: a new version (and the model on first use), optionally aliased. */
export function registerModelsRegister(models: Command): void {
  addActorOptions(addRegistryOptions(models.command('register <name> <source>')))
    .description('register a new version of a model from its files (a path or artifact URI), creating the model on first use')
    .option('--run <id>', 'the run that produced it (gives the version its lineage)')
    .option('--alias <alias>', 'point this alias (e.g. champion) at the new version')
    .option('--description <text>', 'what this version is')
    .option('--json', 'print the new version as JSON')
    .action(async (name: string, source: string, flags: RegisterFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const version = await withRegistry(cmd, (r) => registerVersion(r, { name, source, runId: flags.run, alias: flags.alias, description: flags.description }, actorOf(cmd)));
      out.result(version);
      out.line(`Registered ${name} version ${version.version}${flags.alias ? ` as ${name}@${flags.alias}` : ''} (models:/${name}/${version.version})`);
    });
}
