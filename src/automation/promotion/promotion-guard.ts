/**
 * Enforcement: decorators around the registry and the deployment store that run the policy's
 * checks before a guarded alias or a guarded deployment's stable version moves. Composed in the
 * entry points (CLI, server, SDK), so every path that moves production goes through them: `models
 * alias set`, `models register --alias`, the /api/v1 and MLflow alias endpoints, `deploy
 * create/set/promote` and the canary analysis' promotion. A refused move is POLICY_VIOLATION
 * listing the failing checks; an override (Actor.override, granted to admins) lets it through and
 * is recorded as `policy.override` in the registry's audit log before the move.
 * Rollbacks are not checked: they return to a version that already served, and an incident must
 * never wait for paperwork.
 */
import { fail } from '../../core/errors.js';
import type { Actor, RegistryStore } from '../../registry/index.js';
import type { DeploymentStore } from '../../serving/index.js';
import { checkPromotion, type PromotionCheck, type PromotionCheckDeps } from './check-promotion.js';
import { guards, policyFor, targetText, type PromotionTarget } from './promotion-policy.js';
import type { PromotionStore } from './promotion-store.js';

/** What enforcement needs: the checks' reads, and the store overrides are recorded in. */
export interface PromotionGuardDeps extends PromotionCheckDeps {
  readonly store: PromotionStore;
}

/**
 * Checks `version` of `model` before it serves as `target`. Passes when no policy guards the target
 * or every check passes; else POLICY_VIOLATION, unless `by.override` (with a reason), which records
 * the failing checks as a `policy.override` audit event and passes.
 */
export async function enforcePromotion(deps: PromotionGuardDeps, model: string, version: number, target: PromotionTarget, by: Actor): Promise<readonly PromotionCheck[]> {
  const checks = await checkPromotion(deps, model, version, target);
  const failed = checks.filter((c) => !c.passed);
  if (failed.length === 0) return checks;
  const where = targetText(target);
  if (!by.override) {
    fail('POLICY_VIOLATION', `${model} version ${version} cannot become ${where}: the promotion policy's checks fail: ${failed.map((c) => `${c.check}: ${c.detail}`).join('; ')}`, {
      model, version, target: where, failed: failed.map((c) => ({ check: c.check, detail: c.detail })),
    });
  }
  if (!by.reason?.trim()) fail('INVALID_ARGUMENT', `overriding the promotion policy of ${model} needs a reason for the audit log (--reason "…", or the x-paddock-reason header)`, { field: 'reason' });
  await deps.store.recordOverride({ model, version, ...('alias' in target ? { alias: target.alias } : { deployment: target.deployment }), failed: failed.map((c) => `${c.check}: ${c.detail}`).join('\n') }, by);
  return checks;
}

/** The registry, with moves of guarded aliases checked first. Everything else passes through. */
export function withPromotionPolicy(registry: RegistryStore, deps: PromotionGuardDeps): RegistryStore {
  return overriding(registry, {
    async setAlias(name, alias, version, by) {
      const policy = policyFor(deps.config, name);
      if (policy && guards(policy, { alias })) {
        const current = await registry.getModel(name);
        // Re-pointing an alias where it already points moves nothing.
        if (current.aliases[alias] !== version) await enforcePromotion(deps, name, version, { alias }, by);
      }
      return registry.setAlias(name, alias, version, by);
    },
  });
}

/**
 * The deployment store, with a change of a guarded deployment's stable version checked first
 * (creation included; rollbacks excepted, see the file comment). Steps of a canary leave stable
 * where it is and pass through.
 */
export function withPromotionPolicyDeployments(store: DeploymentStore, deps: PromotionGuardDeps): DeploymentStore {
  return overriding(store, {
    async create(input, by) {
      await enforceStable(deps, input.model, input.name, input.policy.stable, undefined, by);
      return store.create(input, by);
    },
    async update(name, change, by) {
      if (change.kind !== 'rolled-back') {
        const current = await store.get(name);
        await enforceStable(deps, current.model, name, change.policy.stable, current.policy.stable, by);
      }
      return store.update(name, change, by);
    },
  });
}

/** `target` with some methods replaced; the others are the target's, bound to it (private fields work). */
function overriding<T extends object>(target: T, replaced: Partial<T>): T {
  return new Proxy(target, {
    get(t, key) {
      if (Object.hasOwn(replaced, key)) return (replaced as Record<PropertyKey, unknown>)[key];
      const value: unknown = Reflect.get(t, key, t);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(t) : value;
    },
  });
}

async function enforceStable(deps: PromotionGuardDeps, model: string, deployment: string, stable: string, previous: string | undefined, by: Actor): Promise<void> {
  if (stable === previous) return;
  const policy = policyFor(deps.config, model);
  if (!policy || !guards(policy, { deployment })) return;
  const version = Number(stable);
  // A malformed version is the deployment service's error to report, with its field names.
  if (!Number.isSafeInteger(version) || version < 1) return;
  await enforcePromotion(deps, model, version, { deployment }, by);
}
