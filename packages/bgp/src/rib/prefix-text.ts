// Prefixes and addresses from text, through the codec's parsers (wire/address.ts), and prefix
// containment on bytes.
import { formatPrefix, parseAddress, parsePrefix } from '../wire/address.js';
import type { Prefix } from '../wire/types.js';

/** A Prefix from text ("202.38.80.16/28", "2a02:1810::/48") or a Prefix; AddressFormatError on bad text or host bits set. */
export function toPrefix(input: string | Prefix): Prefix {
  return typeof input === 'string' ? parsePrefix(input) : input;
}

/** "a.b.c.d/n" or RFC 5952 IPv6 text. */
export const prefixText = formatPrefix;

/** Address bytes of a textual IPv4 or IPv6 address. */
export const addressBytes = parseAddress;

/** True when `outer` covers `inner` (same family, outer no longer than inner, same leading bits). */
export function prefixCovers(outer: Prefix, inner: Prefix): boolean {
  if (outer.afi !== inner.afi || outer.length > inner.length) return false;
  const whole = outer.length >> 3;
  for (let i = 0; i < whole; i++) if (outer.address[i] !== inner.address[i]) return false;
  const rest = outer.length & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((outer.address[whole]! ^ inner.address[whole]!) & mask) === 0;
}

/** Dotted quad to an unsigned 32-bit number (router ids, ORIGINATOR_ID). */
export function ipv4ToNumber(address: string): number {
  const bytes = parseAddress(address);
  if (bytes.length !== 4) throw new TypeError(`"${address}" is not an IPv4 address (BGP identifiers are dotted quads)`);
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}
