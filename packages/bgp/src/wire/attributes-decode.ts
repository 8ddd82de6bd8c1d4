// Path attribute decoding (RFC 4271 §4.3, §5) with RFC 7606 revised error handling: each malformed
// attribute is classified as session-reset, treat-as-withdraw or attribute-discard, and decoding
// goes on so that the strongest applicable action wins (RFC 7606 §3).
import { formatAddress } from './address.js';
import { AS_TRANS, decodeAsPath, mergeAs4Path } from './as-path.js';
import { BgpDecodeError, NOTIFICATION_CODE, UPDATE_ERROR_SUBCODE } from './errors.js';
import type { ErrorAction } from './errors.js';

import { CARRIED_ATTRIBUTE_RULES } from './carried-attributes.js';
import { decodePrefixes, NlriParseFailure } from './nlri.js';
import { ATTRIBUTE_FLAG, ATTRIBUTE_TYPE as T, familyKey } from './types.js';
import type { Afi, AsPathSegment, CodecContext, PathAttributes, Prefix } from './types.js';

/** Optional/Transitive flag bits each known attribute must carry (RFC 4271 §5, RFC 4760, RFC 8092, RFC 9234). */
export const ATTRIBUTE_FLAGS: Record<number, number> = {
  [T.ORIGIN]: 0x40,
  [T.AS_PATH]: 0x40,
  [T.NEXT_HOP]: 0x40,
  [T.MULTI_EXIT_DISC]: 0x80,
  [T.LOCAL_PREF]: 0x40,
  [T.ATOMIC_AGGREGATE]: 0x40,
  [T.AGGREGATOR]: 0xc0,
  [T.COMMUNITIES]: 0xc0,
  [T.ORIGINATOR_ID]: 0x80,
  [T.CLUSTER_LIST]: 0x80,
  [T.MP_REACH_NLRI]: 0x80,
  [T.MP_UNREACH_NLRI]: 0x80,
  [T.EXTENDED_COMMUNITIES]: 0xc0,
  [T.AS4_PATH]: 0xc0,
  [T.AS4_AGGREGATOR]: 0xc0,
  [T.LARGE_COMMUNITY]: 0xc0,
  [T.ONLY_TO_CUSTOMER]: 0xc0,
};

/** What RFC 7606 §7 prescribes when each attribute is malformed. */
const MALFORMED_ACTION: Record<number, ErrorAction> = {
  [T.ORIGIN]: 'treat-as-withdraw', // §7.1
  [T.AS_PATH]: 'treat-as-withdraw', // §7.2
  [T.NEXT_HOP]: 'treat-as-withdraw', // §7.3
  [T.MULTI_EXIT_DISC]: 'treat-as-withdraw', // §7.4
  [T.LOCAL_PREF]: 'treat-as-withdraw', // §7.5
  [T.ATOMIC_AGGREGATE]: 'attribute-discard', // §7.6
  [T.AGGREGATOR]: 'attribute-discard', // §7.7
  [T.COMMUNITIES]: 'treat-as-withdraw', // §7.8
  [T.ORIGINATOR_ID]: 'treat-as-withdraw', // §7.9
  [T.CLUSTER_LIST]: 'treat-as-withdraw', // §7.10
  [T.MP_REACH_NLRI]: 'session-reset', // §7.11 (AFI/SAFI disable not offered)
  [T.MP_UNREACH_NLRI]: 'session-reset', // §7.11
  [T.EXTENDED_COMMUNITIES]: 'treat-as-withdraw', // §7.14
  [T.AS4_PATH]: 'attribute-discard', // RFC 6793 §6
  [T.AS4_AGGREGATOR]: 'attribute-discard', // RFC 6793 §6
  [T.LARGE_COMMUNITY]: 'treat-as-withdraw', // RFC 8092 §6
  [T.ONLY_TO_CUSTOMER]: 'treat-as-withdraw', // RFC 9234 §5
};

/** Problems found in one UPDATE, strongest first when asked. */
export class UpdateProblems {
  fatal: BgpDecodeError | undefined;
  withdraw: { code: number; subcode: number; reason: string } | undefined;
  discarded: { typeCode: number; reason: string }[] = [];

  add(action: ErrorAction, subcode: number, typeCode: number, reason: string, data?: Uint8Array): void {
    if (action === 'session-reset') {
      this.fatal ??= new BgpDecodeError(NOTIFICATION_CODE.UPDATE_MESSAGE, subcode, reason, data, 'session-reset');
    } else if (action === 'treat-as-withdraw') {
      this.withdraw ??= { code: NOTIFICATION_CODE.UPDATE_MESSAGE, subcode, reason };
    } else {
      this.discarded.push({ typeCode, reason });
    }
  }

