import type { AuditEvent, Lineage, ModelVersion, RegisteredModel } from '../../registry/index.js';
import { formatTable, type Output } from '../output.js';
import { formatNumber, formatTime } from './tracking-options.js';

/** `champion→3, shadow→4`. */
function aliasList(aliases: Readonly<Record<string, number>>): string {
  return Object.entries(aliases).sort(([a], [b]) => a.localeCompare(b)).map(([a, v]) => `${a}→${v}`).join(', ');
}

function oneLine(text: string, max = 50): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The models table of `paddock models list`. */
export function renderModels(out: Output, models: readonly RegisteredModel[]): void {
  if (models.length === 0) {
    out.line('No registered models.');
    return;
  }
  out.line(formatTable(['NAME', 'LATEST', 'ALIASES', 'UPDATED', 'DESCRIPTION'], models.map((m) => [
    m.name, m.latestVersion ? String(m.latestVersion.version) : '-', aliasList(m.aliases), formatTime(m.lastUpdatedTimestamp), oneLine(m.description),
  ])));
}

/** `paddock models show <name>`. */
export function renderModel(out: Output, m: RegisteredModel): void {
  out.line(`Model:       ${m.name}`);
  if (m.description) out.line(`Description: ${m.description}`);
  out.line(`Created:     ${formatTime(m.creationTimestamp)}`);
  out.line(`Updated:     ${formatTime(m.lastUpdatedTimestamp)}`);
  out.line(`Latest:      ${m.latestVersion ? `version ${m.latestVersion.version} (${m.latestVersion.source})` : 'no versions yet'}`);
  out.line(`Aliases:     ${aliasList(m.aliases) || 'none'}`);
  renderTags(out, m.tags);
}

/** `paddock models show models:/name/3` (one version). */
export function renderVersion(out: Output, v: ModelVersion): void {
  out.line(`Model:       ${v.name}`);
  out.line(`Version:     ${v.version}`);
  out.line(`Status:      ${v.status}`);
  out.line(`Source:      ${v.source}`);
  if (v.runId) out.line(`Run:         ${v.runId}`);
  if (v.description) out.line(`Description: ${v.description}`);
  out.line(`Created:     ${formatTime(v.creationTimestamp)}`);
  out.line(`Aliases:     ${v.aliases.join(', ') || 'none'}`);
  renderTags(out, v.tags);
}

function renderTags(out: Output, tags: Readonly<Record<string, string>>): void {
  const entries = Object.entries(tags);
  if (entries.length === 0) return;
  out.line('Tags:');
  for (const [k, v] of entries.sort(([a], [b]) => a.localeCompare(b))) out.line(`  ${k}: ${v}`);
}

/** The versions table of `paddock models versions`. */
export function renderVersions(out: Output, versions: readonly ModelVersion[]): void {
  if (versions.length === 0) {
    out.line('No versions.');
    return;
  }
  out.line(formatTable(['VERSION', 'STATUS', 'ALIASES', 'RUN', 'CREATED', 'SOURCE'], versions.map((v) => [
    String(v.version), v.status, v.aliases.join(', '), v.runId ?? '', formatTime(v.creationTimestamp), v.source,
  ])));
}

/** The audit table of `paddock models audit`. */
export function renderAudit(out: Output, events: readonly AuditEvent[]): void {
  if (events.length === 0) {
    out.line('No audit events.');
    return;
  }
  out.line(formatTable(['TIME', 'ACTOR', 'ACTION', 'TARGET', 'FROM', 'TO', 'REASON'], events.map((e) => [
    formatTime(e.timestamp), e.actor, e.action, target(e), oneLine(e.from ?? '', 30), oneLine(e.to ?? '', 30), oneLine(e.reason ?? '', 40),
  ])));
}

function target(e: AuditEvent): string {
  const parts = [e.model];
  if (e.alias) parts.push(`@${e.alias}`);
  if (e.version !== undefined) parts.push(`v${e.version}`);
  if (e.key) parts.push(`[${e.key}]`);
  if (e.deployment) parts.push(`deployment ${e.deployment}`);
  return parts.join(' ');
}

/** `paddock models lineage`. */
export function renderLineage(out: Output, l: Lineage): void {
  out.line(`models:/${l.model}/${l.version}`);
  if (!l.runId) {
    out.line('  registered without a run: no lineage recorded');
    return;
  }
  out.line(`  run:        ${l.runId}${l.runMissing ? ' (no longer in the tracking store)' : ''}${l.experimentId ? ` (experiment ${l.experimentId})` : ''}`);
  if (l.gitCommit) out.line(`  git commit: ${l.gitCommit}${l.gitDirty ? ' (dirty working tree)' : ''}`);
  if (l.stage) out.line(`  stage:      ${l.stage}`);
  const params = Object.entries(l.params);
  if (params.length) out.line(`  params:     ${params.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const metrics = Object.entries(l.metrics);
  if (metrics.length) out.line(`  metrics:    ${metrics.map(([k, v]) => `${k}=${formatNumber(v)}`).join(', ')}`);
  if (l.inputs.length) {
    out.line('  data:');
    for (const i of l.inputs) out.line(`    ${i.name}  ${i.digest}  ${i.source}`);
  }
}
