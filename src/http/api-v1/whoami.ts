import type { FastifyInstance } from 'fastify';

/**
 * `GET /api/v1/whoami`: the caller's token name and role (the web UI hides write buttons from
 * readers). With auth off every caller may do everything: `{ auth: false, role: 'admin' }`.
 */
export function whoamiV1(app: FastifyInstance): void {
  app.get('/whoami', async (request) => {
    const principal = request.principal;
    return principal ? { auth: true, name: principal.name, role: principal.role } : { auth: false, name: 'local', role: 'admin' };
  });
}
