// Path attribute encoding (RFC 4271 §4.3, §5) in a deterministic order: MP_REACH_NLRI and
// MP_UNREACH_NLRI first (RFC 7606 §5.1), then every other attribute by ascending type code.
// On a 2-octet AS session, 4-octet ASNs become AS_TRANS with AS4_PATH/AS4_AGGREGATOR (RFC 6793 §4.2.2).
import { parseAddress } from './address.js';
import { ATTRIBUTE_FLAGS } from './attributes-decode.js';
import { BgpEncodeError } from './errors.js';
import { writePrefix } from './nlri.js';
import { AS_TRANS, writeAsPath } from './as-path.js';
import { ATTRIBUTE_FLAG, ATTRIBUTE_TYPE as T, familyKey } from './types.js';
import type { Afi, CodecContext, PathAttributes, Prefix, Safi, UnknownAttribute } from './types.js';
import { ByteWriter } from './writer.js';

function u32(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new BgpEncodeError(`${what} must be a 32-bit unsigned integer, got ${value}`);
  return value;
}

function ipv4(what: string, text: string): Uint8Array {
  const bytes = parseAddress(text);
  if (bytes.length !== 4) throw new BgpEncodeError(`${what} must be an IPv4 address, got ${text}`);
  return bytes;
}

/** Writes flags, type and length (extended when the value exceeds 255 bytes, or when `forceExtended`). */
export function writeAttributeHeader(
  w: ByteWriter,
  flags: number,
  type: number,
  length: number,
  forceExtended = false,
): void {
  if (length > 0xffff) throw new BgpEncodeError(`attribute ${type} is ${length} bytes; at most 65535 fit`);
  if (length > 255 || forceExtended)
    w.u8(flags | ATTRIBUTE_FLAG.EXTENDED_LENGTH)
      .u8(type)
      .u16(length);
  else
    w.u8(flags & ~ATTRIBUTE_FLAG.EXTENDED_LENGTH)
      .u8(type)
      .u8(length);
}

function attribute(w: ByteWriter, type: number, value: Uint8Array, flags = ATTRIBUTE_FLAGS[type]!): void {
  writeAttributeHeader(w, flags, type, value.length);
  w.bytes(value);
}

/** Starts an attribute whose length is not known yet (1-byte length placeholder); see `close`. */
function open(w: ByteWriter, type: number, flags = ATTRIBUTE_FLAGS[type]!): number {
  const start = w.length;
  w.u8(flags & ~ATTRIBUTE_FLAG.EXTENDED_LENGTH)
    .u8(type)
    .u8(0);
  return start;
}

/** Fills in the length; a value over 255 bytes gets the Extended Length bit and a 2-byte length (RFC 4271 §4.3). */
function close(w: ByteWriter, start: number, type: number): void {
  const length = w.length - start - 3;
  if (length <= 255) {
    w.patchU8(start + 2, length);
    return;
  }
  if (length > 0xffff) throw new BgpEncodeError(`attribute ${type} is ${length} bytes; at most 65535 fit`);
  w.insertGap(start + 3, 1);
  w.patchU8(start, ATTRIBUTE_FLAG.EXTENDED_LENGTH | ATTRIBUTE_FLAGS[type]!);
  w.patchU16(start + 2, length);
}

const hasWideAsn = (attrs: PathAttributes): boolean => (attrs.asPath ?? []).some((s) => s.asns.some((a) => a > 0xffff));

const NO_UNKNOWN: readonly UnknownAttribute[] = [];

/**
 * Writes the (sorted) unknown attributes from index `u` whose type code is below `type`; returns the
 * next index. RFC 4271 §5: an optional transitive attribute passed on unrecognised gets the Partial bit.
 */
function writeUnknownBelow(w: ByteWriter, unknown: readonly UnknownAttribute[], u: number, type: number): number {
  for (; u < unknown.length && unknown[u]!.typeCode < type; u++) {
    const a = unknown[u]!;
    attribute(w, a.typeCode, a.value, (a.flags & 0xc0) | ATTRIBUTE_FLAG.PARTIAL);
  }
  return u;
}

/** Every attribute except MP_REACH/MP_UNREACH, in type-code order, as bytes. */
export function encodePlainAttributes(attrs: PathAttributes, ctx: CodecContext): Uint8Array {
  const w = new ByteWriter(128);
  writePlainAttributes(w, attrs, ctx);
  return w.finish();
}

