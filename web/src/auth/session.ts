/**
 * The signed-in token, kept in sessionStorage (gone when the tab closes), and who it is. With
 * auth off the server answers /api/v1/whoami without a token, as an admin.
 */
export type Role = 'reader' | 'writer' | 'admin';

export interface Who {
  readonly auth: boolean;
  readonly name: string;
  readonly role: Role;
}

const KEY = 'paddock.token';
const listeners = new Set<() => void>();

export const session = {
  token(): string | null {
    return sessionStorage.getItem(KEY);
  },
  signIn(token: string): void {
    sessionStorage.setItem(KEY, token);
    listeners.forEach((l) => l());
  },
  signOut(): void {
    sessionStorage.removeItem(KEY);
    listeners.forEach((l) => l());
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** Whether a role may change things (deployments, aliases): the server refuses readers anyway. */
export function canWrite(who: Who | undefined): boolean {
  return who?.role === 'writer' || who?.role === 'admin';
}
