import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, apiGet, type RequestOptions } from './client';

export interface ApiState<T> {
  readonly data: T | undefined;
  readonly error: ApiError | Error | undefined;
  readonly loading: boolean;
  /** Fetches again (after a write, or on a timer). */
  readonly reload: () => void;
}

/**
 * GETs `path` whenever it or its options change (compared as JSON), cancelling the previous
 * request; `pollMs` refetches on a timer for live pages. `path` undefined: nothing is fetched.
 */
export function useApi<T>(path: string | undefined, options: Omit<RequestOptions, 'signal' | 'body'> = {}, pollMs?: number): ApiState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: ApiError | Error | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: path !== undefined });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(options);
  const latest = useRef(key);
  latest.current = key;
  useEffect(() => {
    if (path === undefined) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    apiGet<T>(path, { ...(JSON.parse(key) as RequestOptions), signal: controller.signal })
      .then((data) => setState({ data, error: undefined, loading: false }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState((s) => ({ data: s.data, error: error instanceof Error ? error : new Error(String(error)), loading: false }));
      });
    return () => controller.abort();
  }, [path, key, tick]);
  useEffect(() => {
    if (!pollMs || path === undefined) return;
    const timer = setInterval(() => setTick((t) => t + 1), pollMs);
    return () => clearInterval(timer);
  }, [pollMs, path]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
