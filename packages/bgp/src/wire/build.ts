// The UPDATE builder: packs prefixes into as few UPDATEs as the session's maximum message size allows
// (RFC 4271 §4: 4096 bytes, RFC 8654: 65535), and the End-of-RIB marker (RFC 4724 §2).
import {
  encodeMpNextHop,
  encodePlainAttributes,
  MP_UNREACH_OVERHEAD,
  mpReachOverhead,
  writeMpReach,
  writeMpUnreach,
} from './attributes-encode.js';
import { BgpEncodeError } from './errors.js';
import { HEADER_LENGTH, maxMessageLength, writeHeader } from './header.js';
import { encodedPrefixSize, writePrefix } from './nlri.js';
import { familyKey, MESSAGE_TYPE } from './types.js';
import type { Afi, CodecContext, Family, PathAttributes, Prefix, UpdateMessage } from './types.js';
import { encodeUpdate } from './update.js';
import { ByteWriter } from './writer.js';

export interface UpdateInput {
  /** Prefixes to withdraw, any family: IPv4 unicast in the body, others in MP_UNREACH_NLRI. */
  withdrawn?: Prefix[];
  /**
   * Attributes shared by every prefix in `nlri`. IPv4 prefixes go in the body when `nextHop` is set;
   * otherwise (and for IPv6) they go in MP_REACH_NLRI with `mpReach.nextHop`/`linkLocalNextHop`
   * (`mpReach.afi`/`safi`/`nlri` are ignored: prefixes come from `nlri`; an IPv6 next hop for IPv4
   * prefixes needs RFC 8950 extended next hop in the context).
   */
  attributes?: PathAttributes;
  /** Prefixes to announce with `attributes`, any family. */
  nlri?: Prefix[];
}

const SAFI_UNICAST = 1;

/** Splits `prefixes[from..]` into the longest run that fits `room` bytes; returns [end, bytes]. */
function fit(prefixes: readonly Prefix[], from: number, room: number, addPath: boolean): [number, number] {
  let size = 0;
  let i = from;
  for (; i < prefixes.length; i++) {
    const s = encodedPrefixSize(prefixes[i]!, addPath);
    if (size + s > room) break;
    size += s;
  }
  if (i === from)
    throw new BgpEncodeError(`the path attributes leave no room for a single prefix under the ${room}-byte budget`);
  return [i, size];
}

/** Pre-sized writer for one UPDATE with the header placeholder. */
function start(total: number): ByteWriter {
  const w = new ByteWriter(total);
  w.zeros(HEADER_LENGTH);
  return w;
}

function finish(w: ByteWriter): Uint8Array {
  const out = w.finish();
  writeHeader(out, out.length, MESSAGE_TYPE.UPDATE);
  return out;
}

function byFamily(prefixes: readonly Prefix[]): Map<Afi, readonly Prefix[]> {
  const groups = new Map<Afi, Prefix[]>();
  const first = prefixes[0]?.afi;
  if (first === undefined) return groups;
  if (prefixes.every((p) => p.afi === first)) return new Map([[first, prefixes]]);
  for (const p of prefixes) {
    let list = groups.get(p.afi);
    if (!list) groups.set(p.afi, (list = []));
    list.push(p);
  }
  return groups;
}

/**
 * Encodes withdrawals, then announcements, as whole UPDATE messages that each fit the session's
 * maximum size. Attribute order is deterministic (see attributes-encode.ts), so equal input gives
 * equal bytes.
 */
