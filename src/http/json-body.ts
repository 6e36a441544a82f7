import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies: an empty body is `{}` (MLflow's clients send DELETE and some POSTs without one),
 * anything unparseable is a 400 naming the position.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

/** A JSON request body as the server reads it: an empty (or blank) body is `{}`; unparseable text throws a SyntaxError. */
export function parseJsonBody(text: string): unknown {
  return text.trim() === '' ? {} : JSON.parse(text);
}

/** CSV bodies (MLflow's `/invocations` with `text/csv`) arrive as text for the protocol decoder. */
export function installCsvParser(app: FastifyInstance): void {
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
}
