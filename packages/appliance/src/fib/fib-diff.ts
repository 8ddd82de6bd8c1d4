import { type FibRoute, routeKey, nextHopsSatisfy } from './route.js';

export interface FibChanges {
  /** Routes to add or replace (NLM_F_CREATE | NLM_F_REPLACE). */
  upsert: FibRoute[];
  /** Routes to delete. */
  remove: FibRoute[];
}

/**
 * What must change in the kernel so that the routes Cairn owns there (`installed`) become `desired`.
 * Pure: reconciliation is the same whether it runs at start-up (stale routes of a previous run), after
 * a burst of best-path changes, or after someone deleted a route by hand.
 */
export function diffFib(installed: Iterable<FibRoute>, desired: Iterable<FibRoute>): FibChanges {
  const current = new Map<string, FibRoute>();
  for (const route of installed) current.set(routeKey(route), route);
  const upsert: FibRoute[] = [];
  const wanted = new Set<string>();
  for (const route of desired) {
    const key = routeKey(route);
    wanted.add(key);
    const existing = current.get(key);
    if (!existing || !nextHopsSatisfy(existing.nextHops, route.nextHops)) upsert.push(route);
  }
  const remove = [...current].filter(([key]) => !wanted.has(key)).map(([, route]) => route);
  return { upsert, remove };
}
