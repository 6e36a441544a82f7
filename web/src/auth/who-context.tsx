import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { ApiError, apiGet } from '../api/client';
import { session, type Who } from './session';

type WhoState = { readonly status: 'loading' } | { readonly status: 'signed-out'; readonly message?: string } | { readonly status: 'signed-in'; readonly who: Who };

const WhoContext = createContext<WhoState>({ status: 'loading' });

/** Asks the server who the session's token belongs to, again whenever the token changes. */
export function WhoProvider({ children }: { children: ReactNode }) {
  const token = useSyncExternalStore(session.subscribe, session.token);
  const [state, setState] = useState<WhoState>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    apiGet<Who>('/api/v1/whoami')
      .then((who) => live && setState({ status: 'signed-in', who }))
      .catch((error: unknown) => {
        if (!live) return;
        if (error instanceof ApiError && error.status === 401) setState({ status: 'signed-out', ...(token ? { message: error.message } : {}) });
        else setState({ status: 'signed-out', message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      live = false;
    };
  }, [token]);
  return <WhoContext.Provider value={state}>{children}</WhoContext.Provider>;
}

export function useWhoState(): WhoState {
  return useContext(WhoContext);
}

/** The signed-in principal (pages render only once there is one). */
export function useWho(): Who | undefined {
  const state = useContext(WhoContext);
  return state.status === 'signed-in' ? state.who : undefined;
}