  get worst(): ErrorAction | undefined {
    if (this.fatal) return 'session-reset';
    if (this.withdraw) return 'treat-as-withdraw';
    return this.discarded.length > 0 ? 'attribute-discard' : undefined;
  }
}

/** Records a malformed attribute; RFC 4271 §6.3: the error data is the whole attribute (type, length, value). */
function malformed(
  problems: UpdateProblems,
  bytes: Uint8Array,
  attrStart: number,
  attrEnd: number,
  type: number,
  subcode: number,
  reason: string,
): void {
  problems.add(MALFORMED_ACTION[type]!, subcode, type, `attribute ${type}: ${reason}`, bytes.slice(attrStart, attrEnd));
}

/** An attribute whose length its type does not allow (RFC 4271 §6.3 Attribute Length Error, RFC 7606 §3). */
function lengthError(
  problems: UpdateProblems,
  bytes: Uint8Array,
  attrStart: number,
  attrEnd: number,
  type: number,
  reason: string,
): void {
  malformed(problems, bytes, attrStart, attrEnd, type, UPDATE_ERROR_SUBCODE.ATTRIBUTE_LENGTH_ERROR, reason);
}

const u32 = (b: Uint8Array, o: number): number =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;

/**
 * Decodes the path attributes in `bytes[start, end)`. Problems go into `problems`; faulty attributes
 * are left out of the result.
 */
/** Which attribute types the current UPDATE has shown, by generation stamp (no per-message allocation). */
const seenStamp = new Uint32Array(256);
let generation = 0;

