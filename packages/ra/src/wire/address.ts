import { formatIpv6Groups } from '@cairn/sys';
import { IPv6, Validator } from 'ip-num';

/** Parses an IPv6 address ("2001:db8::1") into its 16 octets; throws `Error` for anything else. */
export function ipv6ToBytes(address: string): Uint8Array {
  const [valid] = Validator.isValidIPv6String(address);
  if (!valid) throw new Error(`not an IPv6 address: ${JSON.stringify(address)}`);
  let value = IPv6.fromString(address).value;
  const bytes = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

/** True when `address` is a syntactically valid IPv6 address. */
export function isIpv6(address: string): boolean {
  return Validator.isValidIPv6String(address)[0];
}

/** Formats 16 octets as an IPv6 address in the RFC 5952 canonical text form ("2001:db8::1"). */
export function ipv6FromBytes(bytes: Uint8Array, offset = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[offset + 2 * i] ?? 0) << 8) | (bytes[offset + 2 * i + 1] ?? 0));
  return formatIpv6Groups(groups);
}

/** Canonical text form of an IPv6 address ("2001:DB8:0::1" → "2001:db8::1"). */
export function canonicalIpv6(address: string): string {
  return ipv6FromBytes(ipv6ToBytes(address));
}

/** Zeroes every bit after the first `length` bits (the prefix of a Prefix Information option). */
export function maskPrefix(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let bit = length; bit < 128; bit++) out[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return out;
}

/** "52:54:00:12:34:56" → its octets; throws `Error` for a malformed link-layer address. */
export function linkLayerToBytes(address: string): Uint8Array {
  const parts = address.split(':');
  if (parts.length === 0 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) {
    throw new Error(`not a link-layer address (colon-separated hex octets): ${JSON.stringify(address)}`);
  }
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

/** Octets → "52:54:00:12:34:56". */
export function linkLayerFromBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}
