import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import { checkVersion, lineageOf, parseModelUri, resolveModelUri, type ModelVersion, type RegisteredModel, type RegistryStore } from '../../registry/index.js';
import { commandOutput } from '../context.js';
import { renderAudit, renderLineage, renderModel, renderModels, renderVersion, renderVersions } from './models-render.js';
import { actorOf, addActorOptions, addOverrideOption, addRegistryOptions, withRegistry } from './models-store.js';
import { registerModelsRegister } from './models-register.js';
import { registerModelsPackage } from './models-package.js';
import { registerModelsReproduce } from './models-reproduce.js';

interface SearchFlags {
  readonly filter?: string;
  readonly orderBy: string[];
  readonly max: number;
  readonly pageToken?: string;
}

const collect = (v: string, p: string[]) => [...p, v];

export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('the model registry: registered models, versions, aliases, audit log and lineage');
  registerModelsRegister(models);
  registerModelsPackage(models);
  registerModelsReproduce(models);

  addRegistryOptions(models.command('list'))
    .description("list registered models; filter with MLflow's syntax (name, tags.<key>) plus `or` and parentheses")
    .option('-f, --filter <expr>', "e.g. \"name LIKE 'fraud%' and tags.team = 'risk'\"")
    .option('-o, --order-by <clause>', 'name, creation_timestamp or last_updated_timestamp, with ASC/DESC (repeatable)', collect, [])
    .option('-n, --max <n>', 'at most this many models', parseMax, 100)
    .option('--page-token <token>', 'continue a previous listing')
    .option('--json', 'print the result as JSON')
    .action(async (flags: SearchFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const page = await withRegistry(cmd, (r) => r.searchModels(search(flags)));
      out.result({ models: page.items, ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) });
      renderModels(out, page.items);
      if (page.nextPageToken) out.line(`\nMore models: add --page-token ${page.nextPageToken}`);
    });

  addRegistryOptions(models.command('show <model>'))
    .description('show a registered model by name, or one version by URI (models:/name/3, models:/name@alias, models:/name/latest)')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, _opts, cmd: Command) => {
      const out = commandOutput(cmd);
      const shown = await withRegistry(cmd, (r): Promise<RegisteredModel | ModelVersion> => (ref.startsWith('models:/') ? resolveModelUri(r, ref) : r.getModel(ref)));
      out.result(shown);
      if ('version' in shown) renderVersion(out, shown);
      else renderModel(out, shown);
    });

  addRegistryOptions(models.command('versions <name>'))
    .description("list a model's versions, newest first")
    .option('-f, --filter <expr>', "more conditions, e.g. \"tags.validated = 'yes'\"")
    .option('-n, --max <n>', 'at most this many versions', parseMax, 1000)
    .option('--page-token <token>', 'continue a previous listing')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, flags: SearchFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const page = await withRegistry(cmd, async (r) => {
        await r.getModel(name); // NOT_FOUND for an unknown model rather than an empty list
        const filter = `name = '${name.replace(/'/g, "''")}'${flags.filter ? ` and (${flags.filter})` : ''}`;
        return r.searchVersions({ ...search(flags), filter, orderBy: ['version_number DESC'] });
      });
      out.result({ versions: page.items, ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) });
      renderVersions(out, page.items);
      if (page.nextPageToken) out.line(`\nMore versions: add --page-token ${page.nextPageToken}`);
    });

  registerAlias(models);

  addRegistryOptions(models.command('audit <name>'))
    .description("the model's audit log, oldest first: who changed what, when, from what to what, and why")
    .option('--json', 'print the result as JSON')
    .action(async (name: string, _opts, cmd: Command) => {
      const out = commandOutput(cmd);
      const events = await withRegistry(cmd, (r) => r.auditLog(name));
      if (events.length === 0) await withRegistry(cmd, (r) => r.getModel(name)); // unknown name → NOT_FOUND
      out.result({ events });
      renderAudit(out, events);
    });

  addRegistryOptions(models.command('lineage <model> [version]'))
    .description('where a version came from: run → params, metrics → data versions → git commit and pipeline stage')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, version: string | undefined, _opts, cmd: Command) => {
      const out = commandOutput(cmd);
      const lineage = await withRegistry(cmd, async (r, tracking) => {
        const [name, v] = await versionRef(r, ref, version);
        return lineageOf(r, tracking, name, v);
      });
      out.result(lineage);
      renderLineage(out, lineage);
    });
}

function registerAlias(models: Command): void {
  const alias = models.command('alias').description("set or delete a model's aliases (champion, challenger, any name but latest and v<number>)");
  addOverrideOption(addActorOptions(addRegistryOptions(alias.command('set <name> <alias> <version>'))))
    .description('point an alias at a version (moving it if it pointed elsewhere)')
    .option('--json', 'print the version the alias now names as JSON')
    .action(async (name: string, aliasName: string, version: string, _opts, cmd: Command) => {
      const out = commandOutput(cmd);
      const v = checkVersion(version);
      const mv = await withRegistry(cmd, async (r) => {
        await r.setAlias(name, aliasName, v, actorOf(cmd));
        return r.getVersionByAlias(name, aliasName);
      });
      out.result(mv);
      out.line(`${name}@${aliasName} → version ${mv.version}`);
    });
  addActorOptions(addRegistryOptions(alias.command('delete <name> <alias>')))
    .description('remove an alias (the version stays)')
    .action(async (name: string, aliasName: string, _opts, cmd: Command) => {
      await withRegistry(cmd, async (r) => {
        // The store treats an unset alias as a no-op (MLflow); a person typing a name wants to know.
        if (!((await r.getModel(name)).aliases[aliasName] !== undefined)) fail('NOT_FOUND', `registered model '${name}' has no alias '${aliasName}'`, { name, alias: aliasName });
        await r.deleteAlias(name, aliasName, actorOf(cmd));
      });
      commandOutput(cmd).line(`Deleted alias ${name}@${aliasName}`);
    });
}

/** `<name> <version>` or one `models:/…` URI → name and version number. */
async function versionRef(r: RegistryStore, ref: string, version: string | undefined): Promise<[string, number]> {
  if (ref.startsWith('models:/')) {
    if (version !== undefined) fail('INVALID_ARGUMENT', 'give either a models:/ URI or a name and a version, not both', { field: 'version' });
    parseModelUri(ref);
    const mv = await resolveModelUri(r, ref);
    return [mv.name, mv.version];
  }
  if (version === undefined) fail('INVALID_ARGUMENT', 'which version? e.g. `paddock models lineage churn 3` or `paddock models lineage models:/churn@champion`', { field: 'version' });
  return [ref, checkVersion(version)];
}

function search(flags: SearchFlags) {
  return { maxResults: flags.max, ...(flags.filter ? { filter: flags.filter } : {}), ...(flags.orderBy?.length ? { orderBy: flags.orderBy } : {}), ...(flags.pageToken ? { pageToken: flags.pageToken } : {}) };
}

function parseMax(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail('INVALID_ARGUMENT', `--max must be a positive integer (got '${value}')`, { field: 'max' });
  return n;
}
