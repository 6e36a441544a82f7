import path from 'node:path';
import type { Command } from 'commander';
import { auditChain, auditLines, renderAuditHtml } from '../../automation/audit/index.js';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import { checkVersion } from '../../registry/index.js';
import { SqlDeploymentStore } from '../../storage/sql/deployments/sql-deployment-store.js';
import { SqlPromotionStore } from '../../storage/sql/promotion/sql-promotion-store.js';
import { SqlTriggerSource } from '../../storage/sql/promotion/sql-trigger-source.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { commandCwd, commandOutput } from '../context.js';
import { paint } from '../output.js';
import { addRegistryOptions, withMetadata } from './models-store.js';

interface AuditFlags {
  readonly version?: string;
  readonly html?: string;
}

/**
 * `paddock audit <model>`: for each version in production (the policy's aliases, its deployments'
 * stable), the chain alert → trigger → data → run → evaluation → gates → approvals → canary →
 * promotion, from the stores; `--html` writes it as a report for a compliance review.
 */
export function registerAudit(program: Command): void {
  addRegistryOptions(program.command('audit <model>'))
    .description('print the chain of evidence behind each version of a model in production: trigger, data and its validation, training run, evaluation and gates, approvals, canary steps, promotion')
    .option('--version <n>', 'audit this version (in production or not) instead')
    .option('--json', 'print the chain as JSON')
    .option('--html <file>', 'also write a self-contained HTML report')
    .action(async (model: string, flags: AuditFlags, cmd: Command) => {
      const version = flags.version === undefined ? undefined : checkVersion(flags.version);
      const report = await withMetadata(cmd, 'audit', (metadata, project) => auditChain({
        registry: new SqlRegistryStore(metadata), tracking: metadata.tracking, store: new SqlPromotionStore(metadata),
        deployments: new SqlDeploymentStore(metadata), config: project.config.promotion, triggers: new SqlTriggerSource(metadata),
      }, model, version !== undefined ? { version } : {}));
      if (flags.html) await writeFileAtomic(path.resolve(commandCwd(cmd), flags.html), renderAuditHtml(report));
      const out = commandOutput(cmd);
      out.result(report);
      const c = paint(out);
      for (const l of auditLines(report)) {
        const text = `${'  '.repeat(l.depth)}${l.text}`;
        out.line(l.ok === false ? c.red(text) : text);
      }
      if (flags.html) out.line(`\nWrote the audit report to ${flags.html}`);
    });
}
