// Routing policy as configured: an ordered list of terms (a route-map), each matching routes and
// either accepting them with attribute changes or rejecting them. The first matching term decides;
// a route no term matches gets the policy's default (reject unless said otherwise).
import type { LargeCommunity } from '../wire/types.js';

/** One line of a prefix list (as FRR's `ip prefix-list … seq N permit P ge G le L`). */
export interface PrefixListEntry {
  action: 'permit' | 'deny';
  /** "10.0.0.0/8" or "2001:db8::/32". */
  prefix: string;
  /** Match prefixes at least this long (default: the entry's own length, or exactly it without ge/le). */
  ge?: number;
  /** Match prefixes at most this long (default: the family's maximum when ge is given). */
  le?: number;
}

/** First matching entry decides; a prefix no entry matches is denied (as in FRR). */
export interface PrefixList {
  name?: string;
  entries: PrefixListEntry[];
}

/** A community as a 32-bit number, "65000:100", or a well-known name ("no-export", "no-advertise", "blackhole", …). */
export type CommunityText = number | string;
/** A large community as a value or "global:local1:local2". */
export type LargeCommunityText = LargeCommunity | string;

/** Every given condition must hold. */
export interface PolicyMatch {
  /** The prefix is permitted by this list. */
  prefixList?: PrefixList;
  /** The route is of this family. */
  family?: 'ipv4' | 'ipv6';
  /** The route carries at least one of these communities. */
  community?: CommunityText[];
  /** The route carries at least one of these large communities. */
  largeCommunity?: LargeCommunityText[];
  /** The AS_PATH contains this AS. */
  asPathContains?: number;
}

export interface CommunityActions<T> {
  /** Replace all with these (an empty list removes the attribute). */
  set?: T[];
  add?: T[];
  delete?: T[];
}

export interface PolicyActions {
  localPref?: number;
  med?: number;
  communities?: CommunityActions<CommunityText>;
  largeCommunities?: CommunityActions<LargeCommunityText>;
  /** Prepend `count` copies of `asn` (default: the local AS) to the AS_PATH. */
  prependAs?: { asn?: number; count: number };
  /** Export only: this speaker's address as next hop, also towards iBGP peers. */
  nextHopSelf?: boolean;
}

export interface PolicyTerm {
  name?: string;
  /** Omitted: matches every route. */
  match?: PolicyMatch;
  /** Changes applied to accepted routes. */
  actions?: PolicyActions;
  result: 'accept' | 'reject';
}

export interface Policy {
  name?: string;
  terms: PolicyTerm[];
  /** What happens to a route no term matched (default 'reject'). */
  defaultResult?: 'accept' | 'reject';
}

/** Accepts every route unchanged: the explicit "send/accept everything" an eBGP peer needs under RFC 8212. */
export const ACCEPT_ALL: Policy = Object.freeze({ name: 'accept-all', terms: [], defaultResult: 'accept' as const });
/** Rejects every route. */
export const REJECT_ALL: Policy = Object.freeze({ name: 'reject-all', terms: [], defaultResult: 'reject' as const });
