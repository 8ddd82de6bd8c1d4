// Hash-consed routes: every distinct (source, attribute set, next hop) exists once and is shared by
// all prefixes that carry it, so a full table costs one object per distinct set (a few hundred
// thousand on the Internet), not one per prefix. Sets are found through a 30-bit structural hash
// (a Smi key) and compared field by field; no key strings are kept.
import type { LargeCommunity, PathAttributes } from '../wire/types.js';
import type { Candidate, CandidateSource } from './decision.js';
import { ipv4ToNumber } from './prefix-text.js';

/** RFC 4271 §5.1.5: LOCAL_PREF a route has when none is set. */
export const DEFAULT_LOCAL_PREF = 100;

/** A route as the RIB reports it (best paths, lookups, exports). */
export interface Route {
  /** The peer id it was learned from, or "local" for routes this speaker originates. */
  readonly peerId: string;
  readonly local: boolean;
  /** Path attributes after import policy, without NEXT_HOP and the MP attributes. */
  readonly attributes: Readonly<PathAttributes>;
  /** The next hop; undefined means this speaker (originated routes). */
  readonly nextHop: string | undefined;
  readonly linkLocalNextHop: string | undefined;
  /** LOCAL_PREF, or the default 100 when absent. */
  readonly localPref: number;
}

/** A source of routes as the store sees it: its identity for interning, and what the decision needs. */
export interface RouteSource extends CandidateSource {
  readonly id: string;
  /** Distinct small integer per source (0 is reserved for exported sets, which have none). */
  readonly index: number;
}

/** One interned route: immutable, compared by identity. */
export class RouteAttributes implements Route, Candidate {
  /** References held by RIB entries; the store forgets the set when it drops to zero. */
  refs = 0;
  /** Next set with the same hash (collision chain). */
  chain: RouteAttributes | undefined = undefined;
  /** RFC 4271 §9.1.2.2 (a): AS_SET counts 1; RFC 5065 §5.3: confederation segments count 0. */
  readonly asPathLength: number;
  /** RFC 4271 §9.1.2.2 (c): the neighbouring AS (first AS of a leading AS_SEQUENCE); undefined when the path starts in our AS. */
  readonly neighborAs: number | undefined;

  constructor(
    readonly hash: number,
    /** Where the route came from; undefined for the sets of an Adj-RIB-Out. */
    readonly source: RouteSource | undefined,
    readonly attributes: Readonly<PathAttributes>,
    readonly nextHop: string | undefined,
    readonly linkLocalNextHop: string | undefined,
  ) {
    let length = 0;
    let neighbor: number | undefined;
    let first = true;
    for (const segment of attributes.asPath ?? []) {
      if (segment.type === 'sequence') length += segment.asns.length;
      else if (segment.type === 'set') length += 1;
      if (first && (segment.type === 'sequence' || segment.type === 'set')) {
        first = false;
        if (segment.type === 'sequence') neighbor = segment.asns[0];
      }
    }
    this.asPathLength = length;
    this.neighborAs = neighbor;
  }

  get peerId(): string {
    return this.source?.id ?? '';
  }
  get local(): boolean {
    return this.source?.isLocal ?? false;
  }
  /** RFC 4271 §9.1.1: degree of preference (LOCAL_PREF, default 100). */
  get localPref(): number {
    return this.attributes.localPref ?? DEFAULT_LOCAL_PREF;
  }
  get origin(): number {
    return this.attributes.origin ?? 0;
  }
  /** RFC 4271 §9.1.2.2 (c): a route without MED has the lowest possible value, 0. */
  get med(): number {
    return this.attributes.med ?? 0;
  }
  /** RFC 4456 §9: ORIGINATOR_ID replaces the BGP identifier in the tie-break when present. */
  get originatorId(): number | undefined {
    return this.attributes.originatorId === undefined ? undefined : ipv4ToNumber(this.attributes.originatorId);
  }
  get clusterListLength(): number {
    return this.attributes.clusterList?.length ?? 0;
  }
}

/** The interning table. */
export class AttributeStore {
  private readonly sets = new Map<number, RouteAttributes>();
  private count = 0;

  /** Number of distinct sets held. */
  get size(): number {
    return this.count;
  }

  /**
   * The shared instance for (`source`, `attributes`, next hop) with one more reference taken.
   * MP_REACH/MP_UNREACH and NEXT_HOP in `attributes` are ignored: the next hop is passed separately.
   */
  intern(
    source: RouteSource | undefined,
    attributes: PathAttributes,
    nextHop: string | undefined,
    linkLocalNextHop?: string,
  ): RouteAttributes {
    const hash = hashAttributes(attributes, nextHop, linkLocalNextHop, source?.index ?? 0);
    const head = this.sets.get(hash);
    for (let set = head; set; set = set.chain) {
      if (
        set.source === source &&
        set.nextHop === nextHop &&
        set.linkLocalNextHop === linkLocalNextHop &&
        attributesEqual(set.attributes, attributes)
      ) {
        set.refs++;
        return set;
      }
    }
    const { mpReach: _r, mpUnreach: _u, nextHop: _n, ...rest } = attributes;
    const set = new RouteAttributes(hash, source, Object.freeze(rest), nextHop, linkLocalNextHop);
    set.chain = head;
    this.sets.set(hash, set);
    this.count++;
    set.refs++;
    return set;
  }

