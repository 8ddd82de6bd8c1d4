// The typed representation of BGP-4 messages (RFC 4271 §4) shared by the codec, the FSM, the RIBs
// and policy. The codec in this folder (message.ts, update.ts, attributes-*.ts, build.ts and friends;
// see README.md) turns bytes into these values and back; nothing here does I/O.

/** Address family identifiers (RFC 4760 §3, IANA). */
export const AFI = { IPV4: 1, IPV6: 2 } as const;
export type Afi = (typeof AFI)[keyof typeof AFI];

/** Subsequent address family identifiers; Cairn speaks unicast. */
export const SAFI = { UNICAST: 1 } as const;
export type Safi = number;

/** An (AFI, SAFI) pair, e.g. IPv4 unicast. */
export interface Family {
  afi: Afi;
  safi: Safi;
}

/**
 * An NLRI prefix (RFC 4271 §4.3, RFC 4760 §5). `address` holds the full 4 (IPv4) or 16 (IPv6) bytes
 * with host bits zero; `pathId` is the RFC 7911 ADD-PATH identifier when negotiated for the family.
 */
export interface Prefix {
  afi: Afi;
  length: number;
  address: Uint8Array;
  pathId?: number;
}

/** Message types (RFC 4271 §4.1, RFC 2918). */
export const MESSAGE_TYPE = { OPEN: 1, UPDATE: 2, NOTIFICATION: 3, KEEPALIVE: 4, ROUTE_REFRESH: 5 } as const;
export type MessageType = (typeof MESSAGE_TYPE)[keyof typeof MESSAGE_TYPE];

/** ORIGIN values (RFC 4271 §5.1.1). */
export const ORIGIN = { IGP: 0, EGP: 1, INCOMPLETE: 2 } as const;
export type Origin = (typeof ORIGIN)[keyof typeof ORIGIN];

/** AS_PATH segment types (RFC 4271 §4.3, RFC 5065 §3). */
export type AsPathSegmentType = 'set' | 'sequence' | 'confed-sequence' | 'confed-set';
export interface AsPathSegment {
  type: AsPathSegmentType;
  asns: number[];
}

export interface Aggregator {
  asn: number;
  /** IPv4 address of the aggregating speaker, dotted quad. */
  address: string;
}

/** RFC 4360 extended community: 8 raw bytes (type, subtype, value). */
export type ExtendedCommunity = Uint8Array;

/** RFC 8092 large community. */
export interface LargeCommunity {
  globalAdmin: number;
  local1: number;
  local2: number;
}

/** MP_REACH_NLRI (RFC 4760 §3). Next hops are textual addresses; an IPv6 next hop may carry a link-local second address. */
export interface MpReach {
  afi: Afi;
  safi: Safi;
  nextHop: string;
  linkLocalNextHop?: string;
  nlri: Prefix[];
}

/** MP_UNREACH_NLRI (RFC 4760 §4). */
export interface MpUnreach {
  afi: Afi;
  safi: Safi;
  withdrawn: Prefix[];
}

/** An attribute the codec does not interpret, kept to pass on (optional transitive) with its flags. */
export interface UnknownAttribute {
  flags: number;
  typeCode: number;
  value: Uint8Array;
}

/**
 * Path attributes of an UPDATE (RFC 4271 §5). Well-known communities are plain 32-bit numbers
 * (see WELL_KNOWN_COMMUNITY). AS numbers are always 4-octet here: the codec converts to and from
 * 2-octet AS_PATH plus AS4_PATH (RFC 6793 §4) according to the decode/encode context.
 */
export interface PathAttributes {
  origin?: Origin;
  asPath?: AsPathSegment[];
  /** IPv4 NEXT_HOP attribute (RFC 4271 §5.1.3), dotted quad. */
  nextHop?: string;
  med?: number;
  localPref?: number;
  atomicAggregate?: boolean;
  aggregator?: Aggregator;
  communities?: number[];
  originatorId?: string;
  clusterList?: string[];
  extendedCommunities?: ExtendedCommunity[];
  largeCommunities?: LargeCommunity[];
  /** RFC 9234 ONLY_TO_CUSTOMER. */
  onlyToCustomer?: number;
  mpReach?: MpReach;
  mpUnreach?: MpUnreach;
  unknown?: UnknownAttribute[];
}

/** Path attribute type codes (RFC 4271 §5, IANA BGP Path Attributes registry). */
export const ATTRIBUTE_TYPE = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MULTI_EXIT_DISC: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  ORIGINATOR_ID: 9,
  CLUSTER_LIST: 10,
  MP_REACH_NLRI: 14,
  MP_UNREACH_NLRI: 15,
  EXTENDED_COMMUNITIES: 16,
  AS4_PATH: 17,
  AS4_AGGREGATOR: 18,
  LARGE_COMMUNITY: 32,
  ONLY_TO_CUSTOMER: 35,
} as const;

/** Attribute flag bits (RFC 4271 §4.3). */
export const ATTRIBUTE_FLAG = { OPTIONAL: 0x80, TRANSITIVE: 0x40, PARTIAL: 0x20, EXTENDED_LENGTH: 0x10 } as const;

