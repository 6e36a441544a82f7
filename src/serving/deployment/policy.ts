import { fail } from '../../core/errors.js';
import type { CandidateWeight, TrafficPolicy } from './deployment.js';

/**
 * What to call each part of a policy in error messages. The CLI passes its flag names
 * (`--canary`, …) so a bad weight names the flag the user typed; the API passes a JSON path.
 */
export interface PolicyFieldNames {
  readonly stable: string;
  readonly candidates: string;
  readonly mirror: string;
  readonly sticky: string;
  /** The field of one candidate's weight; absent: `candidates` itself (a flag names them all). */
  readonly candidateWeight?: (index: number) => string;
}

/** Longest deployment name: it appears in URLs and metric labels. */
export const MAX_DEPLOYMENT_NAME_LENGTH = 128;

const DEPLOYMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** INVALID_ARGUMENT unless `name` is a usable deployment name (letters, digits, `.`, `_`, `-`). */
export function checkDeploymentName(name: unknown, field = 'name'): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_DEPLOYMENT_NAME_LENGTH || !DEPLOYMENT_NAME.test(name)) {
    fail('INVALID_ARGUMENT', `${field}: a deployment name is 1–${MAX_DEPLOYMENT_NAME_LENGTH} letters, digits, '.', '_' or '-', starting with a letter or digit (got ${JSON.stringify(name)})`, { field });
  }
  return name;
}

/**
 * The name of each part of a policy: `where`'s own names, or JSON paths under the string `where`
 * (`policy.candidates[0].weight`; the empty string: paths at the top level, `candidates[0].weight`).
 */
export function policyFieldNames(where: string | PolicyFieldNames): PolicyFieldNames {
  if (typeof where !== 'string') return where;
  const at = (key: string) => (where === '' ? key : `${where}.${key}`);
  return { stable: at('stable'), candidates: at('candidates'), mirror: at('mirror'), sticky: at('sticky'), candidateWeight: (i) => `${at('candidates')}[${i}].weight` };
}

function checkVersionText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail('INVALID_ARGUMENT', `${field}: a version must be a non-empty string (a registry version number, e.g. "3"); got ${JSON.stringify(value)}`, { field });
  return value;
}

function checkPercent(value: unknown, field: string, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
    fail('INVALID_ARGUMENT', `${field}: ${what} must be a number from 0 to 100 (got ${JSON.stringify(value)})`, { field });
  }
  return value;
}

function checkCandidates(policy: Record<string, unknown>, stable: string, names: PolicyFieldNames): CandidateWeight[] {
  const field = names.candidates;
  const raw = policy.candidates ?? [];
  if (!Array.isArray(raw)) fail('INVALID_ARGUMENT', `${field}: must be a list of { version, weight }`, { field });
  const seen = new Set<string>();
  let total = 0;
  const out = raw.map((c: unknown, i) => {
    const entry = (c ?? {}) as Record<string, unknown>;
    const version = checkVersionText(entry.version, `${field}[${i}].version`);
    const weight = checkPercent(entry.weight, names.candidateWeight?.(i) ?? field, `the weight of version ${version}`);
    if (version === stable) fail('INVALID_ARGUMENT', `${field}: version ${version} is the stable version; a candidate must be another version`, { field, version });
    if (seen.has(version)) fail('INVALID_ARGUMENT', `${field}: version ${version} is listed twice; give each candidate once`, { field, version });
    seen.add(version);
    total += weight;
    return { version, weight };
  });
  if (total > 100) fail('INVALID_ARGUMENT', `${field}: candidate weights sum to ${total}%, more than 100%; lower them so stable keeps the rest`, { field, total });
  return out;
}

function checkMirror(value: unknown, stable: string, field: string): TrafficPolicy['mirror'] {
  if (value === undefined || value === null) return undefined;
  const m = value as Record<string, unknown>;
  const version = checkVersionText(m.version, field);
  const percent = checkPercent(m.percent, field, 'the mirror percent');
  // Mirroring stable to itself would double its load and compare it with itself.
  if (version === stable) fail('INVALID_ARGUMENT', `${field}: version ${version} is the stable version; mirror traffic to another version`, { field, version });
  return { version, percent };
}

function checkSticky(value: unknown, field: string): TrafficPolicy['sticky'] {
  if (value === undefined || value === null) return undefined;
  const s = value as Record<string, unknown>;
  const keys = Object.keys(s);
  const key = keys[0];
  if (keys.length !== 1 || (key !== 'header' && key !== 'column') || typeof s[key] !== 'string' || (s[key] as string).trim() === '') {
    fail('INVALID_ARGUMENT', `${field}: give exactly one of a header name or an input column name to keep a caller on one version`, { field });
  }
  return key === 'header' ? { header: s.header as string } : { column: s.column as string };
}

/**
 * Checks a traffic policy and returns a clean copy (unknown keys dropped): versions are
 * non-empty, candidate weights are 0–100 and sum to at most 100, no candidate (or the mirror)
 * is the stable version, the mirror percent is 0–100, sticky names one header or one column.
 * Throws INVALID_ARGUMENT naming the field (`where` says what each part is called).
 */
export function validatePolicy(policy: unknown, where: string | PolicyFieldNames = 'policy'): TrafficPolicy {
  const names = policyFieldNames(where);
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) fail('INVALID_ARGUMENT', `${typeof where === 'string' ? where : 'policy'}: must be an object with stable, candidates, mirror and sticky`, { field: typeof where === 'string' ? where : 'policy' });
  const p = policy as Record<string, unknown>;
  const stable = checkVersionText(p.stable, names.stable);
  const candidates = checkCandidates(p, stable, names);
  const mirror = checkMirror(p.mirror, stable, names.mirror);
  const sticky = checkSticky(p.sticky, names.sticky);
  return { stable, candidates, ...(mirror ? { mirror } : {}), ...(sticky ? { sticky } : {}) };
}

/** Percent of requests stable answers: what the candidates leave. */
export function stableWeight(policy: TrafficPolicy): number {
  return 100 - policy.candidates.reduce((sum, c) => sum + c.weight, 0);
}

/**
 * The first candidate becomes stable and takes all traffic; the other candidates are dropped
 * (they were compared with the old stable). Sticky routing is kept; the mirror is kept unless it
 * is the version just promoted. INVALID_STATE when there is no candidate.
 */
export function promote(policy: TrafficPolicy): TrafficPolicy {
  const next = policy.candidates[0];
  if (!next) fail('INVALID_STATE', `nothing to promote: the policy has no candidate (stable is version ${policy.stable}); add one with a canary weight first`, { stable: policy.stable });
  const mirror = policy.mirror && policy.mirror.version !== next.version ? policy.mirror : undefined;
  return { stable: next.version, candidates: [], ...(mirror ? { mirror } : {}), ...(policy.sticky ? { sticky: policy.sticky } : {}) };
}

/**
 * All traffic back to `previousStable`: candidates and the mirror are dropped (a rollback ends
 * the rollout), sticky routing is kept.
 */
export function rollback(policy: TrafficPolicy, previousStable: string): TrafficPolicy {
  checkVersionText(previousStable, 'previousStable');
  return { stable: previousStable, candidates: [], ...(policy.sticky ? { sticky: policy.sticky } : {}) };
}
