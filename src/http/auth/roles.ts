/** Token roles, each allowing everything the previous one does. */
export const ROLES = ['reader', 'writer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route needs: `public` (no token: the web UI's files), `read` (any role), `write` (writer, admin), `admin` (deleting experiments
 * and registered models, moving registry aliases: the changes that redirect or destroy what
 * others depend on).
 */
export type Access = 'public' | 'read' | 'write' | 'admin';

/**
 * Route options for a read sent as POST (MLflow's `…/search` endpoints and /api/v1/runs/search
 * take their filters in a body): any role may call it, as any GET.
 */
export const READ = { config: { access: 'read' as const } };

/** The authenticated caller. */
export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
}

const RANK: Readonly<Record<Role, number>> = { reader: 0, writer: 1, admin: 2 };
const NEEDED: Readonly<Record<Access, number>> = { public: 0, read: 0, write: 1, admin: 2 };

/** Whether `role` may perform an operation needing `access`. */
export function allows(role: Role, access: Access): boolean {
  return RANK[role] >= NEEDED[access];
}

/** Whether a string names a role. */
export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}
