/**
 * The UI's only way to the server: Paddock's public API (/api/v1, and MLflow's /api/2.0 for
 * artifacts), so anything the UI shows can be scripted too. Paths are written as the OpenAPI
 * document spells them (`/api/v1/runs/{id}`); a test checks every path used under web/src
 * against the server's OpenAPI document.
 */
import { session } from '../auth/session';

/** An error answer of the API: `{ error: { code, message, details } }` or MLflow's `{ error_code, message }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface RequestOptions {
  readonly params?: Record<string, string | number>;
  readonly query?: Query;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** Fills `{name}` placeholders of an OpenAPI path and appends the query string. */
export function apiUrl(path: string, options: Pick<RequestOptions, 'params' | 'query'> = {}): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = options.params?.[name];
    if (value === undefined) throw new Error(`apiUrl: no value for {${name}} in ${path}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
  }
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

/** Calls the API with the session's token; rejects with ApiError on an error answer. */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(apiUrl(path, options), {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw toApiError(response.status, data);
  return data as T;
}

export const apiGet = <T>(path: string, options?: RequestOptions) => api<T>('GET', path, options);

function toApiError(status: number, data: unknown): ApiError {
  const body = (data ?? {}) as { error?: { code?: string; message?: string; details?: Record<string, unknown> }; error_code?: string; message?: string };
  if (body.error) return new ApiError(status, body.error.code ?? 'UNKNOWN', body.error.message ?? `HTTP ${status}`, body.error.details ?? {});
  if (body.error_code) return new ApiError(status, body.error_code, body.message ?? `HTTP ${status}`);
  return new ApiError(status, 'UNKNOWN', `the server answered HTTP ${status}`);
}
