// The app-wide plumbing every view uses: the backend API (Electron bridge or browser WebSocket, same shape),
// pushed events, and the current route.
import { createContext, useContext, useEffect, useRef, useSyncExternalStore } from 'react';
import type { WorkbenchApi, WorkbenchEvent } from '../../preload/contract.ts';
import { parseRoute, type Route } from './route.ts';

const ApiContext = createContext<WorkbenchApi | null>(null);
export const ApiProvider = ApiContext.Provider;

export function useApi(): WorkbenchApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiProvider>');
  return api;
}

/** Calls `listener` for every pushed event while the component is mounted (the latest listener, without
 *  re-subscribing on every render). */
export function useWorkbenchEvents(listener: (event: WorkbenchEvent) => void): void {
  const api = useApi();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => api.onEvent((event) => latest.current(event)), [api]);
}

function subscribeToHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribeToHash, () => window.location.hash);
  return parseRoute(hash);
}

/** Goes to `hash`; `replace` for view-state changes (filters, selection) that should not flood history. */
export function navigate(hash: string, { replace = false } = {}): void {
  if (replace) {
    window.history.replaceState(null, '', hash);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = hash;
  }
}