export function decodeAttributes(
  bytes: Uint8Array,
  start: number,
  end: number,
  ctx: CodecContext,
  problems: UpdateProblems,
): PathAttributes {
  const attrs: PathAttributes = {};
  if (++generation === 0xffffffff) {
    seenStamp.fill(0);
    generation = 1;
  }
  const stamp = generation;
  let as4Path: AsPathSegment[] | undefined;
  let as4Aggregator: { asn: number; address: string } | undefined;
  let o = start;
  while (o < end) {
    // RFC 7606 §4: an attribute header or value that overruns the Total Attribute Length.
    if (end - o < 3 || ((bytes[o]! & ATTRIBUTE_FLAG.EXTENDED_LENGTH) !== 0 && end - o < 4)) {
      problems.add(
        'treat-as-withdraw',
        UPDATE_ERROR_SUBCODE.MALFORMED_ATTRIBUTE_LIST,
        0,
        'an attribute header is truncated',
      );
      break;
    }
    const attrStart = o;
    const flags = bytes[o]!;
    const type = bytes[o + 1]!;
    const extended = (flags & ATTRIBUTE_FLAG.EXTENDED_LENGTH) !== 0;
    const length = extended ? u16(bytes, o + 2) : bytes[o + 2]!;
    const v = o + (extended ? 4 : 3);
    if (v + length > end) {
      problems.add(
        'treat-as-withdraw',
        UPDATE_ERROR_SUBCODE.ATTRIBUTE_LENGTH_ERROR,
        type,
        `attribute ${type} overruns the attribute list`,
      );
      break;
    }
    o = v + length;
    if (seenStamp[type] === stamp) {
      // RFC 7606 §3 g: repeated MP attributes reset the session; other repeats are discarded.
      if (type === T.MP_REACH_NLRI || type === T.MP_UNREACH_NLRI) {
        problems.add(
          'session-reset',
          UPDATE_ERROR_SUBCODE.MALFORMED_ATTRIBUTE_LIST,
          type,
          `attribute ${type} appears twice`,
        );
      } else {
        problems.discarded.push({ typeCode: type, reason: `repeated attribute ${type} discarded` });
      }
      continue;
    }
    seenStamp[type] = stamp;
    const configured = ctx.attributeActions?.get(type);
    if (configured === 'attribute-discard') {
      problems.discarded.push({ typeCode: type, reason: `attribute ${type} discarded by configuration` });
      continue;
    }
    if (configured === 'treat-as-withdraw') {
      const reason = `attribute ${type} treated as withdraw by configuration`;
      problems.add('treat-as-withdraw', UPDATE_ERROR_SUBCODE.OPTIONAL_ATTRIBUTE_ERROR, type, reason);
      continue;
    }
    const expectedFlags = ATTRIBUTE_FLAGS[type];
    if (expectedFlags === undefined) {
      if ((flags & ATTRIBUTE_FLAG.OPTIONAL) === 0) {
        // RFC 4271 §6.3: an unrecognised well-known attribute.
        problems.add(
          'session-reset',
          UPDATE_ERROR_SUBCODE.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
          type,
          `unrecognized well-known attribute ${type}`,
          bytes.slice(attrStart, o),
        );
        continue;
      }
      const rule = CARRIED_ATTRIBUTE_RULES.get(type);
      const problem = rule?.check(bytes, v, v + length);
      if (rule && problem) {
        const reason = `${rule.name} (${type}) malformed: ${problem} (${rule.citation}: ${rule.action})`;
        problems.add(rule.action, UPDATE_ERROR_SUBCODE.OPTIONAL_ATTRIBUTE_ERROR, type, reason);
      } else if ((flags & ATTRIBUTE_FLAG.TRANSITIVE) !== 0) {
        // RFC 4271 §5: kept and passed on (the encoder sets Partial).
        (attrs.unknown ??= []).push({ flags, typeCode: type, value: bytes.slice(v, v + length) });
      }
      // Unrecognised optional non-transitive attributes are quietly ignored (RFC 4271 §5).
      continue;
    }
    if ((flags & 0xc0) !== expectedFlags) {
      // RFC 7606 §3 c
      malformed(
        problems,
        bytes,
        attrStart,
        o,
        type,
        UPDATE_ERROR_SUBCODE.ATTRIBUTE_FLAGS_ERROR,
        `flags 0x${flags.toString(16)} conflict with the attribute's kind`,
      );
      continue;
    }
    switch (type) {
      case T.ORIGIN:
        if (length !== 1) lengthError(problems, bytes, attrStart, o, type, 'length must be 1');
        else if (bytes[v]! > 2)
          malformed(
            problems,
            bytes,
            attrStart,
            o,
            type,
            UPDATE_ERROR_SUBCODE.INVALID_ORIGIN_ATTRIBUTE,
            `undefined origin ${bytes[v]}`,
          );
        else attrs.origin = bytes[v] as 0 | 1 | 2;
        break;
      case T.AS_PATH: {
        const path = decodeAsPath(bytes, v, v + length, ctx.fourOctetAs ? 4 : 2);
        if (typeof path === 'string')
          malformed(problems, bytes, attrStart, o, type, UPDATE_ERROR_SUBCODE.MALFORMED_AS_PATH, path);
        else attrs.asPath = path;
        break;
      }
      case T.NEXT_HOP:
        if (length !== 4) lengthError(problems, bytes, attrStart, o, type, 'length must be 4');
        else attrs.nextHop = formatAddress(bytes, v, 4);
        break;
      case T.MULTI_EXIT_DISC:
        if (length !== 4) lengthError(problems, bytes, attrStart, o, type, 'length must be 4');
        else attrs.med = u32(bytes, v);
        break;
      case T.LOCAL_PREF:
        if (length !== 4) lengthError(problems, bytes, attrStart, o, type, 'length must be 4');
        else attrs.localPref = u32(bytes, v);
        break;
      case T.ATOMIC_AGGREGATE:
        if (length !== 0) lengthError(problems, bytes, attrStart, o, type, 'length must be 0');
        else attrs.atomicAggregate = true;
        break;
      case T.AGGREGATOR: {
        const asSize = ctx.fourOctetAs ? 4 : 2;
        if (length !== asSize + 4) lengthError(problems, bytes, attrStart, o, type, `length must be ${asSize + 4}`);
        else
          attrs.aggregator = {
            asn: asSize === 4 ? u32(bytes, v) : u16(bytes, v),
            address: formatAddress(bytes, v + asSize, 4),
          };
        break;
      }
      case T.COMMUNITIES:
        if (length === 0 || length % 4 !== 0)
          lengthError(problems, bytes, attrStart, o, type, 'length must be a non-zero multiple of 4');
        else {
          const list = new Array<number>(length / 4);
          for (let i = 0; i < list.length; i++) list[i] = u32(bytes, v + 4 * i);
          attrs.communities = list;
        }
        break;
      case T.ORIGINATOR_ID:
        if (length !== 4) lengthError(problems, bytes, attrStart, o, type, 'length must be 4');
        else attrs.originatorId = formatAddress(bytes, v, 4);
        break;
      case T.CLUSTER_LIST:
        if (length === 0 || length % 4 !== 0)
          lengthError(problems, bytes, attrStart, o, type, 'length must be a non-zero multiple of 4');
        else {
          const list: string[] = [];
          for (let i = 0; i < length; i += 4) list.push(formatAddress(bytes, v + i, 4));
          attrs.clusterList = list;
        }
        break;
      case T.MP_REACH_NLRI:
        decodeMpReach(bytes, v, v + length, ctx, attrs, problems, attrStart);
        break;
      case T.MP_UNREACH_NLRI:
        decodeMpUnreach(bytes, v, v + length, ctx, attrs, problems, attrStart);
        break;
      case T.EXTENDED_COMMUNITIES:
        if (length === 0 || length % 8 !== 0)
          lengthError(problems, bytes, attrStart, o, type, 'length must be a non-zero multiple of 8');
        else {
          const list: Uint8Array[] = [];
          for (let i = 0; i < length; i += 8) list.push(bytes.slice(v + i, v + i + 8));
          attrs.extendedCommunities = list;
        }
        break;
      case T.AS4_PATH: {
        if (ctx.fourOctetAs) {
          // RFC 6793 §6: a NEW speaker discards AS4_PATH from another NEW speaker.
          problems.discarded.push({
            typeCode: type,
            reason: 'AS4_PATH on a 4-octet AS session discarded (RFC 6793 §6)',
          });
          break;
        }
        const path = decodeAsPath(bytes, v, v + length, 4);
        if (typeof path === 'string')
          malformed(problems, bytes, attrStart, o, type, UPDATE_ERROR_SUBCODE.MALFORMED_AS_PATH, path);
        else as4Path = path;
        break;
      }
      case T.AS4_AGGREGATOR:
        if (ctx.fourOctetAs) {
          problems.discarded.push({
            typeCode: type,
            reason: 'AS4_AGGREGATOR on a 4-octet AS session discarded (RFC 6793 §6)',
          });
        } else if (length !== 8) lengthError(problems, bytes, attrStart, o, type, 'length must be 8');
        else as4Aggregator = { asn: u32(bytes, v), address: formatAddress(bytes, v + 4, 4) };
        break;
      case T.LARGE_COMMUNITY:
        if (length === 0 || length % 12 !== 0)
          lengthError(problems, bytes, attrStart, o, type, 'length must be a non-zero multiple of 12');
        else {
          const list: { globalAdmin: number; local1: number; local2: number }[] = [];
          for (let i = 0; i < length; i += 12)
            list.push({ globalAdmin: u32(bytes, v + i), local1: u32(bytes, v + i + 4), local2: u32(bytes, v + i + 8) });
          attrs.largeCommunities = list;
        }
        break;
      case T.ONLY_TO_CUSTOMER:
        if (length !== 4) lengthError(problems, bytes, attrStart, o, type, 'length must be 4');
        else attrs.onlyToCustomer = u32(bytes, v);
        break;
    }
  }
  applyAs4(attrs, as4Path, as4Aggregator, problems);
  return attrs;
}

