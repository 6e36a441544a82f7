import { ERROR_CATALOGUE, PaddockError, type ErrorCode } from '../core/errors.js';

/** How to reach a server: its base URL and an optional bearer token. */
export interface HttpTarget {
  /** e.g. `http://127.0.0.1:5000` (a trailing slash is ignored). */
  readonly baseUrl: string;
  readonly token?: string;
}

/** MLflow's error codes (databricks.proto ErrorCode) → catalogue codes. */
const MLFLOW_CODES: Readonly<Record<string, ErrorCode>> = {
  RESOURCE_DOES_NOT_EXIST: 'NOT_FOUND',
  NOT_FOUND: 'NOT_FOUND',
  ENDPOINT_NOT_FOUND: 'NOT_FOUND',
  RESOURCE_ALREADY_EXISTS: 'ALREADY_EXISTS',
  INVALID_PARAMETER_VALUE: 'INVALID_ARGUMENT',
  BAD_REQUEST: 'INVALID_ARGUMENT',
  MALFORMED_REQUEST: 'INVALID_ARGUMENT',
  INVALID_STATE: 'INVALID_STATE',
  RESOURCE_LIMIT_EXCEEDED: 'RESOURCE_LIMIT',
  REQUEST_LIMIT_EXCEEDED: 'RESOURCE_LIMIT',
  MAX_BLOCK_SIZE_EXCEEDED: 'RESOURCE_LIMIT',
  RESOURCE_EXHAUSTED: 'RESOURCE_LIMIT',
  TEMPORARILY_UNAVAILABLE: 'REMOTE_UNREACHABLE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  INTERNAL_ERROR: 'INTERNAL',
};

/** sqlalchemy_store._check_run_is_active's wording ("must be in the 'active' state"), and Paddock's. */
const INACTIVE_RUN = /must be in the '(active|deleted)' (life ?cycle )?state|is deleted|is active; it must be|deleted run|deleted experiment/i;

/** When the body names no code we know, the HTTP status decides. */
function codeForStatus(status: number): ErrorCode {
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'ALREADY_EXISTS';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 413) return 'RESOURCE_LIMIT';
  if (status >= 400 && status < 500) return 'INVALID_ARGUMENT';
  return 'REMOTE_ERROR';
}

/**
 * Turns an error response into a PaddockError: MLflow's `{error_code, message}` or Paddock's
 * `{error: {code, message, details}}`; the server's message is kept, since it names the field.
 */
export function errorFromResponse(status: number, body: unknown, what: string): PaddockError {
  const b = (body ?? {}) as { error_code?: unknown; message?: unknown; error?: { code?: unknown; message?: unknown; details?: unknown } };
  if (b.error && typeof b.error.code === 'string' && b.error.code in ERROR_CATALOGUE) {
    const details = (typeof b.error.details === 'object' && b.error.details) || {};
    return new PaddockError(b.error.code as ErrorCode, String(b.error.message ?? what), { ...details, status, body: 'paddock' });
  }
  const mlflowCode = typeof b.error_code === 'string' ? b.error_code : undefined;
  const message = typeof b.message === 'string' && b.message ? b.message : `${what}: HTTP ${status}`;
  const code = (mlflowCode && MLFLOW_CODES[mlflowCode]) || codeForStatus(status);
  // MLflow reports a write to a deleted run as INVALID_PARAMETER_VALUE; its wording tells it apart.
  if (code === 'INVALID_ARGUMENT' && INACTIVE_RUN.test(message)) return new PaddockError('INVALID_STATE', message, { status, body: 'mlflow', errorCode: mlflowCode });
  return new PaddockError(code, message, { status, body: mlflowCode ? 'mlflow' : 'other', ...(mlflowCode ? { errorCode: mlflowCode } : {}) });
}

/**
 * JSON over HTTP with Node's fetch, which keeps connections alive between calls (undici's
 * pool), so a training loop's batches reuse one socket.
 */
export class JsonHttp {
  private readonly base: string;

  constructor(private readonly target: HttpTarget) {
    this.base = target.baseUrl.replace(/\/+$/, '');
  }

  get baseUrl(): string {
    return this.base;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.target.token ? { authorization: `Bearer ${this.target.token}` } : {}), ...extra };
  }

  async get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return this.send<T>('GET', `${path}${qs ? `?${qs}` : ''}`);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, JSON.stringify(body));
  }

  /** A raw request (artifact uploads, binary endpoints); errors mapped like JSON calls. */
  async raw(method: string, path: string, init: { body?: string | Uint8Array | ReadableStream; headers?: Record<string, string> } = {}): Promise<Response> {
    const url = `${this.base}${path}`;
    let res: Response;
    try {
      // A streamed body (artifact upload) needs `duplex: 'half'` in Node's fetch.
      const streamed = init.body instanceof ReadableStream;
      res = await fetch(url, { method, body: init.body ?? null, headers: this.headers(init.headers), ...(streamed ? { duplex: 'half' } : {}) } as RequestInit);
    } catch (err) {
      throw new PaddockError('REMOTE_UNREACHABLE', `cannot reach the tracking server at ${this.base}: ${(err as Error).cause ? String((err as Error & { cause: Error }).cause.message) : (err as Error).message}`, { url }, { cause: err });
    }
    if (!res.ok) {
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = { message: text.slice(0, 500) };
      }
      throw errorFromResponse(res.status, body, `${method} ${path}`);
    }
    return res;
  }

  private async send<T>(method: string, path: string, body?: string): Promise<T> {
    const res = await this.raw(method, path, body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } });
    const text = await res.text();
    return (text ? parseLenient(text) : {}) as T;
  }
}

/**
 * MLflow's Python server writes non-finite doubles as bare `NaN`/`Infinity` (Python's json),
 * which JSON.parse rejects; those tokens outside strings are quoted, and decodeDouble reads them.
 */
export function parseLenient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err;
    return JSON.parse(quoteNonFinite(text));
  }
}

function quoteNonFinite(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    const token = ['-Infinity', 'Infinity', 'NaN'].find((t) => text.startsWith(t, i));
    if (token) {
      out += `"${token}"`;
      i += token.length - 1;
    } else out += c;
  }
  return out;
}