/** Writes every attribute except MP_REACH/MP_UNREACH into `w`, in type-code order. */
export function writePlainAttributes(w: ByteWriter, attrs: PathAttributes, ctx: CodecContext): void {
  const unknown =
    attrs.unknown && attrs.unknown.length > 0 ? [...attrs.unknown].sort((a, b) => a.typeCode - b.typeCode) : NO_UNKNOWN;
  let u = 0;
  const four = ctx.fourOctetAs;
  let at: number;
  u = writeUnknownBelow(w, unknown, u, T.ORIGIN);
  if (attrs.origin !== undefined) {
    if (attrs.origin !== 0 && attrs.origin !== 1 && attrs.origin !== 2)
      throw new BgpEncodeError(`ORIGIN must be 0, 1 or 2, got ${attrs.origin as number}`);
    w.u8(0x40).u8(T.ORIGIN).u8(1).u8(attrs.origin);
  }
  u = writeUnknownBelow(w, unknown, u, T.AS_PATH);
  if (attrs.asPath) {
    at = open(w, T.AS_PATH);
    writeAsPath(w, attrs.asPath, four ? 4 : 2);
    close(w, at, T.AS_PATH);
  }
  u = writeUnknownBelow(w, unknown, u, T.NEXT_HOP);
  if (attrs.nextHop !== undefined) attribute(w, T.NEXT_HOP, ipv4('NEXT_HOP', attrs.nextHop));
  u = writeUnknownBelow(w, unknown, u, T.MULTI_EXIT_DISC);
  if (attrs.med !== undefined) w.u8(0x80).u8(T.MULTI_EXIT_DISC).u8(4).u32(u32('MED', attrs.med));
  u = writeUnknownBelow(w, unknown, u, T.LOCAL_PREF);
  if (attrs.localPref !== undefined) w.u8(0x40).u8(T.LOCAL_PREF).u8(4).u32(u32('LOCAL_PREF', attrs.localPref));
  u = writeUnknownBelow(w, unknown, u, T.ATOMIC_AGGREGATE);
  if (attrs.atomicAggregate) w.u8(0x40).u8(T.ATOMIC_AGGREGATE).u8(0);
  u = writeUnknownBelow(w, unknown, u, T.AGGREGATOR);
  if (attrs.aggregator) {
    const asn = u32('AGGREGATOR ASN', attrs.aggregator.asn);
    w.u8(0xc0)
      .u8(T.AGGREGATOR)
      .u8(four ? 8 : 6);
    if (four) w.u32(asn);
    else w.u16(asn > 0xffff ? AS_TRANS : asn);
    w.bytes(ipv4('AGGREGATOR address', attrs.aggregator.address));
  }
  u = writeUnknownBelow(w, unknown, u, T.COMMUNITIES);
  if (attrs.communities?.length) {
    at = open(w, T.COMMUNITIES);
    for (const c of attrs.communities) w.u32(u32('community', c));
    close(w, at, T.COMMUNITIES);
  }
  u = writeUnknownBelow(w, unknown, u, T.ORIGINATOR_ID);
  if (attrs.originatorId !== undefined) attribute(w, T.ORIGINATOR_ID, ipv4('ORIGINATOR_ID', attrs.originatorId));
  u = writeUnknownBelow(w, unknown, u, T.CLUSTER_LIST);
  if (attrs.clusterList?.length) {
    at = open(w, T.CLUSTER_LIST);
    for (const id of attrs.clusterList) w.bytes(ipv4('CLUSTER_LIST id', id));
    close(w, at, T.CLUSTER_LIST);
  }
  u = writeUnknownBelow(w, unknown, u, T.EXTENDED_COMMUNITIES);
  if (attrs.extendedCommunities?.length) {
    at = open(w, T.EXTENDED_COMMUNITIES);
    for (const c of attrs.extendedCommunities) {
      if (c.length !== 8) throw new BgpEncodeError(`an extended community is 8 bytes, not ${c.length} (RFC 4360 §2)`);
      w.bytes(c);
    }
    close(w, at, T.EXTENDED_COMMUNITIES);
  }
  u = writeUnknownBelow(w, unknown, u, T.AS4_PATH);
  // RFC 6793 §4.2.2: AS4_PATH only towards an OLD speaker, only when some ASN does not fit 2 octets,
  // and without confederation segments.
  if (!four && attrs.asPath && hasWideAsn(attrs)) {
    at = open(w, T.AS4_PATH);
    writeAsPath(
      w,
      attrs.asPath.filter((s) => s.type === 'sequence' || s.type === 'set'),
      4,
    );
    close(w, at, T.AS4_PATH);
  }
  u = writeUnknownBelow(w, unknown, u, T.AS4_AGGREGATOR);
  if (!four && attrs.aggregator && attrs.aggregator.asn > 0xffff) {
    w.u8(0xc0)
      .u8(T.AS4_AGGREGATOR)
      .u8(8)
      .u32(attrs.aggregator.asn)
      .bytes(ipv4('AGGREGATOR address', attrs.aggregator.address));
  }
  u = writeUnknownBelow(w, unknown, u, T.LARGE_COMMUNITY);
  if (attrs.largeCommunities?.length) {
    at = open(w, T.LARGE_COMMUNITY);
    for (const c of attrs.largeCommunities)
      w.u32(u32('large community global admin', c.globalAdmin))
        .u32(u32('large community local 1', c.local1))
        .u32(u32('large community local 2', c.local2));
    close(w, at, T.LARGE_COMMUNITY);
  }
  u = writeUnknownBelow(w, unknown, u, T.ONLY_TO_CUSTOMER);
  if (attrs.onlyToCustomer !== undefined)
    w.u8(0xc0).u8(T.ONLY_TO_CUSTOMER).u8(4).u32(u32('ONLY_TO_CUSTOMER', attrs.onlyToCustomer));
  writeUnknownBelow(w, unknown, u, 256);
}