/** RFC 6793 §4.2.3: reconcile AGGREGATOR/AS4_AGGREGATOR, then AS_PATH/AS4_PATH. */
function applyAs4(
  attrs: PathAttributes,
  as4Path: AsPathSegment[] | undefined,
  as4Aggregator: { asn: number; address: string } | undefined,
  problems: UpdateProblems,
): void {
  if (as4Aggregator && attrs.aggregator) {
    if (attrs.aggregator.asn !== AS_TRANS) {
      // The 2-octet aggregator is not AS_TRANS: an OLD speaker aggregated; AS4 information is stale.
      problems.discarded.push({
        typeCode: T.AS4_AGGREGATOR,
        reason: 'AS4_AGGREGATOR ignored: AGGREGATOR is not AS_TRANS',
      });
      if (as4Path)
        problems.discarded.push({ typeCode: T.AS4_PATH, reason: 'AS4_PATH ignored: AGGREGATOR is not AS_TRANS' });
      return;
    }
    attrs.aggregator = as4Aggregator;
  }
  if (as4Path && attrs.asPath) attrs.asPath = mergeAs4Path(attrs.asPath, as4Path);
}

/** The next hop of MP_REACH (RFC 4760 §3, RFC 2545 §3 global + link-local, RFC 8950 IPv6 for IPv4 NLRI). */
function decodeNextHop(
  bytes: Uint8Array,
  v: number,
  length: number,
  afi: Afi,
): { nextHop: string; linkLocalNextHop?: string } | undefined {
  if (afi === 1 && length === 4) return { nextHop: formatAddress(bytes, v, 4) };
  if (length === 16) return { nextHop: formatAddress(bytes, v, 16) };
  if (length === 32)
    return { nextHop: formatAddress(bytes, v, 16), linkLocalNextHop: formatAddress(bytes, v + 16, 16) };
  return undefined;
}

