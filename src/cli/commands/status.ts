import type { Command } from 'commander';
import { dataStatus, remoteStatus, type StatusReport } from '../../data/index.js';
import { loadPipeline, pipelineStatus } from '../../pipeline/index.js';
import type { Project } from '../../core/project.js';
import { commandCwd, commandOutput, commandProject } from '../context.js';
import type { Output } from '../output.js';

interface StatusFlags {
  readonly json?: boolean;
  readonly remote?: string | boolean;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show tracked data and pipeline stages that changed since they were recorded (or, with --remote, what differs from a remote)')
    .argument('[targets...]', 'stage names, .dvc files or tracked outputs to check (default: all)')
    .option('-r, --remote [name]', 'compare the cache with a remote instead (default remote when no name is given)')
    .option('--json', 'print the result as JSON (same shape as `dvc status --json`)')
    .action(async (targets: string[], flags: StatusFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const project = commandProject(cmd);
      if (flags.remote !== undefined) {
        const reports = await remoteStatus(project, { remote: typeof flags.remote === 'string' ? flags.remote : undefined });
        out.result(reports);
        for (const r of reports) {
          out.line(`${r.remote} (${r.url}): ${r.counts.new} new, ${r.counts.deleted} deleted, ${r.counts.missing} missing, ${r.counts.inSync} in sync`);
          for (const o of r.objects) out.line(`  ${o.state.padEnd(8)} ${o.path}`);
        }
        return;
      }
      const report = await workspaceStatus(project, targets, commandCwd(cmd));
      out.result(report);
      render(out, report);
    });
}

/** `.dvc` pointers and pipeline stages together, as `dvc status` reports them. */
async function workspaceStatus(project: Project, targets: readonly string[], cwd: string): Promise<StatusReport> {
  const stageNames = new Set(targets.length > 0 ? (await loadPipeline(project)).stages.map((s) => s.name) : []);
  const stageTargets = targets.filter((t) => stageNames.has(t) || t.includes(':'));
  const dataTargets = targets.filter((t) => !stageTargets.includes(t));
  const stages = targets.length === 0 || stageTargets.length > 0 ? (await pipelineStatus(project, { targets: stageTargets.length ? stageTargets : undefined })).dvc : {};
  const data = targets.length === 0 || dataTargets.length > 0 ? await dataStatus(project, dataTargets, cwd) : {};
  return { ...(stages as StatusReport), ...data };
}

function render(out: Output, report: StatusReport): void {
  const entries = Object.entries(report);
  if (entries.length === 0) {
    out.line('Data and pipelines are up to date.');
    return;
  }
  for (const [addressing, items] of entries) {
    out.line(`${addressing}:`);
    for (const item of items) {
      if (typeof item === 'string') out.line(`\t${item}`);
      else for (const [what, changes] of Object.entries(item)) {
        out.line(`\t${what}:`);
        renderChanges(out, changes, 2);
      }
    }
  }
}

/** `path: state` lines; params nest one level deeper (`params.yaml:` then `modified: key`). */
function renderChanges(out: Output, changes: Readonly<Record<string, unknown>>, depth: number): void {
  const indent = '\t'.repeat(depth);
  for (const [p, state] of Object.entries(changes)) {
    if (typeof state === 'object' && state !== null) {
      out.line(`${indent}${p}:`);
      renderChanges(out, state as Record<string, unknown>, depth + 1);
    } else out.line(`${`${indent}${String(state)}:`.padEnd(20)}${p}`);
  }
}