/** Next hop bytes for MP_REACH: 4 (IPv4), 16 (IPv6 global), or 32 (global + link-local, RFC 2545 §3). */
export function encodeMpNextHop(nextHop: string, linkLocalNextHop?: string): Uint8Array {
  const global = parseAddress(nextHop);
  if (linkLocalNextHop === undefined) return global;
  const linkLocal = parseAddress(linkLocalNextHop);
  if (global.length !== 16 || linkLocal.length !== 16)
    throw new BgpEncodeError('a link-local next hop goes with an IPv6 global next hop');
  const out = new Uint8Array(32);
  out.set(global);
  out.set(linkLocal, 16);
  return out;
}

/** Size of the MP_REACH attribute header and fixed part (extended length always used). */
export const mpReachOverhead = (nextHopLength: number): number => 4 + 5 + nextHopLength;
export const MP_UNREACH_OVERHEAD = 4 + 3;

/** Writes MP_REACH_NLRI (RFC 4760 §3) carrying `prefixes[from, to)`; `nlriBytes` is their encoded size. */
export function writeMpReach(
  w: ByteWriter,
  afi: Afi,
  safi: Safi,
  nextHop: Uint8Array,
  prefixes: readonly Prefix[],
  from: number,
  to: number,
  nlriBytes: number,
  ctx: CodecContext,
): void {
  writeAttributeHeader(w, ATTRIBUTE_FLAGS[T.MP_REACH_NLRI]!, T.MP_REACH_NLRI, 5 + nextHop.length + nlriBytes, true);
  w.u16(afi).u8(safi).u8(nextHop.length).bytes(nextHop).u8(0);
  const addPath = ctx.addPath.has(familyKey(afi, safi));
  for (let i = from; i < to; i++) writePrefix(w, prefixes[i]!, addPath);
}

/** Writes MP_UNREACH_NLRI (RFC 4760 §4) carrying `prefixes[from, to)`. */
export function writeMpUnreach(
  w: ByteWriter,
  afi: Afi,
  safi: Safi,
  prefixes: readonly Prefix[],
  from: number,
  to: number,
  nlriBytes: number,
  ctx: CodecContext,
): void {
  writeAttributeHeader(w, ATTRIBUTE_FLAGS[T.MP_UNREACH_NLRI]!, T.MP_UNREACH_NLRI, 3 + nlriBytes, true);
  w.u16(afi).u8(safi);
  const addPath = ctx.addPath.has(familyKey(afi, safi));
  for (let i = from; i < to; i++) writePrefix(w, prefixes[i]!, addPath);
}
