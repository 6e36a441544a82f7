import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fail } from '../../core/errors.js';
import { allows, type Access, type Principal } from './roles.js';
import type { TokenStore } from './token-store.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs; default `read` for GET/HEAD, `write` otherwise. */
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The access a request needs: the route's `config.access`, else by HTTP method. */
export function accessOf(request: FastifyRequest): Access {
  const declared = request.routeOptions.config?.access;
  if (declared) return declared;
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
}

/**
 * Requires `Authorization: Bearer <token>` on every route except the OpenAPI document, the
 * health check and the web UI's files (routes declared `public`), and
 * checks the token's role against the route's access: 401 without a valid token, 403 when the
 * role is too low.
 */
export function installAuth(app: FastifyInstance, tokens: TokenStore): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    if (request.url === '/api/v1/openapi.json' || request.url === '/health' || request.routeOptions.config?.access === 'public') return;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) fail('UNAUTHENTICATED', 'this server requires a bearer token: send `Authorization: Bearer <token>` (MLflow clients: set MLFLOW_TRACKING_TOKEN)');
    const principal = await tokens.verify(match[1]!);
    if (!principal) fail('UNAUTHENTICATED', 'the bearer token is unknown or revoked');
    const access = accessOf(request);
    if (!allows(principal.role, access)) {
      fail('PERMISSION_DENIED', `token '${principal.name}' has role ${principal.role}, which cannot ${access === 'admin' ? 'perform this admin operation' : 'write'} (${request.method} ${request.routeOptions.url ?? request.url})`, { role: principal.role, needed: access });
    }
    request.principal = principal;
  });
}
