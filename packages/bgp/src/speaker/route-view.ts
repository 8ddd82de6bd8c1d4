// A route as the speaker reports it (`show routes`, events): every attribute the RIB keeps, in text an
// operator reads (communities as 65053:100, AS_SET in braces), and why a candidate is not the best.
import { formatCommunity, formatLargeCommunity } from '../policy/community.js';
import type { DecisionStep, NotBestReason } from '../rib/decision.js';
import type { Route } from '../rib/route-attributes.js';
import { formatPrefix } from '../wire/address.js';
import type { AsPathSegment, ExtendedCommunity, Prefix } from '../wire/types.js';

export interface RouteView {
  prefix: string;
  /** The peer it came from, or "local" for announced prefixes. */
  from: string;
  nextHop?: string;
  /** The AS numbers of AS_PATH in order, segments flattened. */
  asPath: number[];
  /** AS_PATH as text (RFC 4271 §5.1.2): sequences spaced, AS_SET in braces, confederation parts (…) and […]. */
  asPathText: string;
  origin: 'igp' | 'egp' | 'incomplete';
  med?: number;
  localPref: number;
  /** RFC 1997: "asn:value", or the well-known name ("no-export"). */
  communities?: string[];
  /** RFC 8092: "global:local1:local2". */
  largeCommunities?: string[];
  /** RFC 4360 / RFC 5668: "RT:64999:100", "SoO:192.0.2.1:7", others as 0x and 16 hex digits. */
  extendedCommunities?: string[];
  /** RFC 4271 §5.1.6 / §5.1.7. */
  atomicAggregate?: true;
  aggregator?: { asn: number; address: string };
  /** RFC 4456 §8. */
  originatorId?: string;
  clusterList?: string[];
  /** RFC 4724 §4.2: kept from a restarting peer until it refreshes it or the stale timer runs out. */
  stale?: true;
  best: boolean;
  /** RFC 4271 §9.1, for a candidate that is not the best: the step it lost at, e.g. "higher local-pref 200 from 10.200.0.1". */
  notBestReason?: string;
}

const ORIGIN_NAMES = ['igp', 'egp', 'incomplete'] as const;

/** RFC 4271 §5.1.2 segments as text; confederation segments as FRR prints them (RFC 5065). */
export function formatAsPath(segments: readonly AsPathSegment[] | undefined): string {
  return (segments ?? [])
    .map((s) => {
      if (s.type === 'sequence') return s.asns.join(' ');
      if (s.type === 'set') return `{${s.asns.join(',')}}`;
      if (s.type === 'confed-sequence') return `(${s.asns.join(' ')})`;
      return `[${s.asns.join(',')}]`;
    })
    .filter(Boolean)
    .join(' ');
}

const EXTENDED_SUBTYPES: Record<number, string> = { 0x02: 'RT', 0x03: 'SoO' };

/** RFC 4360 §3.1-3.2, RFC 5668 §2: route targets and sites of origin by name, the rest in hex. */
export function formatExtendedCommunity(community: ExtendedCommunity): string {
  const hex = `0x${Buffer.from(community).toString('hex')}`;
  if (community.length !== 8) return hex;
  const view = new DataView(community.buffer, community.byteOffset, 8);
  const type = community[0]! & 0xbf; // without the non-transitive bit
  const name = EXTENDED_SUBTYPES[community[1]!];
  if (!name) return hex;
  if (type === 0x00) return `${name}:${view.getUint16(2)}:${view.getUint32(4)}`;
  if (type === 0x01) return `${name}:${community.subarray(2, 6).join('.')}:${view.getUint16(6)}`;
  if (type === 0x02) return `${name}:${view.getUint32(2)}:${view.getUint16(6)}`;
  return hex;
}

const STEP_TEXT: Record<DecisionStep, (over: Route) => string> = {
  'not-feasible': () => 'next hop not reachable',
  'local-origination': () => 'a locally originated route is preferred',
  'local-pref': (o) => `higher local-pref ${o.localPref} from ${o.peerId}`,
  'as-path-length': (o) => `shorter AS path (${formatAsPath(o.attributes.asPath) || 'empty'}) from ${o.peerId}`,
  origin: (o) => `lower origin ${ORIGIN_NAMES[o.attributes.origin ?? 0]} from ${o.peerId}`,
  med: (o) => `lower MED ${o.attributes.med ?? 0} from ${o.peerId} (same neighbour AS)`,
  'ebgp-over-ibgp': (o) => `eBGP route preferred over iBGP, from ${o.peerId}`,
  'router-id': (o) => `lower router id (or originator id) of ${o.peerId}`,
  'cluster-list-length': (o) => `shorter cluster list from ${o.peerId}`,
  'peer-address': (o) => `lower peer address ${o.peerId}`,
};

/** Text of an explainNotBest reason. */
export function formatNotBestReason(reason: NotBestReason<Route>): string {
  return reason.over ? STEP_TEXT[reason.step](reason.over) : STEP_TEXT[reason.step]({ peerId: '?' } as Route);
}

export interface RouteViewContext {
  best: boolean;
  stale?: boolean;
  notBest?: NotBestReason<Route> | undefined;
}

export function routeView(prefix: Prefix, route: Route, context: RouteViewContext): RouteView {
  const a = route.attributes;
  return {
    prefix: formatPrefix(prefix),
    from: route.peerId,
    ...(route.nextHop ? { nextHop: route.nextHop } : {}),
    asPath: (a.asPath ?? []).flatMap((s) => s.asns),
    asPathText: formatAsPath(a.asPath),
    origin: ORIGIN_NAMES[a.origin ?? 0] ?? 'igp',
    ...(a.med !== undefined ? { med: a.med } : {}),
    localPref: route.localPref,
    ...(a.communities?.length ? { communities: a.communities.map(formatCommunity) } : {}),
    ...(a.largeCommunities?.length ? { largeCommunities: a.largeCommunities.map(formatLargeCommunity) } : {}),
    ...(a.extendedCommunities?.length
      ? { extendedCommunities: a.extendedCommunities.map(formatExtendedCommunity) }
      : {}),
    ...(a.atomicAggregate ? { atomicAggregate: true as const } : {}),
    ...(a.aggregator ? { aggregator: { asn: a.aggregator.asn, address: a.aggregator.address } } : {}),
    ...(a.originatorId ? { originatorId: a.originatorId } : {}),
    ...(a.clusterList?.length ? { clusterList: [...a.clusterList] } : {}),
    ...(context.stale ? { stale: true as const } : {}),
    best: context.best,
    ...(!context.best && context.notBest ? { notBestReason: formatNotBestReason(context.notBest) } : {}),
  };
}
