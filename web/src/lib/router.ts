import { useSyncExternalStore } from 'react';

/** The workspace's pages. Plain history navigation: the server answers every page path with the app. */
function subscribe(callback: () => void): () => void {
  window.addEventListener('popstate', callback);
  return () => window.removeEventListener('popstate', callback);
}

/** The current path and query, re-rendering on navigation. */
export function useLocation(): { path: string; search: string } {
  const path = useSyncExternalStore(subscribe, () => window.location.pathname);
  const search = useSyncExternalStore(subscribe, () => window.location.search);
  return { path, search };
}

/** Goes to another page of the app without reloading. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
