import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import { DeploymentService, DEFAULT_ANALYSIS, type AnalysisConfig, type AnalysisFieldNames, type CandidateWeight, type Deployment, type DeploymentEvent, type DeploymentStatus, type PolicyChange, type PolicyFieldNames, type TrafficPolicy } from '../../serving/index.js';
import { SqlDeploymentStore } from '../../storage/sql/deployments/sql-deployment-store.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { commandOutput } from '../context.js';
import { formatTable, type Output } from '../output.js';
import { registerDeployK8s } from './deploy-k8s.js';
import { actorOf, addActorOptions, addOverrideOption, addRegistryOptions, withMetadata } from './models-store.js';
import { promotionGuard } from '../../app-promotion.js';
import { formatTime } from './tracking-options.js';

/** Errors about the policy name the flags the user typed. */
const FLAGS: PolicyFieldNames = { stable: '--stable', candidates: '--canary', mirror: '--mirror', sticky: '--sticky-header/--sticky-column' };

interface PolicyFlags {
  readonly stable?: string;
  readonly canary?: string[] | false;
  readonly mirror?: string | false;
  readonly stickyHeader?: string;
  readonly stickyColumn?: string;
  readonly sticky?: false;
  readonly revision?: number;
}

/** The canary analysis flags (create, set); `analysis` is false after set's --no-analysis. */
interface AnalysisFlags {
  readonly stepWeights?: string;
  readonly interval?: string;
  readonly threshold?: string;
  readonly minSamples?: string;
  readonly successRate?: string;
  readonly p99Ms?: string;
  readonly onNoData?: string;
  readonly minAgreement?: string;
  readonly maxMeanAbsDelta?: string;
  readonly maxLabelShift?: string;
  readonly analysis?: boolean;
}

const ANALYSIS_FLAGS: AnalysisFieldNames = {
  intervalSeconds: '--interval', stepWeights: '--step-weights', threshold: '--threshold', minSamples: '--min-samples', successRate: '--success-rate', p99LatencyMs: '--p99-ms', noData: '--on-no-data',
  minAgreement: '--min-agreement', maxMeanAbsDelta: '--max-mean-abs-delta', maxLabelShift: '--max-label-shift',
};

const collect = (v: string, p: string[] | undefined) => [...(p ?? []), v];

/**
 * `paddock deploy`: named deployments serving versions of one registered model under a traffic
 * policy (stable, weighted canaries, a shadow mirror, sticky routing), stored in the metadata
 * database with a history of every change.
 */
