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
export function selectBest<C extends Candidate>(
  candidates: readonly C[],
  options: { feasible?: (c: C) => boolean; maxPaths?: number } = {},
): Selection<C> {
  let routes = options.feasible ? candidates.filter(options.feasible) : candidates.slice();
  if (routes.length <= 1) return { best: routes[0], multipath: routes.slice() };
  for (const [, eliminate] of ELIMINATIONS) routes = eliminate(routes);
  const equalCost = routes.slice().sort(compareTieBreaks);
  const best = equalCost[0];
  const maxPaths = Math.max(1, options.maxPaths ?? 1);
  const multipath = equalCost.filter((r) => sameNeighborAs(r, best!)).slice(0, maxPaths);
  return { best, multipath };
}

/** The step of the decision process that put a route out, as `explainNotBest` reports it. */
export type DecisionStep =
  | 'not-feasible'
  | 'local-origination'
  | 'local-pref'
  | 'as-path-length'
  | 'origin'
  | 'med'
  | 'ebgp-over-ibgp'
  | 'router-id'
  | 'cluster-list-length'
  | 'peer-address';

type Elimination = <C extends Candidate>(routes: C[]) => C[];

/** §9.1 as successive eliminations over the candidate set, in order; each names its step. */
const ELIMINATIONS: readonly (readonly [DecisionStep, Elimination])[] = [
  // Not an RFC step: routes this speaker originates win over learned ones (as FRR's weight 32768).
  [
    'local-origination',
    (routes) => (routes.some((r) => r.source!.isLocal) ? routes.filter((r) => r.source!.isLocal) : routes),
  ],
  // §9.1.1 Phase 1: highest degree of preference (LOCAL_PREF, or what import policy computed for eBGP).
  ['local-pref', (routes) => keepExtreme(routes, (r) => r.localPref, 'max')],
  // §9.1.2.2 (a): shortest AS_PATH (AS_SET counts 1, confederation segments 0 — RFC 5065 §5.3).
  ['as-path-length', (routes) => keepExtreme(routes, (r) => r.asPathLength, 'min')],
  // §9.1.2.2 (b): lowest ORIGIN (IGP < EGP < INCOMPLETE).
  ['origin', (routes) => keepExtreme(routes, (r) => r.origin, 'min')],
  // §9.1.2.2 (c): remove routes with a higher MED than another route from the same neighbouring AS.
  ['med', (routes) => routes.filter((r) => !routes.some((o) => sameNeighborAs(o, r) && o.med < r.med))],
  // §9.1.2.2 (d): if any route was learned from an external peer, remove those learned over iBGP.
  [
    'ebgp-over-ibgp',
    (routes) =>
      routes.some((r) => r.source!.isEbgp) ? routes.filter((r) => r.source!.isEbgp || r.source!.isLocal) : routes,
  ],
  // §9.1.2.2 (e): interior cost to the next hop — Cairn runs no IGP; every next hop costs the same.
];

/** Why `route` is not the best of `candidates`: the step that put it out and the route that won that step. */
export interface NotBestReason<C> {
  step: DecisionStep;
  /** The route preferred at that step (the best, or the one with the lower MED from the same AS). */
  over: C | undefined;
}

/**
 * Replays the decision process (same steps as selectBest) to say why `route` lost; undefined when it
 * is the best or equal to it in every step.
 */
export function explainNotBest<C extends Candidate>(
  route: C,
  candidates: readonly C[],
  options: { feasible?: (c: C) => boolean } = {},
): NotBestReason<C> | undefined {
  if (options.feasible && !options.feasible(route)) return { step: 'not-feasible', over: undefined };
  let routes = options.feasible ? candidates.filter(options.feasible) : candidates.slice();
  for (const [step, eliminate] of ELIMINATIONS) {
    const kept = eliminate(routes);
    if (!kept.includes(route)) {
      const over =
        step === 'med'
          ? kept.find((o) => sameNeighborAs(o, route) && o.med < route.med)
          : kept.slice().sort(compareTieBreaks)[0];
      return { step, over };
    }
    routes = kept;
  }
  const best = routes.slice().sort(compareTieBreaks)[0];
  if (best === undefined || best === route) return undefined;
  const step = tieBreakStep(best, route);
  return step ? { step, over: best } : undefined;
}

/** Which tie-break of compareTieBreaks puts `a` before `b`. */
function tieBreakStep(a: Candidate, b: Candidate): DecisionStep | undefined {
  if ((a.originatorId ?? a.source!.routerId) !== (b.originatorId ?? b.source!.routerId)) return 'router-id';
  if (a.clusterListLength !== b.clusterListLength) return 'cluster-list-length';
  return a.source!.addressOrder !== b.source!.addressOrder ? 'peer-address' : undefined;
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
