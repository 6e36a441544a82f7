import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { Page, Run } from '../runs/run-model';

/** The first page is small so the table shows quickly; later pages are larger. */
export const FIRST_PAGE = 200;
export const NEXT_PAGE = 1000;

export interface RunPages {
  readonly runs: readonly Run[];
  readonly loading: boolean;
  readonly error: Error | undefined;
  /** True once the server said there is no further page. */
  readonly complete: boolean;
  /** Loads the next page, if there is one and none is loading. */
  readonly more: () => void;
}

/**
 * Runs of an experiment, page by page from POST /api/v1/runs/search: the server filters and
 * sorts (`filter`, `orderBy`) and hands out page tokens, so 10,000 runs never travel at once.
 * A new filter or order starts over from the first page.
 */
export function useRunPages(experimentId: string | undefined, filter: string, orderBy: string | undefined): RunPages {
  const [state, setState] = useState<{ runs: readonly Run[]; loading: boolean; error: Error | undefined; token: string | undefined; complete: boolean }>({ runs: [], loading: false, error: undefined, token: undefined, complete: false });
  const generation = useRef(0);
  const busy = useRef(false);

  const load = useCallback(async (gen: number, pageToken: string | undefined) => {
    if (experimentId === undefined) return;
    busy.current = true;
    setState((s) => ({ ...s, loading: true }));
    try {
      const page = await api<Page<Run>>('POST', '/api/v1/runs/search', {
        body: { experimentIds: [experimentId], ...(filter.trim() ? { filter } : {}), ...(orderBy ? { orderBy: [orderBy] } : {}), maxResults: pageToken ? NEXT_PAGE : FIRST_PAGE, ...(pageToken ? { pageToken } : {}) },
      });
      if (gen !== generation.current) return;
      setState((s) => ({ runs: pageToken ? [...s.runs, ...page.items] : page.items, loading: false, error: undefined, token: page.nextPageToken, complete: !page.nextPageToken }));
    } catch (error) {
      if (gen !== generation.current) return;
      setState((s) => ({ ...s, loading: false, error: error instanceof Error ? error : new Error(String(error)), complete: true }));
    } finally {
      if (gen === generation.current) busy.current = false;
    }
  }, [experimentId, filter, orderBy]);

  useEffect(() => {
    const gen = ++generation.current;
    busy.current = false;
    setState({ runs: [], loading: true, error: undefined, token: undefined, complete: false });
    void load(gen, undefined);
  }, [load]);

  const token = state.token;
  const more = useCallback(() => {
    if (busy.current || token === undefined) return;
    void load(generation.current, token);
  }, [load, token]);

  return { runs: state.runs, loading: state.loading, error: state.error, complete: state.complete, more };
}