export function registerDeploy(program: Command): void {
  const deploy = program.command('deploy').description('deployments: which versions of a model serve which traffic (canary, mirror, promote, rollback)');

  writer(deploy.command('create <name>'))
    .description('create a deployment of a registered model: a stable version, optional canaries, a mirror and a sticky key')
    .requiredOption('--model <name>', 'the registered model whose versions it serves')
    .requiredOption('--stable <version>', 'the version that answers every request no canary takes')
    .action(async (name: string, flags: PolicyFlags & AnalysisFlags & { model: string }, cmd: Command) => {
      const policy = { stable: flags.stable!, candidates: [], ...changeOf(flags, false) } as TrafficPolicy;
      const analysis = analysisOf(flags);
      const d = await withDeployments(cmd, (s) => s.create({ name, model: flags.model, policy, ...(analysis ? { analysis } : {}) }, actorOf(cmd), { where: FLAGS, analysisFields: ANALYSIS_FLAGS }));
      done(cmd, d, `Created deployment ${d.name} of ${d.model}`);
    });

  writer(deploy.command('set <name>'))
    .description('change the stable version, canary weights, mirror or sticky key (what is not given is kept)')
    .option('--stable <version>', 'a new stable version')
    .option('--no-canary', 'remove every canary')
    .option('--no-mirror', 'stop mirroring')
    .option('--no-sticky', 'stop sticky routing')
    .option('--no-analysis', 'stop the automatic canary analysis')
    .action(async (name: string, flags: PolicyFlags & AnalysisFlags, cmd: Command) => {
      const change = { ...(flags.stable !== undefined ? { stable: flags.stable } : {}), ...changeOf(flags, true) };
      const given = analysisOf(flags);
      if (given && flags.analysis === false) fail('INVALID_ARGUMENT', '--no-analysis with analysis flags: give one or the other', { field: '--no-analysis' });
      if (Object.keys(change).length === 0 && !given && flags.analysis !== false) fail('INVALID_ARGUMENT', 'nothing to set: give --stable, --canary, --mirror, --sticky-header/--sticky-column, analysis flags (--step-weights, --interval, …) or a --no-… flag', { field: 'set' });
      const analysis = given ?? (flags.analysis === false ? null : undefined);
      const d = await withDeployments(cmd, (s) => s.update(name, { ...change, ...(analysis !== undefined ? { analysis } : {}) }, actorOf(cmd), options(flags)));
      done(cmd, d, `Updated deployment ${d.name}`);
    });

  guarded(deploy.command('promote <name>'))
    .description('make the first canary the stable version, taking all traffic')
    .action(async (name: string, flags: PolicyFlags, cmd: Command) => {
      const d = await withDeployments(cmd, (s) => s.promote(name, actorOf(cmd), options(flags)));
      done(cmd, d, `Promoted version ${d.policy.stable} of ${d.model} in ${d.name}`);
    });

  guarded(deploy.command('rollback <name>'))
    .description('send all traffic back to the previous stable version (or drop the canaries if stable never changed)')
    .action(async (name: string, flags: PolicyFlags, cmd: Command) => {
      const d = await withDeployments(cmd, (s) => s.rollback(name, actorOf(cmd), options(flags)));
      done(cmd, d, `Rolled ${d.name} back to version ${d.policy.stable}`);
    });

  reader(deploy.command('status <name>'))
    .description('the versions a deployment serves, their share of traffic and their registry status')
    .action(async (name: string, _flags, cmd: Command) => {
      const status = await withDeployments(cmd, (s) => s.status(name));
      const out = commandOutput(cmd);
      out.result(status);
      renderStatus(out, status);
    });

  reader(deploy.command('history <name>'))
    .description('every change to a deployment, oldest first: who, when, what and why')
    .action(async (name: string, _flags, cmd: Command) => {
      const events = await withDeployments(cmd, (s) => s.history(name));
      const out = commandOutput(cmd);
      out.result({ events });
      renderHistory(out, events);
    });

  reader(deploy.command('list'))
    .description('every deployment with its model and traffic split')
    .action(async (_flags, cmd: Command) => {
      const deployments = await withDeployments(cmd, (s) => s.list());
      const out = commandOutput(cmd);
      out.result({ deployments });
      out.line(formatTable(['NAME', 'MODEL', 'REV', 'POLICY', 'UPDATED'], deployments.map((d) => [d.name, d.model, String(d.revision), summary(d.policy), formatTime(d.updatedAt)])));
    });

  addActorOptions(reader(deploy.command('delete <name>')))
    .description('delete a deployment (its history is kept)')
    .action(async (name: string, _flags, cmd: Command) => {
      await withDeployments(cmd, (s) => s.delete(name, actorOf(cmd)));
      const out = commandOutput(cmd);
      out.result({ deleted: name });
      out.line(`Deleted deployment ${name}`);
    });

  registerDeployK8s(deploy);
}

function reader(cmd: Command): Command {
  return addRegistryOptions(cmd).option('--json', 'print the result as JSON');
}

/** Commands that change a deployment: who and why, and an optional revision guard. */
function guarded(cmd: Command): Command {
  return addOverrideOption(addActorOptions(reader(cmd))).option('--revision <n>', 'only if the deployment is still at this revision (fails with a conflict otherwise)', parseRevision);
}

