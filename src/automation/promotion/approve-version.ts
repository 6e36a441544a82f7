import { checkVersion, type Actor, type RegistryStore } from '../../registry/index.js';
import type { Approval, PromotionStore } from './promotion-store.js';

/**
 * `paddock approve`: records `by.actor`'s approval of a version that exists (NOT_FOUND naming the
 * model or version otherwise); a second approval by the same person is ALREADY_EXISTS, so a
 * policy needing two approvals needs two people.
 */
export async function approveVersion(deps: { readonly registry: RegistryStore; readonly store: PromotionStore }, model: string, version: number, by: Actor): Promise<Approval> {
  const v = checkVersion(version);
  await deps.registry.getVersion(model, v);
  return deps.store.addApproval(model, v, by);
}
