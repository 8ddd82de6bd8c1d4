// UPDATE message (RFC 4271 §4.3): decode with RFC 7606 error handling, encode of a given message.
import { decodeAttributes, UpdateProblems } from './attributes-decode.js';
import { encodeMpNextHop, encodePlainAttributes, writeMpReach, writeMpUnreach } from './attributes-encode.js';
import { BgpDecodeError, BgpEncodeError, NOTIFICATION_CODE, UPDATE_ERROR_SUBCODE } from './errors.js';
import { HEADER_LENGTH, maxMessageLength, writeHeader } from './header.js';
import { decodePrefixes, encodedPrefixSize, NlriParseFailure, writePrefix } from './nlri.js';
import { ATTRIBUTE_TYPE as T, familyKey, MESSAGE_TYPE } from './types.js';
import type { CodecContext, PathAttributes, Prefix, UpdateMessage } from './types.js';
import { ByteWriter } from './writer.js';

const IPV4_UNICAST = familyKey(1, 1);

function malformedList(reason: string): BgpDecodeError {
  return new BgpDecodeError(NOTIFICATION_CODE.UPDATE_MESSAGE, UPDATE_ERROR_SUBCODE.MALFORMED_ATTRIBUTE_LIST, reason);
}

function networkFieldError(where: string, reason: string): BgpDecodeError {
  // RFC 7606 §5.3: NLRI that cannot be parsed leaves no choice but a session reset.
  return new BgpDecodeError(
    NOTIFICATION_CODE.UPDATE_MESSAGE,
    UPDATE_ERROR_SUBCODE.INVALID_NETWORK_FIELD,
    `${where}: ${reason}`,
  );
}

/** Decodes a whole UPDATE message (header included). Throws BgpDecodeError only for session-reset errors. */
export function decodeUpdate(bytes: Uint8Array, ctx: CodecContext): UpdateMessage {
  const end = bytes.length;
  let o = HEADER_LENGTH;
  const withdrawnLength = (bytes[o]! << 8) | bytes[o + 1]!;
  o += 2;
  // RFC 4271 §6.3 / RFC 7606 §4: inconsistent lengths reset the session.
  if (o + withdrawnLength + 2 > end)
    throw malformedList(`withdrawn routes length ${withdrawnLength} overruns the message`);
  const addPath4 = ctx.addPath.has(IPV4_UNICAST);
  const withdrawn = decodePrefixes(bytes, o, o + withdrawnLength, 1, addPath4);
  if (withdrawn instanceof NlriParseFailure) throw networkFieldError('withdrawn routes', withdrawn.reason);
  o += withdrawnLength;
  const attributesLength = (bytes[o]! << 8) | bytes[o + 1]!;
  o += 2;
  if (o + attributesLength > end)
    throw malformedList(`total path attribute length ${attributesLength} overruns the message`);
  const problems = new UpdateProblems();
  const attributes = decodeAttributes(bytes, o, o + attributesLength, ctx, problems);
  if (problems.fatal) throw problems.fatal;
  o += attributesLength;
  const nlri = decodePrefixes(bytes, o, end, 1, addPath4);
  if (nlri instanceof NlriParseFailure) throw networkFieldError('NLRI', nlri.reason);
  const update: UpdateMessage = { type: 2, withdrawn, attributes, nlri };
  checkMandatory(update, problems);
  if (problems.discarded.length > 0) update.discarded = problems.discarded;
  if (problems.withdraw) rewriteAsWithdrawal(update, problems.withdraw);
  return update;
}

/** RFC 4271 §5 / RFC 4760 §3 / RFC 7606 §3 d: well-known mandatory attributes of an UPDATE that announces. */
function checkMandatory(update: UpdateMessage, problems: UpdateProblems): void {
  const a = update.attributes;
  const announcesMp = (a.mpReach?.nlri.length ?? 0) > 0;
  if (update.nlri.length === 0 && !announcesMp) return;
  if (a.origin === undefined) missing(problems, T.ORIGIN, 'ORIGIN');
  if (a.asPath === undefined) missing(problems, T.AS_PATH, 'AS_PATH');
  if (update.nlri.length > 0 && a.nextHop === undefined) missing(problems, T.NEXT_HOP, 'NEXT_HOP');
}

