import type { Command } from 'commander';
import { addRemote, listRemotes, removeRemote, setDefaultRemote } from '../../data/index.js';
import { commandOutput, commandProject } from '../context.js';
import { formatTable } from '../output.js';
import { parseJobs } from './transfer-options.js';

export function registerRemote(program: Command): void {
  const remote = program
    .command('remote')
    .description('manage data remotes in paddock.yaml (a directory path, or s3://bucket/prefix on any S3-compatible store)');

  remote
    .command('add <name> <url>')
    .description('add a remote; comments and layout of paddock.yaml are kept')
    .option('-d, --default', 'make it the default remote (core.remote)')
    .option('-f, --force', 'replace a remote of the same name')
    .option('--endpoint <url>', 'S3 endpoint URL for S3-compatible stores (MinIO, Ceph, …)')
    .option('--region <region>', 'S3 region (default us-east-1)')
    .option('-j, --jobs <n>', 'parallel transfers for this remote', parseJobs)
    .action(async (name: string, url: string, opts: { default?: boolean; force?: boolean; endpoint?: string; region?: string; jobs?: number }, cmd: Command) => {
      await addRemote(commandProject(cmd), name, url, opts);
      commandOutput(cmd).line(`Added remote '${name}' → ${url}${opts.default ? ' (default)' : ''}`);
    });

  remote
    .command('list')
    .description('list the configured remotes (paddock.yaml and .dvc/config)')
    .option('--json', 'print the result as JSON')
    .action((_opts, cmd: Command) => {
      const out = commandOutput(cmd);
      const remotes = listRemotes(commandProject(cmd));
      out.result(remotes);
      if (remotes.length === 0) out.line('No remotes configured: add one with `paddock remote add <name> <url>`.');
      else out.line(formatTable(['NAME', 'URL', 'ENDPOINT', 'DEFAULT'], remotes.map((r) => [r.name, r.url, r.endpoint ?? '', r.default ? 'yes' : ''])));
    });

  remote
    .command('default [name]')
    .description('show the default remote, or set it to <name>')
    .option('--json', 'print the result as JSON')
    .action(async (name: string | undefined, _opts, cmd: Command) => {
      const out = commandOutput(cmd);
      const project = commandProject(cmd);
      if (name) {
        await setDefaultRemote(project, name);
        out.result({ default: name });
        out.line(`Default remote is now '${name}'`);
        return;
      }
      const current = listRemotes(project).find((r) => r.default)?.name ?? null;
      out.result({ default: current });
      out.line(current ?? 'No default remote set.');
    });

  remote
    .command('remove <name>')
    .description('remove a remote from paddock.yaml (and unset it as default)')
    .action(async (name: string, _opts, cmd: Command) => {
      await removeRemote(commandProject(cmd), name);
      commandOutput(cmd).line(`Removed remote '${name}'`);
    });
}
