import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { fail, isPaddockError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Principal, Role } from './roles.js';

/** A token as `paddock tokens list` shows it (never the secret). */
export interface TokenInfo {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly revokedAt?: number;
}

/** Bearer tokens: created once (the secret is shown then and never again), verified by hash. */
export interface TokenStore {
  create(input: { role: Role; name?: string }): Promise<{ token: string; info: TokenInfo }>;
  list(): Promise<readonly TokenInfo[]>;
  /** Revokes by id or name; NOT_FOUND when neither matches. */
  revoke(idOrName: string): Promise<TokenInfo>;
  /** The caller a token belongs to, or undefined for an unknown or revoked token. */
  verify(token: string): Promise<Principal | undefined>;
}

interface TokenTables {
  api_tokens: {
    token_id: string;
    name: string;
    role: string;
    token_hash: string;
    created_at: number;
    revoked_at: number | null;
  };
}

/** SHA-256 hex of a token: what the table stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The api_tokens table (migration 003) over the metadata database, SQLite or Postgres. */
export class SqlTokenStore implements TokenStore {
  private readonly db: Kysely<TokenTables>;

  // The metadata database's own schema type does not list api_tokens; this store owns that table.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(db: Kysely<any>) {
    this.db = db as Kysely<TokenTables>;
  }

  async create(input: { role: Role; name?: string }): Promise<{ token: string; info: TokenInfo }> {
    const tokenId = newId();
    const name = input.name?.trim() || `token-${tokenId.slice(0, 8)}`;
    // 32 random bytes: guessing is hopeless, so a fast hash (not a slow KDF) is enough.
    const token = `pdk_${randomBytes(32).toString('base64url')}`;
    const createdAt = Date.now();
    try {
      await this.db.insertInto('api_tokens').values({ token_id: tokenId, name, role: input.role, token_hash: hashToken(token), created_at: createdAt, revoked_at: null }).execute();
    } catch (err) {
      if (await this.byName(name)) fail('ALREADY_EXISTS', `a token named '${name}' already exists: pick another --name`, { name });
      throw err;
    }
    return { token, info: { tokenId, name, role: input.role, createdAt } };
  }

  async list(): Promise<readonly TokenInfo[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('token_id').execute();
    return rows.map(toInfo);
  }

  async revoke(idOrName: string): Promise<TokenInfo> {
    const row = await this.db.selectFrom('api_tokens').selectAll()
      .where((eb) => eb.or([eb('token_id', '=', idOrName), eb('name', '=', idOrName)]))
      .executeTakeFirst();
    if (!row) fail('NOT_FOUND', `no token with id or name '${idOrName}' (see \`paddock tokens list\`)`, { token: idOrName });
    const revokedAt = row.revoked_at ?? Date.now();
    if (row.revoked_at === null) await this.db.updateTable('api_tokens').set({ revoked_at: revokedAt }).where('token_id', '=', row.token_id).execute();
    return toInfo({ ...row, revoked_at: revokedAt });
  }

  async verify(token: string): Promise<Principal | undefined> {
    const row = await this.db.selectFrom('api_tokens').select(['token_id', 'name', 'role', 'revoked_at'])
      .where('token_hash', '=', hashToken(token)).executeTakeFirst();
    if (!row || row.revoked_at !== null) return undefined;
    return { tokenId: row.token_id, name: row.name, role: row.role as Role };
  }

  private async byName(name: string): Promise<boolean> {
    try {
      return (await this.db.selectFrom('api_tokens').select('token_id').where('name', '=', name).executeTakeFirst()) !== undefined;
    } catch (err) {
      if (isPaddockError(err)) throw err;
      return false;
    }
  }
}

function toInfo(row: TokenTables['api_tokens']): TokenInfo {
  return {
    tokenId: row.token_id,
    name: row.name,
    role: row.role as Role,
    createdAt: Number(row.created_at),
    ...(row.revoked_at !== null ? { revokedAt: Number(row.revoked_at) } : {}),
  };
}
