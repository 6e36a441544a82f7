/**
 * The audit report as an indented chain of lines with times (UTC) and actors, one block per
 * production version: what `paddock audit` prints.
 */
import type { AuditReport, RunLink, VersionChain } from './audit-chain.js';

/** One line of the chain: its depth and text; `ok` marks a check's outcome when it is one. */
export interface ChainLine {
  readonly depth: number;
  readonly text: string;
  readonly ok?: boolean;
}

/** ISO time without milliseconds, or `-`. */
export function when(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The report's lines, in chain order. */
export function auditLines(report: AuditReport): ChainLine[] {
  const lines: ChainLine[] = [{ depth: 0, text: `Audit of ${report.model} at ${when(report.generatedAt)}${report.policy ? ` (policy '${report.policy}')` : ' (no promotion policy)'}` }];
  if (report.versions.length === 0) lines.push({ depth: 1, text: 'no version serves production (no guarded alias is set, no deployment serves the model)' });
  for (const v of report.versions) lines.push(...versionLines(v));
  return lines;
}

function versionLines(v: VersionChain): ChainLine[] {
  const out: ChainLine[] = [{ depth: 0, text: '' }, { depth: 0, text: `version ${v.version} (registered ${when(v.createdAt)})${v.servedAs.length ? `: ${v.servedAs.join(', ')}` : ': not in production'}` }];
  const add = (depth: number, text: string, ok?: boolean) => out.push({ depth, text, ...(ok !== undefined ? { ok } : {}) });
  const t = v.trigger;
  if (t.alert) add(1, `alert ${t.alert.rule} at ${when(t.alert.at)}: ${t.alert.detail}`);
  add(1, `trigger: ${t.kind}${t.at !== undefined ? ` at ${when(t.at)}` : ''}${t.retraining ? ` (retraining ${t.retraining})` : ''}: ${t.detail}`);
  if (v.data.length === 0) add(1, 'data: none recorded');
  for (const d of v.data) {
    add(1, `data ${d.name} md5 ${d.digest}`);
    if (d.validation) add(2, `validation ${d.validation.passed ? 'passed' : 'FAILED'} in run ${d.validation.runId} at ${when(d.validation.at)} by ${d.validation.user}`, d.validation.passed);
    else add(2, 'validation: none recorded', false);
  }
  if (v.training) {
    add(1, `training ${run(v.training)}${v.training.gitCommit ? `, commit ${v.training.gitCommit.slice(0, 12)}` : ''}`);
    const params = Object.entries(v.training.params);
    if (params.length) add(2, `params: ${params.map(([k, x]) => `${k}=${x}`).join(', ')}`);
  } else add(1, 'training run: none recorded');
  if (v.evaluation) {
    add(1, `evaluation ${run(v.evaluation)}`);
    const metrics = Object.entries(v.evaluation.metrics);
    if (metrics.length) add(2, `metrics: ${metrics.map(([k, x]) => `${k}=${Number(x.toPrecision(4))}`).join(', ')}`);
    for (const g of v.evaluation.gates) add(2, `gate ${g.status}: ${g.expression}`, g.status !== 'failed');
  } else add(1, 'evaluation: none recorded');
  for (const c of v.checks) add(1, `check ${c.check}: ${c.passed ? 'passed' : 'FAILED'}: ${c.detail}`, c.passed);
  if (v.approvals.length === 0) add(1, 'approvals: none');
  for (const a of v.approvals) add(1, `approved by ${a.approver} at ${when(a.timestamp)}${a.reason ? `: ${a.reason}` : ''}`);
  for (const s of v.canary) add(1, `canary ${s.deployment} ${s.kind} at ${when(s.at)} by ${s.actor}: ${s.policy}${s.reason ? ` (${s.reason})` : ''}`);
  for (const e of v.promotion) {
    const what = e.action === 'policy.override' ? `OVERRIDE of failing checks (${(e.to ?? '').split('\n').join('; ')})` : e.alias ? `alias ${e.alias} → ${e.to ?? e.version}` : `${e.deployment ?? ''} ${e.from ? `${e.from} → ` : ''}${e.to ?? ''}`;
    add(1, `promotion ${e.action} at ${when(e.timestamp)} by ${e.actor}: ${what}${e.reason ? ` (reason: ${e.reason})` : ''}`);
  }
  return out;
}

function run(r: RunLink): string {
  return `run ${r.runId} '${r.name}' (experiment ${r.experimentId}) at ${when(r.at)} by ${r.user}, ${r.status.toLowerCase()}`;
}
