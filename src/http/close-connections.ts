import type { FastifyInstance } from 'fastify';

/**
 * Once `app.close()` starts, every response says `Connection: close`. Node closes only the
 * keep-alive connections idle when close starts (`forceCloseConnections: 'idle'`); one whose
 * request was in flight went idle after its response and held close() open until the keep-alive
 * timeout (72 s), so a SIGTERM during a request stalled shutdown that long.
 */
export function closeConnectionsOnClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // A callback hook, not an async one: it runs on every response, so no promise per request.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