/** The NLRI format this codec parses: IPv4/IPv6 unicast and multicast (RFC 4760 §5). */
function supportedFamily(afi: number, safi: number): afi is Afi {
  return (afi === 1 || afi === 2) && (safi === 1 || safi === 2);
}

/** RFC 7606 §7.11: a malformed MP_REACH_NLRI resets the session (AFI/SAFI disable is not offered). */
function mpReachMalformed(
  problems: UpdateProblems,
  bytes: Uint8Array,
  attrStart: number,
  end: number,
  reason: string,
): void {
  problems.add(
    'session-reset',
    UPDATE_ERROR_SUBCODE.OPTIONAL_ATTRIBUTE_ERROR,
    T.MP_REACH_NLRI,
    `MP_REACH_NLRI: ${reason}`,
    bytes.slice(attrStart, end),
  );
}

function decodeMpReach(
  bytes: Uint8Array,
  v: number,
  end: number,
  ctx: CodecContext,
  attrs: PathAttributes,
  problems: UpdateProblems,
  attrStart: number,
): void {
  if (end - v < 5)
    return mpReachMalformed(problems, bytes, attrStart, end, 'shorter than AFI, SAFI and next hop length');
  const afi = u16(bytes, v);
  const safi = bytes[v + 2]!;
  const nextHopLength = bytes[v + 3]!;
  if (!supportedFamily(afi, safi)) {
    problems.discarded.push({
      typeCode: T.MP_REACH_NLRI,
      reason: `MP_REACH_NLRI for unsupported family ${afi}/${safi} ignored`,
    });
    return;
  }
  if (v + 4 + nextHopLength + 1 > end)
    return mpReachMalformed(problems, bytes, attrStart, end, 'next hop overruns the attribute');
  const nextHop = decodeNextHop(bytes, v + 4, nextHopLength, afi);
  if (!nextHop)
    return mpReachMalformed(
      problems,
      bytes,
      attrStart,
      end,
      `next hop length ${nextHopLength} is invalid for AFI ${afi}`,
    );
  // One reserved octet follows the next hop (RFC 4760 §3, formerly the SNPA count).
  const nlri = decodePrefixes(bytes, v + 4 + nextHopLength + 1, end, afi, ctx.addPath.has(familyKey(afi, safi)));
  if (nlri instanceof NlriParseFailure) return mpReachMalformed(problems, bytes, attrStart, end, nlri.reason);
  attrs.mpReach = { afi, safi, ...nextHop, nlri };
}

function decodeMpUnreach(
  bytes: Uint8Array,
  v: number,
  end: number,
  ctx: CodecContext,
  attrs: PathAttributes,
  problems: UpdateProblems,
  attrStart: number,
): void {
  if (end - v < 3) {
    problems.add(
      'session-reset',
      UPDATE_ERROR_SUBCODE.OPTIONAL_ATTRIBUTE_ERROR,
      T.MP_UNREACH_NLRI,
      'MP_UNREACH_NLRI: shorter than AFI and SAFI',
      bytes.slice(attrStart, end),
    );
    return;
  }
  const afi = u16(bytes, v);
  const safi = bytes[v + 2]!;
  if (!supportedFamily(afi, safi)) {
    problems.discarded.push({
      typeCode: T.MP_UNREACH_NLRI,
      reason: `MP_UNREACH_NLRI for unsupported family ${afi}/${safi} ignored`,
    });
    return;
  }
  const withdrawn: Prefix[] | NlriParseFailure = decodePrefixes(
    bytes,
    v + 3,
    end,
    afi,
    ctx.addPath.has(familyKey(afi, safi)),
  );
  if (withdrawn instanceof NlriParseFailure) {
    problems.add(
      'session-reset',
      UPDATE_ERROR_SUBCODE.OPTIONAL_ATTRIBUTE_ERROR,
      T.MP_UNREACH_NLRI,
      `MP_UNREACH_NLRI: ${withdrawn.reason}`,
      bytes.slice(attrStart, end),
    );
    return;
  }
  attrs.mpUnreach = { afi, safi, withdrawn };
}
