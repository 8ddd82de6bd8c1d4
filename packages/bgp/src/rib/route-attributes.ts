// Hash-consed path attributes: every distinct attribute set (with its next hop) exists once and is
// shared by all routes that carry it, so a full table costs one object per distinct set (a few
// hundred thousand on the Internet), not one per prefix. The decision-process inputs are computed
// once per set here.
import type { PathAttributes } from '../wire/types.js';
import { ipv4ToNumber } from './prefix-text.js';

/** RFC 4271 §5.1.5: LOCAL_PREF a route has when none is set. */
export const DEFAULT_LOCAL_PREF = 100;

/** One interned attribute set. Immutable; compare by identity. */
export class RouteAttributes {
  /** References held by RIB entries; the store forgets the set when it drops to zero. */
  refs = 0;
  /** RFC 4271 §9.1.1: degree of preference (LOCAL_PREF, default 100). */
  readonly localPref: number;
  /** RFC 4271 §9.1.2.2 (a): AS_SET counts 1; RFC 5065 §5.3: confederation segments count 0. */
  readonly asPathLength: number;
  readonly origin: number;
  /** RFC 4271 §9.1.2.2 (c): a route without MED has the lowest possible value, 0. */
  readonly med: number;
  /** The neighbouring AS the route came from (first AS of the leading AS_SEQUENCE), undefined for a path that starts in our AS. */
  readonly neighborAs: number | undefined;
  /** RFC 4456 §9: ORIGINATOR_ID replaces the BGP identifier in the tie-break when present. */
  readonly originatorId: number | undefined;
  readonly clusterListLength: number;

  constructor(
    readonly key: string,
    /** The attributes without NEXT_HOP and the MP attributes (the next hop is below). */
    readonly attributes: Readonly<PathAttributes>,
    /** The next hop; undefined means "this speaker" (originated routes, resolved at export). */
    readonly nextHop: string | undefined,
    readonly linkLocalNextHop: string | undefined,
  ) {
    this.localPref = attributes.localPref ?? DEFAULT_LOCAL_PREF;
    this.origin = attributes.origin ?? 0;
    this.med = attributes.med ?? 0;
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
    this.originatorId = attributes.originatorId === undefined ? undefined : ipv4ToNumber(attributes.originatorId);
    this.clusterListLength = attributes.clusterList?.length ?? 0;
  }

  /** The attributes as an UPDATE would carry them for an IPv4 route (NEXT_HOP included). */
  toPathAttributes(): PathAttributes {
    return this.nextHop === undefined ? { ...this.attributes } : { ...this.attributes, nextHop: this.nextHop };
  }
}

/** The interning table. */
export class AttributeStore {
  private readonly sets = new Map<string, RouteAttributes>();

  /** Number of distinct attribute sets held. */
  get size(): number {
    return this.sets.size;
  }

  /**
   * The shared instance for `attributes` (MP_REACH/MP_UNREACH and NEXT_HOP are ignored; the next
   * hop is passed separately) with one more reference taken.
   */
  intern(attributes: PathAttributes, nextHop: string | undefined, linkLocalNextHop?: string): RouteAttributes {
    const key = attributesKey(attributes, nextHop, linkLocalNextHop);
    let set = this.sets.get(key);
    if (!set) {
      const { mpReach: _r, mpUnreach: _u, nextHop: _n, ...rest } = attributes;
      set = new RouteAttributes(key, Object.freeze(rest), nextHop, linkLocalNextHop);
      this.sets.set(key, set);
    }
    set.refs++;
    return set;
  }

  /** Takes another reference on an interned set. */
  retain(set: RouteAttributes): RouteAttributes {
    set.refs++;
    return set;
  }

  /** Drops a reference; the set is forgotten when none remain. */
  release(set: RouteAttributes): void {
    if (--set.refs === 0) this.sets.delete(set.key);
  }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** A canonical text of an attribute set: equal text ⇔ equal attributes. */
function attributesKey(a: PathAttributes, nextHop: string | undefined, linkLocal: string | undefined): string {
  let key = `${nextHop ?? '*'}|${linkLocal ?? ''}|${a.origin ?? ''}|`;
  if (a.asPath) for (const s of a.asPath) key += `${s.type[0]}${s.type.length}:${s.asns.join(' ')};`;
  key += `|${a.med ?? ''}|${a.localPref ?? ''}|${a.atomicAggregate ? 1 : ''}|`;
  if (a.aggregator) key += `${a.aggregator.asn}@${a.aggregator.address}`;
  key += `|${a.communities ? a.communities.join(',') : ''}|${a.originatorId ?? ''}|${a.clusterList ? a.clusterList.join(',') : ''}|`;
  if (a.extendedCommunities) key += a.extendedCommunities.map(hex).join(',');
  key += '|';
  if (a.largeCommunities) for (const c of a.largeCommunities) key += `${c.globalAdmin}:${c.local1}:${c.local2},`;
  key += `|${a.onlyToCustomer ?? ''}|`;
  if (a.unknown) for (const u of a.unknown) key += `${u.flags}/${u.typeCode}/${hex(u.value)},`;
  return key;
}
