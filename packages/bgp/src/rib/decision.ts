// The BGP decision process, RFC 4271 §9.1: among the feasible routes to one prefix, pick the best
// (and, with multipath, the equal-cost set). Written as the RFC's successive eliminations over the
// whole candidate set (§9.1.2.2), never as a pairwise sort: MED is compared only between routes from
// the same neighbouring AS, which is not a total order, and elimination over the set keeps the result
// independent of the order in which routes arrived.

/** What the decision needs to know about where a route came from. */
export interface CandidateSource {
  /** Originated by this speaker (announce/aggregate). */
  readonly isLocal: boolean;
  /** Learned over an eBGP session. */
  readonly isEbgp: boolean;
  /** The peer's BGP identifier as an unsigned 32-bit number. */
  readonly routerId: number;
  /** Sortable form of the peer address (family first), for the last tie-break. */
  readonly addressOrder: string;
}

/** What the decision needs to know about a route's attributes (see RouteAttributes). */
export interface CandidateAttributes {
  readonly localPref: number;
  readonly asPathLength: number;
  readonly origin: number;
  readonly med: number;
  readonly neighborAs: number | undefined;
  readonly originatorId: number | undefined;
  readonly clusterListLength: number;
}

export interface Candidate extends CandidateAttributes {
  /** Always set for routes in a Loc-RIB. */
  readonly source: CandidateSource | undefined;
}

export interface Selection<C extends Candidate> {
  best: C | undefined;
  /** Best first, then the routes equal to it for ECMP (at most maxPaths); [best] without multipath. */
  multipath: C[];
}

/**
 * Runs the decision process. `feasible` says whether a route's next hop resolves (RFC 4271 §9.1.2:
 * routes with unresolvable NEXT_HOP are excluded) — the speaker's input; all are feasible by default.
 */
export function selectBest<C extends Candidate>(candidates: readonly C[], options: { feasible?: (c: C) => boolean; maxPaths?: number } = {}): Selection<C> {
  let routes = options.feasible ? candidates.filter(options.feasible) : candidates.slice();
  if (routes.length <= 1) return { best: routes[0], multipath: routes.slice() };

  // Not an RFC step: routes this speaker originates win over learned ones (as FRR's weight 32768).
  if (routes.some((r) => r.source!.isLocal)) routes = routes.filter((r) => r.source!.isLocal);
  // §9.1.1 Phase 1: highest degree of preference (LOCAL_PREF, or what import policy computed for eBGP).
  routes = keepExtreme(routes, (r) => r.localPref, 'max');
  // §9.1.2.2 (a): shortest AS_PATH (AS_SET counts 1, confederation segments 0 — RFC 5065 §5.3).
  routes = keepExtreme(routes, (r) => r.asPathLength, 'min');
  // §9.1.2.2 (b): lowest ORIGIN (IGP < EGP < INCOMPLETE).
  routes = keepExtreme(routes, (r) => r.origin, 'min');
  // §9.1.2.2 (c): remove routes with a higher MED than another route from the same neighbouring AS.
  routes = routes.filter((r) => !routes.some((o) => sameNeighborAs(o, r) && o.med < r.med));
  // §9.1.2.2 (d): if any route was learned from an external peer, remove those learned over iBGP.
  if (routes.some((r) => r.source!.isEbgp)) routes = routes.filter((r) => r.source!.isEbgp || r.source!.isLocal);
  // §9.1.2.2 (e): interior cost to the next hop — Cairn runs no IGP; every next hop costs the same.

  const equalCost = routes.slice().sort(compareTieBreaks);
  const best = equalCost[0];
  const maxPaths = Math.max(1, options.maxPaths ?? 1);
  const multipath = equalCost.filter((r) => sameNeighborAs(r, best!)).slice(0, maxPaths);
  return { best, multipath };
}

/**
 * The remaining tie-breaks, a total order: §9.1.2.2 (f) lowest BGP identifier (RFC 4456 §9:
 * ORIGINATOR_ID when present), RFC 4456 §9 shortest CLUSTER_LIST, §9.1.2.2 (g) lowest peer address.
 */
export function compareTieBreaks(a: Candidate, b: Candidate): number {
  const idA = a.originatorId ?? a.source!.routerId;
  const idB = b.originatorId ?? b.source!.routerId;
  if (idA !== idB) return idA - idB;
  if (a.clusterListLength !== b.clusterListLength) return a.clusterListLength - b.clusterListLength;
  return a.source!.addressOrder < b.source!.addressOrder ? -1 : a.source!.addressOrder > b.source!.addressOrder ? 1 : 0;
}

/** RFC 4271 §9.1.2.2 (c): neighborAS() — the local AS (undefined here) for paths starting in our AS. */
function sameNeighborAs(a: Candidate, b: Candidate): boolean {
  return a.neighborAs === b.neighborAs;
}

function keepExtreme<C>(routes: C[], value: (r: C) => number, want: 'min' | 'max'): C[] {
  let extreme = value(routes[0]!);
  for (const r of routes) {
    const v = value(r);
    if (want === 'min' ? v < extreme : v > extreme) extreme = v;
  }
  return routes.filter((r) => value(r) === extreme);
}
