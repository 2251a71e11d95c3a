// The environment every page is scoped to, kept in the URL (`?environment_id=`): a link or a
// reload shows the same scope, each browser tab keeps its own, and back/forward restore it. A link
// inside the viewer that leaves the parameter out keeps the current scope (it is put back).
import { useEffect } from 'preact/hooks';
import { navigate, useLocation } from './router.js';

const PARAM = 'environment_id';

let current: string | null = new URLSearchParams(location.search).get(PARAM) || null;

/** The URL of this page with the scope set to `id` (removed when null). */
const withScope = (id: string | null): string => {
  const url = new URL(location.href);
  if (id) url.searchParams.set(PARAM, id);
  else url.searchParams.delete(PARAM);
  return `${url.pathname}${url.search}${url.hash}`;
};

/** Scopes every page to one environment, or to all of them with null. */
export function setEnvironmentId(id: string | null): void {
  current = id || null;
  navigate(withScope(current), true);
}

/** The environment the pages are scoped to (null: all); re-renders when it changes. */
export function useEnvironmentId(): string | null {
  const { search } = useLocation();
  const inUrl = search.get(PARAM) || null;
  // A URL that names one (a shared link, back/forward) wins over the remembered scope.
  if (inUrl !== null) current = inUrl;
  const missing = inUrl === null && current !== null;
  useEffect(() => {
    if (missing && current !== null) history.replaceState(null, '', withScope(current));
  }, [missing]);
  return current;
}
