import type { Command } from 'commander';
import { promotionGuard } from '../../app-promotion.js';
import { approveVersion, type Approval } from '../../automation/promotion/index.js';
import { checkVersion } from '../../registry/index.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { commandOutput } from '../context.js';
import { formatTable } from '../output.js';
import { actorOf, addActorOptions, addRegistryOptions, withMetadata } from './models-store.js';
import { when } from '../../automation/audit/index.js';

/**
 * `paddock approve <model> <version>`: a person's approval of a version, which promotion policies
 * can require (`promotion.policies.<model>.require.approvals`); `paddock approvals <model> [version]`
 * lists them.
 */
export function registerApprove(program: Command): void {
  addActorOptions(addRegistryOptions(program.command('approve <model> <version>')))
    .description("approve a model version for production (the approver is --actor, $PADDOCK_ACTOR or the OS user; once per person per version)")
    .option('--json', 'print the approval as JSON')
    .action(async (model: string, version: string, _opts, cmd: Command) => {
      const v = checkVersion(version);
      const approval = await withMetadata(cmd, 'approve', (metadata, project) => approveVersion({ registry: new SqlRegistryStore(metadata), store: promotionGuard(project, metadata).store }, model, v, actorOf(cmd)));
      const out = commandOutput(cmd);
      out.result(approval);
      out.line(`${approval.approver} approved ${model} version ${v}${approval.reason ? `: ${approval.reason}` : ''}`);
    });
  addRegistryOptions(program.command('approvals <model> [version]'))
    .description("list a model's approvals (of one version when given), oldest first")
    .option('--json', 'print the approvals as JSON')
    .action(async (model: string, version: string | undefined, _opts, cmd: Command) => {
      const v = version === undefined ? undefined : checkVersion(version);
      const approvals = await withMetadata(cmd, 'approvals', async (metadata, project) => {
        if (v !== undefined) await new SqlRegistryStore(metadata).getVersion(model, v);
        return promotionGuard(project, metadata).store.approvals(model, v);
      });
      const out = commandOutput(cmd);
      out.result({ items: approvals });
      out.line(approvals.length === 0 ? `No approvals of ${model}${v !== undefined ? ` version ${v}` : ''}` : render(approvals));
    });
}

function render(approvals: readonly Approval[]): string {
  return formatTable(['version', 'approver', 'when', 'reason'], approvals.map((a) => [String(a.version), a.approver, when(a.timestamp), a.reason ?? '']));
}