/** RFC 1997 / RFC 7999 / RFC 8326 well-known communities. */
export const WELL_KNOWN_COMMUNITY = {
  GRACEFUL_SHUTDOWN: 0xffff0000,
  ACCEPT_OWN: 0xffff0001,
  BLACKHOLE: 0xffff029a,
  NO_EXPORT: 0xffffff01,
  NO_ADVERTISE: 0xffffff02,
  NO_EXPORT_SUBCONFED: 0xffffff03,
  NOPEER: 0xffffff04,
} as const;

/** Capability codes (RFC 5492, IANA). */
export const CAPABILITY = {
  MULTIPROTOCOL: 1,
  ROUTE_REFRESH: 2,
  EXTENDED_NEXT_HOP: 5,
  EXTENDED_MESSAGE: 6,
  ROLE: 9,
  GRACEFUL_RESTART: 64,
  FOUR_OCTET_AS: 65,
  ADD_PATH: 69,
  ENHANCED_ROUTE_REFRESH: 70,
  LONG_LIVED_GRACEFUL_RESTART: 71,
  FQDN: 73,
  SOFTWARE_VERSION: 75,
} as const;

/** RFC 7911 §4 send/receive value. */
export type AddPathDirection = 'receive' | 'send' | 'both';

/** One capability from an OPEN (RFC 5492 §4); unknown codes are kept as raw bytes. */
export type Capability =
  | { code: 1; afi: Afi; safi: Safi }
  | { code: 2 }
  | { code: 5; entries: { afi: Afi; safi: Safi; nextHopAfi: Afi }[] }
  | { code: 6 }
  | { code: 9; role: number }
  | {
      code: 64;
      restarting: boolean;
      notification: boolean;
      restartTime: number;
      families: { afi: Afi; safi: Safi; forwardingPreserved: boolean }[];
    }
  | { code: 65; asn: number }
  | { code: 69; families: { afi: Afi; safi: Safi; direction: AddPathDirection }[] }
  | { code: 70 }
  | { code: 71; families: { afi: Afi; safi: Safi; forwardingPreserved: boolean; staleTime: number }[] }
  | { code: 73; hostname: string; domain: string }
  | { code: 75; version: string }
  | { code: number; raw: Uint8Array };

/** OPEN (RFC 4271 §4.2). `asn` is the real ASN; the codec writes AS_TRANS (23456) when it exceeds 65535. */
export interface OpenMessage {
  type: 1;
  version: number;
  asn: number;
  holdTime: number;
  routerId: string;
  capabilities: Capability[];
}

/** UPDATE (RFC 4271 §4.3). IPv4 unicast NLRI sit in `withdrawn`/`nlri`; other families in the MP attributes. */
export interface UpdateMessage {
  type: 2;
  withdrawn: Prefix[];
  attributes: PathAttributes;
  nlri: Prefix[];
  /**
   * Set by the decoder when RFC 7606 §2 treat-as-withdraw applies (the NOTIFICATION it would have
   * sent, for logging). The decoder has already rewritten the message into a pure withdrawal: `nlri`
   * is empty, every IPv4 unicast prefix (from the body or MP_REACH) is in `withdrawn`, every other
   * prefix is in `attributes.mpUnreach.withdrawn`, and `attributes` holds nothing else.
   */
  treatAsWithdraw?: { code: number; subcode: number; reason: string };
  /** Attributes the decoder dropped under RFC 7606 attribute-discard (or RFC 6793 §6), for logging. */
  discarded?: { typeCode: number; reason: string }[];
}

/** NOTIFICATION (RFC 4271 §4.5); `message` holds an RFC 9003 shutdown communication when present. */
export interface NotificationMessage {
  type: 3;
  code: number;
  subcode: number;
  data: Uint8Array;
  message?: string;
}

export interface KeepaliveMessage {
  type: 4;
}

/** ROUTE-REFRESH (RFC 2918 §3); subtype 0 normal, 1 BoRR, 2 EoRR (RFC 7313 §3.2). */
export interface RouteRefreshMessage {
  type: 5;
  afi: Afi;
  subtype: number;
  safi: Safi;
}

export type BgpMessage = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

/**
 * What a session negotiated, which changes how bytes decode and encode (RFC 6793, RFC 7911,
 * RFC 8654, RFC 8950). A fresh session before OPEN uses DEFAULT_CODEC_CONTEXT.
 */
export interface CodecContext {
  fourOctetAs: boolean;
  /** Families for which ADD-PATH path identifiers are received (decode) or sent (encode), as `afi/safi`. */
  addPath: ReadonlySet<string>;
  /** RFC 8654: maximum message size 65535 instead of 4096. */
  extendedMessage: boolean;
  /** RFC 8950: families (as `afi/safi`) whose NLRI may carry an IPv6 next hop. */
  extendedNextHop: ReadonlySet<string>;
  /**
   * Decode only: attribute types the receiver configured to discard or to treat as withdraw whatever
   * their content (like FRR's `neighbor X path-attribute discard|treat-as-withdraw`).
   */
  attributeActions?: ReadonlyMap<number, ConfiguredAttributeAction>;
}

export type ConfiguredAttributeAction = 'attribute-discard' | 'treat-as-withdraw';

export const DEFAULT_CODEC_CONTEXT: CodecContext = {
  fourOctetAs: false,
  addPath: new Set(),
  extendedMessage: false,
  extendedNextHop: new Set(),
};

/** Key of a family in the context sets. */
export function familyKey(afi: Afi, safi: Safi): string {
  return `${afi}/${safi}`;
}
