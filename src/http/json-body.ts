import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies: an empty body is `{}` (MLflow's clients send DELETE and some POSTs without one),
 * anything unparseable is a 400 naming the position.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') {
      done(null, {});
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

/** CSV bodies (MLflow's `/invocations` with `text/csv`) arrive as text for the protocol decoder. */
export function installCsvParser(app: FastifyInstance): void {
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
}
