// Hash routes (#/contracts/S-2023-lot3): the API serves one page at /, so every view lives after #.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'contracts' }
  | { page: 'contract'; id: string }
  | { page: 'inbox' }
  | { page: 'reviews' }
  | { page: 'overdue' }
  | { page: 'missing' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/' || path === '/contracts') return { page: 'contracts' };
  const contract = /^\/contracts\/([^/]+)$/.exec(path);
  if (contract) return { page: 'contract', id: decodeURIComponent(contract[1]!) };
  if (path === '/inbox') return { page: 'inbox' };
  if (path === '/reviews') return { page: 'reviews' };
  if (path === '/overdue-payments') return { page: 'overdue' };
  return { page: 'missing' };
}

export const href = {
  contracts: () => '#/contracts',
  contract: (id: string) => `#/contracts/${encodeURIComponent(id)}`,
  inbox: () => '#/inbox',
  reviews: () => '#/reviews',
  overdue: () => '#/overdue-payments',
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}