/** RFC 4271 §6.3: Missing Well-known Attribute carries the type code as data. */
function missing(problems: UpdateProblems, type: number, name: string): void {
  problems.add(
    'treat-as-withdraw',
    UPDATE_ERROR_SUBCODE.MISSING_WELL_KNOWN_ATTRIBUTE,
    type,
    `missing well-known attribute ${name}`,
    Uint8Array.of(type),
  );
}

/**
 * Applies treat-as-withdraw (RFC 7606 §2) in place: see UpdateMessage.treatAsWithdraw for the
 * resulting shape. Also for the speaker's own checks after decoding (e.g. enforce-first-as).
 */
export function rewriteAsWithdrawal(
  update: UpdateMessage,
  reason: { code: number; subcode: number; reason: string },
): void {
  const a = update.attributes;
  const withdrawn = [...update.withdrawn, ...update.nlri];
  let other: Prefix[] = [];
  let otherFamily: { afi: 1 | 2; safi: number } | undefined;
  for (const mp of [
    a.mpUnreach && { afi: a.mpUnreach.afi, safi: a.mpUnreach.safi, prefixes: a.mpUnreach.withdrawn },
    a.mpReach && { afi: a.mpReach.afi, safi: a.mpReach.safi, prefixes: a.mpReach.nlri },
  ]) {
    if (!mp) continue;
    if (mp.afi === 1 && mp.safi === 1) withdrawn.push(...mp.prefixes);
    else if (!otherFamily || (otherFamily.afi === mp.afi && otherFamily.safi === mp.safi)) {
      otherFamily = { afi: mp.afi, safi: mp.safi };
      other = [...other, ...mp.prefixes];
    }
    // A third family cannot occur: one MP_REACH and one MP_UNREACH at most (RFC 7606 §3 g).
  }
  const attributes: PathAttributes = {};
  if (otherFamily) attributes.mpUnreach = { ...otherFamily, withdrawn: other };
  update.withdrawn = withdrawn;
  update.nlri = [];
  update.attributes = attributes;
  update.treatAsWithdraw = reason;
}

/** Encodes `message` exactly as given. Throws BgpEncodeError if it exceeds the session's maximum size. */
export function encodeUpdate(message: UpdateMessage, ctx: CodecContext): Uint8Array {
  const a = message.attributes;
  const addPath4 = ctx.addPath.has(IPV4_UNICAST);
  const w = new ByteWriter(4096);
  w.zeros(HEADER_LENGTH);
  const withdrawnStart = w.length;
  w.u16(0);
  for (const p of message.withdrawn) writePrefix(w, p, addPath4);
  w.patchU16(withdrawnStart, w.length - withdrawnStart - 2);
  const attributesStart = w.length;
  w.u16(0);
  if (a.mpReach) {
    const nextHop = encodeMpNextHop(a.mpReach.nextHop, a.mpReach.linkLocalNextHop);
    const addPath = ctx.addPath.has(familyKey(a.mpReach.afi, a.mpReach.safi));
    const size = a.mpReach.nlri.reduce((n, p) => n + encodedPrefixSize(p, addPath), 0);
    writeMpReach(w, a.mpReach.afi, a.mpReach.safi, nextHop, a.mpReach.nlri, 0, a.mpReach.nlri.length, size, ctx);
  }
  if (a.mpUnreach) {
    const addPath = ctx.addPath.has(familyKey(a.mpUnreach.afi, a.mpUnreach.safi));
    const size = a.mpUnreach.withdrawn.reduce((n, p) => n + encodedPrefixSize(p, addPath), 0);
    writeMpUnreach(
      w,
      a.mpUnreach.afi,
      a.mpUnreach.safi,
      a.mpUnreach.withdrawn,
      0,
      a.mpUnreach.withdrawn.length,
      size,
      ctx,
    );
  }
  w.bytes(encodePlainAttributes(a, ctx));
  w.patchU16(attributesStart, w.length - attributesStart - 2);
  for (const p of message.nlri) writePrefix(w, p, addPath4);
  const out = w.finish();
  const max = maxMessageLength(MESSAGE_TYPE.UPDATE, ctx);
  if (out.length > max)
    throw new BgpEncodeError(`UPDATE is ${out.length} bytes; the session allows ${max} (use buildUpdates to split)`);
  writeHeader(out, out.length, MESSAGE_TYPE.UPDATE);
  return out;
}
