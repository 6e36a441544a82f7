import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, PaddockError, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/logging.js';

/** MLflow's error code and HTTP status for one Paddock code (mlflow/exceptions.py's table). */
interface MlflowErrorSpec {
  readonly errorCode: string;
  readonly status: number;
}

// MLflow answers RESOURCE_ALREADY_EXISTS and INVALID_PARAMETER_VALUE with 400, and a write to a
// deleted run with INVALID_PARAMETER_VALUE (sqlalchemy_store._check_run_is_active); its clients
// branch on error_code, so the codes matter more than the statuses.
const MLFLOW_BY_CODE: Partial<Record<ErrorCode, MlflowErrorSpec>> = {
  NOT_FOUND: { errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 },
  PATH_NOT_FOUND: { errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 },
  REMOTE_OBJECT_MISSING: { errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 },
  ALREADY_EXISTS: { errorCode: 'RESOURCE_ALREADY_EXISTS', status: 400 },
  INVALID_ARGUMENT: { errorCode: 'INVALID_PARAMETER_VALUE', status: 400 },
  INVALID_STATE: { errorCode: 'INVALID_PARAMETER_VALUE', status: 400 },
  RESOURCE_LIMIT: { errorCode: 'RESOURCE_EXHAUSTED', status: 413 },
  UNAUTHENTICATED: { errorCode: 'UNAUTHENTICATED', status: 401 },
  PERMISSION_DENIED: { errorCode: 'PERMISSION_DENIED', status: 403 },
  REMOTE_UNREACHABLE: { errorCode: 'TEMPORARILY_UNAVAILABLE', status: 503 },
  LOCKED: { errorCode: 'TEMPORARILY_UNAVAILABLE', status: 503 },
  // A move a promotion policy refuses: MLflow's code for an operation the resource's state forbids.
  POLICY_VIOLATION: { errorCode: 'INVALID_STATE', status: 400 },
};

/** MLflow's `{error_code, message}` body and status for a Paddock error. */
export function mlflowErrorBody(err: PaddockError): { status: number; body: { error_code: string; message: string } } {
  const spec = MLFLOW_BY_CODE[err.code];
  if (spec) return { status: spec.status, body: { error_code: spec.errorCode, message: err.message } };
  const status = ERROR_CATALOGUE[err.code].status;
  const errorCode = status === 400 ? 'BAD_REQUEST' : status === 404 ? 'RESOURCE_DOES_NOT_EXIST' : status === 409 ? 'RESOURCE_CONFLICT' : 'INTERNAL_ERROR';
  return { status: errorCode === 'INTERNAL_ERROR' ? 500 : status, body: { error_code: errorCode, message: err.message } };
}

/** Paddock's `{error:{code,message,details}}` body and the catalogue's status. */
export function paddockErrorBody(err: PaddockError): { status: number; body: { error: { code: string; message: string; details: Readonly<Record<string, unknown>> } } } {
  return { status: err.spec.status, body: { error: { code: err.code, message: err.message, details: err.details } } };
}

/**
 * Turns anything thrown in a handler into a PaddockError. Fastify's own 4xx errors (bad JSON,
 * body too large, wrong content type) keep their meaning; anything else unknown becomes
 * INTERNAL with no internals in the message (the caller logs the cause).
 */
export function toPaddockError(err: unknown): PaddockError {
  if (err instanceof PaddockError) return err;
  const fe = err as Partial<FastifyError> & { type?: string };
  if (fe?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe?.statusCode === 413) {
    return new PaddockError('RESOURCE_LIMIT', `request body is larger than the server's limit (server.body_limit_mb)`, {}, { cause: err });
  }
  if (fe?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
    return new PaddockError('INVALID_ARGUMENT', `malformed JSON in the request body: ${fe.message ?? 'unparseable'}`, {}, { cause: err });
  }
  if (typeof fe?.code === 'string' && fe.code.startsWith('FST_') && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code: ErrorCode = fe.statusCode === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT';
    return new PaddockError(code, fe.message ?? 'bad request', {}, { cause: err });
  }
  return new PaddockError('INTERNAL', 'internal server error', {}, { cause: err });
}

/** Whether a request is on MLflow's API (and so gets MLflow-shaped errors). */
export function isMlflowRoute(url: string): boolean {
  return url.startsWith('/api/2.0/') || url.startsWith('/ajax-api/2.0/');
}

/** The one error handler: MLflow bodies under /api/2.0, Paddock bodies elsewhere. */
export function errorHandler(logger: Logger) {
  return (err: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    const perr = toPaddockError(err);
    if (perr.code === 'INTERNAL') logger.error({ err: perr.cause ?? err, url: request.url, method: request.method }, 'request failed');
    const { status, body } = isMlflowRoute(request.url) ? mlflowErrorBody(perr) : paddockErrorBody(perr);
    void reply.code(status).type('application/json').send(body);
  };
}
