/**
 * Reads the policies a deployment event records in the registry's audit log (`stable 1, canary
 * 2@25%, mirror 3@100%`, as src/storage/sql/deployments/deployment-audit.ts writes them) into
 * the versions it served, by role, before and after.
 */

export type DeploymentRole = 'stable' | 'canary' | 'mirror';

/** One version's role after the event (or before it, for a version the event removed). */
export interface RoleChange {
  readonly role: DeploymentRole;
  readonly version: string;
  /** The stable version before, when the event changed it. */
  readonly before?: string;
  /** Traffic share (canary) or copied share (mirror). */
  readonly percent?: number;
  readonly percentBefore?: number;
  readonly change: 'kept' | 'added' | 'changed' | 'removed';
}

interface Served {
  readonly role: DeploymentRole;
  readonly version: string;
  readonly percent?: number;
}

/** The versions a policy text serves; parts it does not know (sticky routing) are skipped. */
export function parsePolicy(text: string | undefined): Served[] {
  if (!text) return [];
  const out: Served[] = [];
  for (const part of text.split(/,\s*/)) {
    const stable = /^stable (\S+)$/.exec(part);
    const share = /^(canary|mirror) (\S+)@(\d+(?:\.\d+)?)%$/.exec(part);
    if (stable) out.push({ role: 'stable', version: stable[1]! });
    else if (share) out.push({ role: share[1] as DeploymentRole, version: share[2]!, percent: Number(share[3]) });
  }
  return out;
}

/**
 * The versions a deployment event left serving, each with what it was before (a new stable, a
 * canary's weight moving), then the versions it stopped serving (a canary rolled back, or every
 * version of a deleted deployment). A canary promoted to stable shows as the new stable only.
 */
export function deploymentRoles(from: string | undefined, to: string | undefined): RoleChange[] {
  const before = parsePolicy(from);
  const after = parsePolicy(to);
  const find = (list: readonly Served[], s: Served) => list.find((x) => x.role === s.role && (s.role === 'stable' || x.version === s.version));
  const out: RoleChange[] = after.map((s) => {
    const was = find(before, s);
    const change = !was ? 'added' : was.version !== s.version || was.percent !== s.percent ? 'changed' : 'kept';
    return {
      role: s.role, version: s.version, change,
      ...(s.role === 'stable' && was && was.version !== s.version ? { before: was.version } : {}),
      ...(s.percent !== undefined ? { percent: s.percent } : {}),
      ...(was?.percent !== undefined ? { percentBefore: was.percent } : {}),
    };
  });
  const stableNow = after.find((s) => s.role === 'stable')?.version;
  for (const s of before) {
    if (find(after, s) || (to !== undefined && s.role !== 'stable' && s.version === stableNow && s.role === 'canary')) continue;
    if (s.role === 'stable' && to !== undefined) continue;
    out.push({ role: s.role, version: s.version, change: 'removed', ...(s.percent !== undefined ? { percent: s.percent } : {}) });
  }
  return out;
}