/** create and set: the policy flags. */
function writer(cmd: Command): Command {
  return guarded(cmd)
    .option('--canary <version=weight>', 'a canary version and the percent of traffic it takes, e.g. 3=10 (repeatable)', collect)
    .option('--mirror <version=percent>', 'copy this percent of requests to a version, answers logged only, e.g. 4=100')
    .option('--sticky-header <header>', 'keep each caller on one version by this request header')
    .option('--sticky-column <column>', 'keep each caller on one version by this input column')
    .option('--step-weights <list>', `automatic canary analysis (\`paddock serve --deployment\` runs it): canary weights to step through, then promote (default ${DEFAULT_ANALYSIS.stepWeights.join(',')})`)
    .option('--interval <seconds>', `analysis: seconds between checks (default ${DEFAULT_ANALYSIS.intervalSeconds})`)
    .option('--threshold <n>', `analysis: failed checks before a rollback (default ${DEFAULT_ANALYSIS.threshold})`)
    .option('--min-samples <n>', `analysis: canary requests an interval needs to be judged (default ${DEFAULT_ANALYSIS.minSamples})`)
    .option('--success-rate <fraction>', `analysis: minimum canary success rate, non-5xx/all (default ${DEFAULT_ANALYSIS.successRate})`)
    .option('--p99-ms <ms>', `analysis: maximum canary p99 latency (default ${DEFAULT_ANALYSIS.p99LatencyMs})`)
    .option('--on-no-data <hold|fail|pass>', `analysis: what an interval with too few requests counts as (default ${DEFAULT_ANALYSIS.noData})`)
    .option('--min-agreement <fraction>', 'analysis: minimum share of rows mirrored from stable to the canary whose answers agree (with --mirror <canary>=<percent>; a 0% canary mirrored to is judged on its shadow answers first; default: not judged)')
    .option('--max-mean-abs-delta <x>', 'analysis, regression: maximum mean |canary - stable| prediction over the mirrored rows (default: not judged)')
    .option('--max-label-shift <fraction>', "analysis: maximum total variation distance between the canary's and stable's predicted-label shares (default: not judged)");
}

/** The analysis fields the flags give (undefined when none is); numbers are checked here, ranges by the service. */
function analysisOf(flags: AnalysisFlags): Partial<AnalysisConfig> | undefined {
  const num = (text: string | undefined, flag: string): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) fail('INVALID_ARGUMENT', `${flag} must be a number, got '${text}'`, { field: flag });
    return n;
  };
  const out: Partial<Record<keyof AnalysisConfig, unknown>> = {
    stepWeights: flags.stepWeights?.split(',').map((w) => num(w, '--step-weights')),
    intervalSeconds: num(flags.interval, '--interval'),
    threshold: num(flags.threshold, '--threshold'),
    minSamples: num(flags.minSamples, '--min-samples'),
    successRate: num(flags.successRate, '--success-rate'),
    p99LatencyMs: num(flags.p99Ms, '--p99-ms'),
    noData: flags.onNoData,
    minAgreement: num(flags.minAgreement, '--min-agreement'),
    maxMeanAbsDelta: num(flags.maxMeanAbsDelta, '--max-mean-abs-delta'),
    maxLabelShift: num(flags.maxLabelShift, '--max-label-shift'),
  };
  const given = Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
  return Object.keys(given).length > 0 ? given as Partial<AnalysisConfig> : undefined;
}

/** The policy parts the flags give; with `clearing`, `--no-…` flags become nulls. */
function changeOf(flags: PolicyFlags, clearing: boolean): PolicyChange {
  if (flags.stickyHeader !== undefined && flags.stickyColumn !== undefined) fail('INVALID_ARGUMENT', '--sticky-header and --sticky-column: give one or the other', { field: '--sticky-header' });
  const candidates = parseCanaries(flags.canary);
  const sticky = flags.stickyHeader !== undefined ? { header: flags.stickyHeader } : flags.stickyColumn !== undefined ? { column: flags.stickyColumn } : undefined;
  if (sticky && flags.sticky === false) fail('INVALID_ARGUMENT', '--no-sticky with --sticky-header/--sticky-column: give one or the other', { field: '--no-sticky' });
  return {
    ...(candidates ? { candidates } : flags.canary === false && clearing ? { candidates: [] } : {}),
    ...(typeof flags.mirror === 'string' ? { mirror: parsePair(flags.mirror, '--mirror', 'percent', (version, percent) => ({ version, percent })) } : flags.mirror === false && clearing ? { mirror: null } : {}),
    ...(sticky ? { sticky } : flags.sticky === false && clearing ? { sticky: null } : {}),
  };
}

function parseCanaries(specs: string[] | false | undefined): CandidateWeight[] | undefined {
  if (!specs) return undefined;
  return specs.map((s) => parsePair(s, '--canary', 'weight', (version, weight) => ({ version, weight })));
}