  /** Takes another reference. */
  retain(set: RouteAttributes): RouteAttributes {
    set.refs++;
    return set;
  }

  /** Drops a reference; the set is forgotten when none remain. */
  release(set: RouteAttributes): void {
    if (--set.refs > 0) return;
    const head = this.sets.get(set.hash);
    if (head === set) {
      if (set.chain) this.sets.set(set.hash, set.chain);
      else this.sets.delete(set.hash);
    } else {
      for (let prev = head; prev; prev = prev.chain) {
        if (prev.chain === set) {
          prev.chain = set.chain;
          break;
        }
      }
    }
    set.chain = undefined;
    this.count--;
  }
}

// ---- structural hash and equality --------------------------------------------------------------

function mix(h: number, v: number): number {
  return Math.imul(h ^ v, 0x01000193);
}

function mixString(h: number, s: string | undefined): number {
  if (s === undefined) return mix(h, 0x5bd1e995);
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return mix(h, s.length);
}

function mixBytes(h: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) h = mix(h, bytes[i]!);
  return mix(h, bytes.length);
}

function hashAttributes(
  a: PathAttributes,
  nextHop: string | undefined,
  linkLocal: string | undefined,
  source: number,
): number {
  let h = mix(0x811c9dc5, source);
  h = mixString(h, nextHop);
  h = mixString(h, linkLocal);
  h = mix(h, a.origin ?? -1);
  if (a.asPath) {
    for (const segment of a.asPath) {
      h = mix(h, segment.type.length);
      for (const asn of segment.asns) h = mix(h, asn);
    }
  }
  h = mix(h, a.med ?? -1);
  h = mix(h, a.localPref ?? -1);
  h = mix(h, a.atomicAggregate ? 1 : 0);
  if (a.aggregator) h = mixString(mix(h, a.aggregator.asn), a.aggregator.address);
  if (a.communities) for (const c of a.communities) h = mix(h, c);
  h = mixString(h, a.originatorId);
  if (a.clusterList) for (const c of a.clusterList) h = mixString(h, c);
  if (a.extendedCommunities) for (const c of a.extendedCommunities) h = mixBytes(h, c);
  if (a.largeCommunities) for (const c of a.largeCommunities) h = mix(mix(mix(h, c.globalAdmin), c.local1), c.local2);
  h = mix(h, a.onlyToCustomer ?? -1);
  if (a.unknown) for (const u of a.unknown) h = mixBytes(mix(mix(h, u.flags), u.typeCode), u.value);
  // A non-negative 30-bit value: a Smi Map key.
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

function arraysEqual<T>(
  a: readonly T[] | undefined,
  b: readonly T[] | undefined,
  eq: (x: T, y: T) => boolean = (x, y) => x === y,
): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!eq(a[i]!, b[i]!)) return false;
  return true;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const largeEqual = (a: LargeCommunity, b: LargeCommunity) =>
  a.globalAdmin === b.globalAdmin && a.local1 === b.local1 && a.local2 === b.local2;

/** Field-by-field equality of two attribute sets (NEXT_HOP and the MP attributes ignored). */
export function attributesEqual(a: Readonly<PathAttributes>, b: Readonly<PathAttributes>): boolean {
  return (
    a.origin === b.origin &&
    a.med === b.med &&
    a.localPref === b.localPref &&
    (a.atomicAggregate ?? false) === (b.atomicAggregate ?? false) &&
    a.aggregator?.asn === b.aggregator?.asn &&
    a.aggregator?.address === b.aggregator?.address &&
    a.originatorId === b.originatorId &&
    a.onlyToCustomer === b.onlyToCustomer &&
    arraysEqual(a.asPath, b.asPath, (x, y) => x.type === y.type && arraysEqual(x.asns, y.asns)) &&
    arraysEqual(a.communities, b.communities) &&
    arraysEqual(a.clusterList, b.clusterList) &&
    arraysEqual(a.extendedCommunities, b.extendedCommunities, bytesEqual) &&
    arraysEqual(a.largeCommunities, b.largeCommunities, largeEqual) &&
    arraysEqual(
      a.unknown,
      b.unknown,
      (x, y) => x.flags === y.flags && x.typeCode === y.typeCode && bytesEqual(x.value, y.value),
    )
  );
}
