// Path attribute encoding (RFC 4271 §4.3, §5) in a deterministic order: MP_REACH_NLRI and
// MP_UNREACH_NLRI first (RFC 7606 §5.1), then every other attribute by ascending type code.
// On a 2-octet AS session, 4-octet ASNs become AS_TRANS with AS4_PATH/AS4_AGGREGATOR (RFC 6793 §4.2.2).
import { parseAddress } from './address.js';
import { writeAsPath } from './as-path.js';
import { ATTRIBUTE_FLAGS } from './attributes-decode.js';
import { BgpEncodeError } from './errors.js';
import { writePrefix } from './nlri.js';
import { AS_TRANS } from './open.js';
import { ATTRIBUTE_FLAG, ATTRIBUTE_TYPE as T, familyKey } from './types.js';
import type { Afi, CodecContext, PathAttributes, Prefix, Safi } from './types.js';
import { ByteWriter } from './writer.js';

function u32(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new BgpEncodeError(`${what} must be a 32-bit unsigned integer, got ${value}`);
  return value;
}

function ipv4(what: string, text: string): Uint8Array {
  const bytes = parseAddress(text);
  if (bytes.length !== 4) throw new BgpEncodeError(`${what} must be an IPv4 address, got ${text}`);
  return bytes;
}

/** Writes flags, type and length (extended when the value exceeds 255 bytes, or when `forceExtended`). */
export function writeAttributeHeader(w: ByteWriter, flags: number, type: number, length: number, forceExtended = false): void {
  if (length > 0xffff) throw new BgpEncodeError(`attribute ${type} is ${length} bytes; at most 65535 fit`);
  if (length > 255 || forceExtended) w.u8(flags | ATTRIBUTE_FLAG.EXTENDED_LENGTH).u8(type).u16(length);
  else w.u8(flags & ~ATTRIBUTE_FLAG.EXTENDED_LENGTH).u8(type).u8(length);
}

function attribute(w: ByteWriter, type: number, value: ByteWriter | Uint8Array, flags = ATTRIBUTE_FLAGS[type]!): void {
  const bytes = value instanceof ByteWriter ? value.finish() : value;
  writeAttributeHeader(w, flags, type, bytes.length);
  w.bytes(bytes);
}

const hasWideAsn = (attrs: PathAttributes): boolean => (attrs.asPath ?? []).some((s) => s.asns.some((a) => a > 0xffff));

/** Every attribute except MP_REACH/MP_UNREACH, in type-code order, as bytes. */
export function encodePlainAttributes(attrs: PathAttributes, ctx: CodecContext): Uint8Array {
  const w = new ByteWriter(128);
  const unknown = [...(attrs.unknown ?? [])].sort((a, b) => a.typeCode - b.typeCode);
  let u = 0;
  const flushUnknownBelow = (type: number) => {
    for (; u < unknown.length && unknown[u]!.typeCode < type; u++) {
      const a = unknown[u]!;
      // RFC 4271 §5: an optional transitive attribute passed on unrecognised gets the Partial bit.
      attribute(w, a.typeCode, a.value, (a.flags & 0xc0) | ATTRIBUTE_FLAG.PARTIAL);
    }
  };
  const asSize = ctx.fourOctetAs ? 4 : 2;
  const writers: [number, () => void][] = [
    [T.ORIGIN, () => attrs.origin !== undefined && attribute(w, T.ORIGIN, Uint8Array.of(attrs.origin))],
    [
      T.AS_PATH,
      () => {
        if (!attrs.asPath) return;
        const v = new ByteWriter(64);
        writeAsPath(v, attrs.asPath, asSize, (a) => (asSize === 2 && u32('ASN', a) > 0xffff ? AS_TRANS : u32('ASN', a)));
        attribute(w, T.AS_PATH, v);
      },
    ],
    [T.NEXT_HOP, () => attrs.nextHop !== undefined && attribute(w, T.NEXT_HOP, ipv4('NEXT_HOP', attrs.nextHop))],
    [T.MULTI_EXIT_DISC, () => attrs.med !== undefined && attribute(w, T.MULTI_EXIT_DISC, new ByteWriter(4).u32(u32('MED', attrs.med)))],
    [T.LOCAL_PREF, () => attrs.localPref !== undefined && attribute(w, T.LOCAL_PREF, new ByteWriter(4).u32(u32('LOCAL_PREF', attrs.localPref)))],
    [T.ATOMIC_AGGREGATE, () => attrs.atomicAggregate && attribute(w, T.ATOMIC_AGGREGATE, new Uint8Array(0))],
    [
      T.AGGREGATOR,
      () => {
        if (!attrs.aggregator) return;
        const asn = u32('AGGREGATOR ASN', attrs.aggregator.asn);
        const v = new ByteWriter(8);
        if (asSize === 4) v.u32(asn);
        else v.u16(asn > 0xffff ? AS_TRANS : asn);
        attribute(w, T.AGGREGATOR, v.bytes(ipv4('AGGREGATOR address', attrs.aggregator.address)));
      },
    ],
    [
      T.COMMUNITIES,
      () => {
        if (!attrs.communities?.length) return;
        const v = new ByteWriter(attrs.communities.length * 4);
        for (const c of attrs.communities) v.u32(u32('community', c));
        attribute(w, T.COMMUNITIES, v);
      },
    ],
    [T.ORIGINATOR_ID, () => attrs.originatorId !== undefined && attribute(w, T.ORIGINATOR_ID, ipv4('ORIGINATOR_ID', attrs.originatorId))],
    [
      T.CLUSTER_LIST,
      () => {
        if (!attrs.clusterList?.length) return;
        const v = new ByteWriter(attrs.clusterList.length * 4);
        for (const id of attrs.clusterList) v.bytes(ipv4('CLUSTER_LIST id', id));
        attribute(w, T.CLUSTER_LIST, v);
      },
    ],
    [
      T.EXTENDED_COMMUNITIES,
      () => {
        if (!attrs.extendedCommunities?.length) return;
        const v = new ByteWriter(attrs.extendedCommunities.length * 8);
        for (const c of attrs.extendedCommunities) {
          if (c.length !== 8) throw new BgpEncodeError(`an extended community is 8 bytes, not ${c.length} (RFC 4360 §2)`);
          v.bytes(c);
        }
        attribute(w, T.EXTENDED_COMMUNITIES, v);
      },
    ],
    [
      T.AS4_PATH,
      () => {
        // RFC 6793 §4.2.2: only towards an OLD speaker, only when some ASN does not fit 2 octets,
        // and without confederation segments.
        if (asSize === 4 || !attrs.asPath || !hasWideAsn(attrs)) return;
        const v = new ByteWriter(64);
        writeAsPath(v, attrs.asPath.filter((s) => s.type === 'sequence' || s.type === 'set'), 4);
        attribute(w, T.AS4_PATH, v);
      },
    ],
    [
      T.AS4_AGGREGATOR,
      () => {
        if (asSize === 4 || !attrs.aggregator || attrs.aggregator.asn <= 0xffff) return;
        attribute(w, T.AS4_AGGREGATOR, new ByteWriter(8).u32(attrs.aggregator.asn).bytes(ipv4('AGGREGATOR address', attrs.aggregator.address)));
      },
    ],
    [
      T.LARGE_COMMUNITY,
      () => {
        if (!attrs.largeCommunities?.length) return;
        const v = new ByteWriter(attrs.largeCommunities.length * 12);
        for (const c of attrs.largeCommunities) v.u32(u32('large community global admin', c.globalAdmin)).u32(u32('large community local 1', c.local1)).u32(u32('large community local 2', c.local2));
        attribute(w, T.LARGE_COMMUNITY, v);
      },
    ],
    [T.ONLY_TO_CUSTOMER, () => attrs.onlyToCustomer !== undefined && attribute(w, T.ONLY_TO_CUSTOMER, new ByteWriter(4).u32(u32('ONLY_TO_CUSTOMER', attrs.onlyToCustomer)))],
  ];
  for (const [type, write] of writers) {
    flushUnknownBelow(type);
    write();
  }
  flushUnknownBelow(256);
  return w.finish();
}

