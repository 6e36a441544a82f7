import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import type { Experiment } from '../../tracking/index.js';
import { commandOutput } from '../context.js';
import { formatTable } from '../output.js';
import { addTrackingUriOption, allExperiments, formatTime, resolveExperiment, viewTypeOf, withTrackingStore } from './tracking-options.js';

export function registerExperiments(program: Command): void {
  const experiments = program
    .command('experiments')
    .description('manage tracking experiments (in the project\'s store, or a server with --tracking-uri)');

  addTrackingUriOption(experiments.command('list'))
    .description('list experiments')
    .option('--view <view>', 'active, deleted or all', 'active')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { view?: string }, cmd: Command) => {
      const out = commandOutput(cmd);
      const list = await withTrackingStore(cmd, (store) => allExperiments(store, viewTypeOf(opts.view)));
      out.result(list);
      if (list.length === 0) out.line('No experiments: runs create theirs on first use, or `paddock experiments create <name>`.');
      else out.line(formatTable(['ID', 'NAME', 'STAGE', 'CREATED', 'ARTIFACT LOCATION'], list.map(row)));
    });

  addTrackingUriOption(experiments.command('create <name>'))
    .description('create an experiment and print its id')
    .option('--artifact-location <uri>', 'where its runs put artifacts (default: under artifacts.root)')
    .option('-t, --tag <key=value>', 'an experiment tag (repeatable)', collectTags, {})
    .option('--json', 'print the result as JSON')
    .action(async (name: string, opts: { artifactLocation?: string; tag: Record<string, string> }, cmd: Command) => {
      const out = commandOutput(cmd);
      const id = await withTrackingStore(cmd, (store) => store.createExperiment({
        name, ...(opts.artifactLocation ? { artifactLocation: opts.artifactLocation } : {}), tags: opts.tag,
      }));
      out.result({ experimentId: id, name });
      out.line(`Created experiment '${name}' with id ${id}`);
    });

  addTrackingUriOption(experiments.command('delete <experiment>'))
    .description('delete an experiment (id or name) and its runs; restorable unless --permanent')
    .option('--permanent', 'also purge it: runs and metadata are removed for good and the name is freed')
    .action(async (ref: string, opts: { permanent?: boolean }, cmd: Command) => {
      const e = await withTrackingStore(cmd, async (store) => {
        const exp = await resolveExperiment(store, ref);
        if (exp.lifecycleStage === 'active') await store.deleteExperiment(exp.experimentId);
        if (opts.permanent) await store.purgeExperiment(exp.experimentId);
        return exp;
      });
      commandOutput(cmd).line(opts.permanent
        ? `Permanently deleted experiment '${e.name}' (${e.experimentId})`
        : `Deleted experiment '${e.name}' (${e.experimentId}); \`paddock experiments restore ${e.experimentId}\` brings it back`);
    });

  addTrackingUriOption(experiments.command('restore <experiment>'))
    .description('restore a deleted experiment (id or name) with its runs')
    .action(async (ref: string, _opts, cmd: Command) => {
      const e = await withTrackingStore(cmd, async (store) => {
        const exp = await resolveExperiment(store, ref);
        await store.restoreExperiment(exp.experimentId);
        return exp;
      });
      commandOutput(cmd).line(`Restored experiment '${e.name}' (${e.experimentId})`);
    });

  addTrackingUriOption(experiments.command('rename <experiment> <new-name>'))
    .description('rename an experiment (id or name)')
    .action(async (ref: string, newName: string, _opts, cmd: Command) => {
      const e = await withTrackingStore(cmd, async (store) => {
        const exp = await resolveExperiment(store, ref);
        await store.renameExperiment(exp.experimentId, newName);
        return exp;
      });
      commandOutput(cmd).line(`Renamed experiment ${e.experimentId}: '${e.name}' → '${newName}'`);
    });
}

function row(e: Experiment): string[] {
  return [e.experimentId, e.name, e.lifecycleStage, formatTime(e.creationTime), e.artifactLocation];
}

function collectTags(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) fail('INVALID_ARGUMENT', `--tag '${value}' must be key=value`, { field: 'tag' });
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}
