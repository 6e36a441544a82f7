/**
 * A model's promotion policy, resolved from paddock.yaml's `promotion.policies`: the model's own
 * entry, else `*`'s. Slice bounds are parsed here with the evaluation gate parser, so a typo is a
 * config error naming the key, not a failed check at promotion time.
 */
import type { Config } from '../../core/config.js';
import { fail, isPaddockError } from '../../core/errors.js';
import { parseGate, type Gate, type GateExpr } from '../../models/index.js';

export type PromotionConfig = Config['promotion'];

/** One bound on an evaluation's slice metrics: every value of `column`, or only `value`. */
export interface SliceBound {
  readonly column: string;
  readonly value?: string;
  readonly gate: Gate;
  /** How the check is named: `slices.weekday`, `slices.weekday=Mon`. */
  readonly check: string;
}

/** What a version must have before it serves production through a guarded alias or deployment. */
export interface PromotionPolicy {
  /** The policies key that matched: the model's name, or `*`. */
  readonly key: string;
  readonly aliases: readonly string[];
  readonly deployments: readonly string[];
  readonly require: {
    readonly validation: boolean;
    readonly gates: boolean;
    readonly slices: readonly SliceBound[];
    readonly approvals: number;
  };
}

/** Where a version is about to serve: an alias of its model, or a deployment's stable. */
export type PromotionTarget = { readonly alias: string } | { readonly deployment: string };

/** The model's policy, or undefined when neither it nor `*` has one. */
export function policyFor(config: PromotionConfig, model: string): PromotionPolicy | undefined {
  const key = Object.hasOwn(config.policies, model) ? model : Object.hasOwn(config.policies, '*') ? '*' : undefined;
  if (key === undefined) return undefined;
  const p = config.policies[key]!;
  return {
    key,
    aliases: p.aliases,
    deployments: p.deployments,
    require: { validation: p.require.validation, gates: p.require.gates, approvals: p.require.approvals, slices: sliceBounds(key, p.require.slices) },
  };
}

/** Whether moving `target` to a version needs the policy's checks. */
export function guards(policy: PromotionPolicy, target: PromotionTarget): boolean {
  if ('alias' in target) return policy.aliases.includes(target.alias);
  return policy.deployments.includes('*') || policy.deployments.includes(target.deployment);
}

/** `alias champion`, `deployment flights`. */
export function targetText(target: PromotionTarget): string {
  return 'alias' in target ? `alias ${target.alias}` : `deployment ${target.deployment}`;
}

function sliceBounds(key: string, slices: Readonly<Record<string, string | readonly string[]>>): SliceBound[] {
  return Object.entries(slices).flatMap(([spec, bounds]) => {
    const eq = spec.indexOf('=');
    const column = eq > 0 ? spec.slice(0, eq) : spec;
    const value = eq > 0 ? spec.slice(eq + 1) : undefined;
    return [bounds].flat().map((text) => ({ column, ...(value !== undefined ? { value } : {}), gate: parseBound(key, spec, text), check: `slices.${spec}` }));
  });
}

function parseBound(key: string, spec: string, text: string): Gate {
  const field = `promotion.policies.${key}.require.slices.${spec}`;
  let gate: Gate;
  try {
    gate = parseGate(text);
  } catch (err) {
    if (!isPaddockError(err, 'INVALID_ARGUMENT')) throw err;
    return fail('CONFIG_INVALID', `paddock.yaml: ${field}: ${err.message}`, { field });
  }
  if (usesChampion(gate.left) || usesChampion(gate.right)) {
    fail('CONFIG_INVALID', `paddock.yaml: ${field}: "${text}" compares with champion.*, but a slice bound is checked on the version alone: give a number, e.g. "auc >= 0.6"`, { field });
  }
  return gate;
}

function usesChampion(e: GateExpr): boolean {
  if (e.kind === 'metric') return e.source === 'champion';
  if (e.kind === 'negate') return usesChampion(e.operand);
  if (e.kind === 'binary') return usesChampion(e.left) || usesChampion(e.right);
  return false;
}
