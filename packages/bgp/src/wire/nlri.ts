// NLRI prefix encoding (RFC 4271 §4.3, RFC 4760 §5.1.3): length in bits, then the fewest bytes that
// hold it; with ADD-PATH negotiated for the family, a 4-byte Path Identifier first (RFC 7911 §3).
import type { Afi, Prefix } from './types.js';
import type { ByteWriter } from './writer.js';

/** Why an NLRI field could not be parsed (the caller turns it into the right BgpDecodeError). */
export class NlriParseFailure {
  constructor(readonly reason: string) {}
}

/**
 * Decodes prefixes from `bytes[start, end)` into fresh Prefix objects (addresses copied, host bits
 * cleared — RFC 4271 §4.3 says trailing bits are irrelevant). No strings are created per prefix.
 * Returns NlriParseFailure when a prefix length is out of range or a prefix overruns the field.
 */
export function decodePrefixes(
  bytes: Uint8Array,
  start: number,
  end: number,
  afi: Afi,
  addPath: boolean,
): Prefix[] | NlriParseFailure {
  const out: Prefix[] = [];
  const size = afi === 1 ? 4 : 16;
  const maxBits = size * 8;
  let o = start;
  while (o < end) {
    let pathId = 0;
    if (addPath) {
      if (o + 4 > end) return new NlriParseFailure('a path identifier is truncated');
      pathId = ((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!) >>> 0;
      o += 4;
      if (o >= end) return new NlriParseFailure('a path identifier is not followed by a prefix');
    }
    const length = bytes[o++]!;
    if (length > maxBits) return new NlriParseFailure(`prefix length ${length} exceeds ${maxBits}`);
    const count = (length + 7) >> 3;
    if (o + count > end) return new NlriParseFailure(`a /${length} prefix overruns the NLRI field`);
    const address = new Uint8Array(size);
    for (let i = 0; i < count; i++) address[i] = bytes[o + i]!;
    const rest = length & 7;
    if (rest !== 0) address[count - 1] = address[count - 1]! & (0xff << (8 - rest));
    o += count;
    out.push(addPath ? { afi, length, address, pathId } : { afi, length, address });
  }
  return out;
}

/** Bytes `prefix` takes on the wire. */
export function encodedPrefixSize(prefix: Prefix, addPath: boolean): number {
  return (addPath ? 5 : 1) + ((prefix.length + 7) >> 3);
}

export function writePrefix(w: ByteWriter, prefix: Prefix, addPath: boolean): void {
  if (addPath) w.u32(prefix.pathId ?? 0);
  w.u8(prefix.length).prefixBytes(prefix.address, (prefix.length + 7) >> 3);
}