export function buildUpdates(input: UpdateInput, ctx: CodecContext): Uint8Array[] {
  const out: Uint8Array[] = [];
  const max = maxMessageLength(MESSAGE_TYPE.UPDATE, ctx);
  const attrs = input.attributes ?? {};
  const withdrawn = attrs.mpUnreach?.withdrawn.length
    ? [...(input.withdrawn ?? []), ...attrs.mpUnreach.withdrawn]
    : (input.withdrawn ?? []);
  for (const [afi, prefixes] of byFamily(withdrawn)) {
    const addPath = ctx.addPath.has(familyKey(afi, SAFI_UNICAST));
    const overhead = HEADER_LENGTH + 4 + (afi === 1 ? 0 : MP_UNREACH_OVERHEAD);
    for (let i = 0; i < prefixes.length;) {
      const [end, size] = fit(prefixes, i, max - overhead, addPath);
      const w = start(overhead + size);
      if (afi === 1) {
        w.u16(size);
        for (let k = i; k < end; k++) writePrefix(w, prefixes[k]!, addPath);
        w.u16(0);
      } else {
        w.u16(0).u16(MP_UNREACH_OVERHEAD + size);
        writeMpUnreach(w, afi, SAFI_UNICAST, prefixes, i, end, size, ctx);
      }
      out.push(finish(w));
      i = end;
    }
  }

  const announced = attrs.mpReach?.nlri.length ? [...(input.nlri ?? []), ...attrs.mpReach.nlri] : (input.nlri ?? []);
  if (announced.length === 0) return out;
  const plain = { ...attrs, mpReach: undefined, mpUnreach: undefined };
  let bodyAttributes: Uint8Array | undefined;
  let mpAttributes: Uint8Array | undefined;
  for (const [afi, prefixes] of byFamily(announced)) {
    const addPath = ctx.addPath.has(familyKey(afi, SAFI_UNICAST));
    if (afi === 1 && attrs.nextHop !== undefined) {
      bodyAttributes ??= encodePlainAttributes(plain, ctx);
      const overhead = HEADER_LENGTH + 4 + bodyAttributes.length;
      for (let i = 0; i < prefixes.length;) {
        const [end, size] = fit(prefixes, i, max - overhead, addPath);
        const w = start(overhead + size);
        w.u16(0).u16(bodyAttributes.length).bytes(bodyAttributes);
        for (let k = i; k < end; k++) writePrefix(w, prefixes[k]!, addPath);
        out.push(finish(w));
        i = end;
      }
      continue;
    }
    if (!attrs.mpReach) {
      throw new BgpEncodeError(
        `announcing ${afi === 1 ? 'IPv4' : 'IPv6'} prefixes needs a next hop: set attributes.${afi === 1 ? 'nextHop' : 'mpReach.nextHop'}`,
      );
    }
    const nextHop = encodeMpNextHop(attrs.mpReach.nextHop, attrs.mpReach.linkLocalNextHop);
    if (afi === 1 && nextHop.length !== 4 && !ctx.extendedNextHop.has(familyKey(1, SAFI_UNICAST))) {
      throw new BgpEncodeError(
        'an IPv6 next hop for IPv4 prefixes needs the extended next hop capability (RFC 8950) negotiated',
      );
    }
    if (afi === 2 && nextHop.length === 4) throw new BgpEncodeError('IPv6 prefixes need an IPv6 next hop');
    // RFC 4760 §3: an UPDATE whose only NLRI is in MP_REACH_NLRI should not carry NEXT_HOP.
    mpAttributes ??= encodePlainAttributes({ ...plain, nextHop: undefined }, ctx);
    const overhead = HEADER_LENGTH + 4 + mpReachOverhead(nextHop.length) + mpAttributes.length;
    for (let i = 0; i < prefixes.length;) {
      const [end, size] = fit(prefixes, i, max - overhead, addPath);
      const w = start(overhead + size);
      w.u16(0).u16(mpReachOverhead(nextHop.length) + size + mpAttributes.length);
      writeMpReach(w, afi, SAFI_UNICAST, nextHop, prefixes, i, end, size, ctx);
      w.bytes(mpAttributes);
      out.push(finish(w));
      i = end;
    }
  }
  return out;
}

/** RFC 4724 §2: an empty UPDATE for IPv4 unicast, else an UPDATE with an empty MP_UNREACH_NLRI. */
export function endOfRib(family: Family, ctx: CodecContext): Uint8Array {
  const message: UpdateMessage = { type: 2, withdrawn: [], attributes: {}, nlri: [] };
  if (!(family.afi === 1 && family.safi === SAFI_UNICAST)) {
    message.attributes.mpUnreach = { afi: family.afi, safi: family.safi, withdrawn: [] };
  }
  return encodeUpdate(message, ctx);
}

/** The family an End-of-RIB marker stands for (RFC 4724 §2), or undefined for any other UPDATE. */
export function isEndOfRib(update: UpdateMessage): Family | undefined {
  if (update.treatAsWithdraw || update.discarded?.length || update.withdrawn.length > 0 || update.nlri.length > 0)
    return undefined;
  const a = update.attributes;
  let keys = 0;
  for (const key in a) if (a[key as keyof PathAttributes] !== undefined) keys++;
  if (keys === 0) return { afi: 1, safi: SAFI_UNICAST };
  if (keys === 1 && a.mpUnreach && a.mpUnreach.withdrawn.length === 0)
    return { afi: a.mpUnreach.afi, safi: a.mpUnreach.safi };
  return undefined;
}