/** Next hop bytes for MP_REACH: 4 (IPv4), 16 (IPv6 global), or 32 (global + link-local, RFC 2545 §3). */
export function encodeMpNextHop(nextHop: string, linkLocalNextHop?: string): Uint8Array {
  const global = parseAddress(nextHop);
  if (linkLocalNextHop === undefined) return global;
  const linkLocal = parseAddress(linkLocalNextHop);
  if (global.length !== 16 || linkLocal.length !== 16) throw new BgpEncodeError('a link-local next hop goes with an IPv6 global next hop');
  const out = new Uint8Array(32);
  out.set(global);
  out.set(linkLocal, 16);
  return out;
}

/** Size of the MP_REACH attribute header and fixed part (extended length always used). */
export const mpReachOverhead = (nextHopLength: number): number => 4 + 5 + nextHopLength;
export const MP_UNREACH_OVERHEAD = 4 + 3;

/** Writes MP_REACH_NLRI (RFC 4760 §3) carrying `prefixes[from, to)`; `nlriBytes` is their encoded size. */
export function writeMpReach(w: ByteWriter, afi: Afi, safi: Safi, nextHop: Uint8Array, prefixes: readonly Prefix[], from: number, to: number, nlriBytes: number, ctx: CodecContext): void {
  writeAttributeHeader(w, ATTRIBUTE_FLAGS[T.MP_REACH_NLRI]!, T.MP_REACH_NLRI, 5 + nextHop.length + nlriBytes, true);
  w.u16(afi).u8(safi).u8(nextHop.length).bytes(nextHop).u8(0);
  const addPath = ctx.addPath.has(familyKey(afi, safi));
  for (let i = from; i < to; i++) writePrefix(w, prefixes[i]!, addPath);
}

/** Writes MP_UNREACH_NLRI (RFC 4760 §4) carrying `prefixes[from, to)`. */
export function writeMpUnreach(w: ByteWriter, afi: Afi, safi: Safi, prefixes: readonly Prefix[], from: number, to: number, nlriBytes: number, ctx: CodecContext): void {
  writeAttributeHeader(w, ATTRIBUTE_FLAGS[T.MP_UNREACH_NLRI]!, T.MP_UNREACH_NLRI, 3 + nlriBytes, true);
  w.u16(afi).u8(safi);
  const addPath = ctx.addPath.has(familyKey(afi, safi));
  for (let i = from; i < to; i++) writePrefix(w, prefixes[i]!, addPath);
}