/** `<version>=<number>`; the range is checked with the rest of the policy. */
function parsePair<T>(spec: string, flag: string, what: string, make: (version: string, n: number) => T): T {
  const at = spec.lastIndexOf('=');
  const version = spec.slice(0, at).trim();
  const n = Number(spec.slice(at + 1));
  if (at <= 0 || version === '' || spec.slice(at + 1).trim() === '' || !Number.isFinite(n)) {
    fail('INVALID_ARGUMENT', `${flag} '${spec}': give <version>=<${what}>, e.g. ${flag} 3=10`, { field: flag });
  }
  return make(version, n);
}

function parseRevision(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail('INVALID_ARGUMENT', `--revision must be a positive integer (got '${value}')`, { field: '--revision' });
  return n;
}

function options(flags: PolicyFlags) {
  return { where: FLAGS, analysisFields: ANALYSIS_FLAGS, ...(flags.revision !== undefined ? { expectedRevision: flags.revision } : {}) };
}

/**
 * Opens the project's metadata database (or --tracking-uri's), builds the deployment use-cases
 * over it and the registry beside it, runs `fn`, and closes the database.
 */
async function withDeployments<T>(cmd: Command, fn: (service: DeploymentService) => Promise<T>): Promise<T> {
  // A guarded deployment's stable version moves only past the promotion policy's checks.
  return withMetadata(cmd, 'deploy', (metadata, project) => fn(new DeploymentService({ deployments: promotionGuard(project, metadata).deployments(new SqlDeploymentStore(metadata)), registry: new SqlRegistryStore(metadata) })));
}

function done(cmd: Command, d: Deployment, text: string): void {
  const out = commandOutput(cmd);
  out.result(d);
  out.line(`${text} (revision ${d.revision}): ${summary(d.policy)}`);
}

/** `1:90% 2:10% mirror 3:50% sticky header x-user`. */
function summary(p: TrafficPolicy): string {
  const stable = 100 - p.candidates.reduce((s, c) => s + c.weight, 0);
  const parts = [`${p.stable}:${stable}%`, ...p.candidates.map((c) => `${c.version}:${c.weight}%`)];
  if (p.mirror) parts.push(`mirror ${p.mirror.version}:${p.mirror.percent}%`);
  if (p.sticky) parts.push('header' in p.sticky ? `sticky header ${p.sticky.header}` : `sticky column ${p.sticky.column}`);
  return parts.join(' ');
}

function renderStatus(out: Output, status: DeploymentStatus): void {
  const d = status.deployment;
  out.line(`Deployment ${d.name}: model ${d.model}, revision ${d.revision}, updated ${formatTime(d.updatedAt)}`);
  out.line(formatTable(['VERSION', 'ROLE', 'TRAFFIC', 'STATUS', 'SOURCE'], status.versions.map((v) => [
    v.version, v.role, v.role === 'mirror' ? `${v.percent}% (copies)` : `${v.percent}%`, v.missing ? 'MISSING' : (v.status ?? ''), v.source ?? '',
  ])));
  if (d.policy.sticky) out.line('header' in d.policy.sticky ? `Sticky by header ${d.policy.sticky.header}` : `Sticky by input column ${d.policy.sticky.column}`);
  const a = d.analysis;
  if (!a) return;
  out.line(`Canary analysis every ${a.intervalSeconds}s: steps ${a.stepWeights.join(',')}% then promote; a check passes with ≥ ${a.minSamples} requests, success ≥ ${a.successRate}, p99 ≤ ${a.p99LatencyMs} ms (fewer requests: ${a.noData}); rollback after ${a.threshold} failed`);
  const extra = [
    ...(a.minAgreement !== undefined ? [`shadow agreement ≥ ${a.minAgreement}`] : []),
    ...(a.maxMeanAbsDelta !== undefined ? [`shadow mean |Δ| ≤ ${a.maxMeanAbsDelta}`] : []),
    ...(a.maxLabelShift !== undefined ? [`label shift ≤ ${a.maxLabelShift}`] : []),
  ];
  if (extra.length > 0) out.line(`  also judged: ${extra.join(', ')}`);
}

function renderHistory(out: Output, events: readonly DeploymentEvent[]): void {
  out.line(formatTable(['TIME', 'REV', 'KIND', 'ACTOR', 'POLICY', 'REASON'], events.map((e) => [
    formatTime(e.at), String(e.revision), e.kind, e.actor, summary(e.to), e.reason ?? '',
  ])));
}
