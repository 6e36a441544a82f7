import { PaddockError } from '../../core/errors.js';

/** The fields of an SDK or Node error that classification reads. */
interface ErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $response?: { readonly statusCode?: number };
  readonly cause?: unknown;
}

/** Socket-level failures: nothing (or nothing sane) answered at the endpoint. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'AbortError']);
const MISSING_NAMES = new Set(['NoSuchKey', 'NotFound']);
const THROTTLE_NAMES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeTooSkewed', 'InternalError', 'ServiceUnavailable']);

function shape(err: unknown): ErrorShape {
  return (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ErrorShape;
}

function statusOf(err: ErrorShape): number | undefined {
  return err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
}

/** The network error code of `err` or of its cause chain, if any. */
function networkCode(err: unknown): string | undefined {
  for (let cur: unknown = err, depth = 0; cur && depth < 5; cur = shape(cur).cause, depth++) {
    const e = shape(cur);
    if (e.code && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name && NETWORK_NAMES.has(e.name)) return e.name;
    if (/socket hang up|ECONNREFUSED|getaddrinfo/i.test(e.message ?? '')) return e.message;
  }
  return undefined;
}

/** Whether retrying may help: network trouble, throttling or a 5xx answer. */
export function isTransientS3Error(err: unknown): boolean {
  if (err instanceof PaddockError) return false;
  const e = shape(err);
  const status = statusOf(e);
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (e.name && THROTTLE_NAMES.has(e.name)) return true;
  return networkCode(err) !== undefined && status === undefined;
}

/**
 * Translates an SDK error into the catalogue: a missing key → REMOTE_OBJECT_MISSING, a server
 * that cannot be reached → REMOTE_UNREACHABLE naming the URL and endpoint, anything the
 * server refused (403, 5xx after retries, a missing bucket) → REMOTE_ERROR.
 */
export function translateS3Error(err: unknown, where: { url: string; endpoint: string; key?: string; op: string }): PaddockError {
  if (err instanceof PaddockError) return err;
  const e = shape(err);
  const status = statusOf(e);
  const object = where.key === undefined ? where.url : `${where.url}/${where.key}`;
  const details = { url: where.url, endpoint: where.endpoint, key: where.key, status, awsCode: e.name };
  if (e.name === 'CredentialsProviderError') {
    return new PaddockError('REMOTE_ERROR', `${where.url}: no S3 credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an AWS profile), or access_key_id and secret_access_key on the remote in paddock.yaml`, details, { cause: err });
  }
  if (e.name === 'NoSuchBucket') {
    return new PaddockError('REMOTE_ERROR', `${where.url}: the bucket does not exist at ${where.endpoint} (create it, or fix the remote URL)`, details, { cause: err });
  }
  if ((e.name && MISSING_NAMES.has(e.name)) || status === 404) {
    return new PaddockError('REMOTE_OBJECT_MISSING', `${object}: no such object on the remote`, details, { cause: err });
  }
  const net = networkCode(err);
  if (net !== undefined && status === undefined) {
    return new PaddockError('REMOTE_UNREACHABLE', `cannot reach remote ${where.url} at ${where.endpoint} (${net}) during ${where.op}`, details, { cause: err });
  }
  if (status === 403 || e.name === 'AccessDenied' || e.name === 'InvalidAccessKeyId' || e.name === 'SignatureDoesNotMatch') {
    return new PaddockError('REMOTE_ERROR', `${where.url}: access denied by ${where.endpoint} during ${where.op} (${e.name ?? 'HTTP 403'})`, details, { cause: err });
  }
  const what = [status ? `HTTP ${status}` : undefined, e.name && e.name !== 'Error' ? e.name : undefined, e.message].filter(Boolean).join(': ');
  return new PaddockError('REMOTE_ERROR', `${object}: ${where.op} failed at ${where.endpoint} (${what || 'unknown error'})`, details, { cause: err });
}
