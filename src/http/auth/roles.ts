/** Token roles, each allowing everything the previous one does. */
export const ROLES = ['reader', 'writer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route needs: `public` (no token: the web UI's files), `read` (any role), `write` (writer, admin), `admin` (deleting experiments
 * and registered models, moving registry aliases: the changes that redirect or destroy what
 * others depend on).
 */
export type Access = 'public' | 'read' | 'write' | 'admin';

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
