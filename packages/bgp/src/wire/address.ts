// Textual ⇄ binary addresses and prefixes. Decoding never calls these per prefix (prefixes stay
// binary); they serve configuration, next hops, logs and tests.
import { formatIpv6Groups } from '@cairn/sys';
import { AddressFormatError } from './errors.js';
import { AFI } from './types.js';
import type { Afi, Prefix } from './types.js';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string): Uint8Array | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = m[i + 1]!;
    if (part.length > 1 && part[0] === '0') return undefined; // no octal-looking octets
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const words: number[] = [];
  const pushGroups = (list: string[], into: number[]): boolean => {
    for (let i = 0; i < list.length; i++) {
      const g = list[i]!;
      if (i === list.length - 1 && g.includes('.')) {
        const v4 = parseIpv4(g); // RFC 4291 §2.2 form 3: trailing dotted quad
        if (!v4) return false;
        into.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
      into.push(parseInt(g, 16));
    }
    return true;
  };
  const headWords: number[] = [];
  const tailWords: number[] = [];
  if (!pushGroups(head, headWords) || !pushGroups(tail, tailWords)) return undefined;
  if (halves.length === 2) {
    const missing = 8 - headWords.length - tailWords.length;
    if (missing < 1) return undefined;
    words.push(...headWords, ...new Array<number>(missing).fill(0), ...tailWords);
  } else {
    words.push(...headWords);
  }
  if (words.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[2 * i] = words[i]! >> 8;
    bytes[2 * i + 1] = words[i]! & 0xff;
  }
  return bytes;
}

/** '192.0.2.1' → 4 bytes, '2001:db8::1' → 16 bytes. Throws AddressFormatError otherwise. */
export function parseAddress(text: string): Uint8Array {
  const bytes = text.includes(':') ? parseIpv6(text) : parseIpv4(text);
  if (!bytes) throw new AddressFormatError(`'${text}' is not an IPv4 or IPv6 address`);
  return bytes;
}

/** The AFI of a 4- or 16-byte address. */
export function addressAfi(address: Uint8Array): Afi {
  if (address.length === 4) return AFI.IPV4;
  if (address.length === 16) return AFI.IPV6;
  throw new AddressFormatError(`an address has 4 or 16 bytes, not ${address.length}`);
}

/** 4 bytes → dotted quad; 16 bytes → RFC 5952 text (lower case, longest zero run compressed). */
export function formatAddress(bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  if (length === 4) {
    return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
  }
  if (length !== 16) throw new AddressFormatError(`an address has 4 or 16 bytes, not ${length}`);
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!);
  return formatIpv6Groups(words);
}

/** '202.38.80.16/28' → Prefix. Throws AddressFormatError on bad syntax, a length out of range or host bits set. */
export function parsePrefix(text: string, pathId?: number): Prefix {
  const slash = text.indexOf('/');
  if (slash < 0) throw new AddressFormatError(`'${text}' is not a prefix (address/length)`);
  const address = parseAddress(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  const max = address.length * 8;
  if (!/^\d{1,3}$/.test(lengthText) || Number(lengthText) > max) {
    throw new AddressFormatError(`'${text}': prefix length must be 0..${max}`);
  }
  const length = Number(lengthText);
  if (!hostBitsZero(address, length)) {
    throw new AddressFormatError(
      `'${text}' has host bits set; did you mean ${formatPrefix(makePrefix(address, length))}?`,
    );
  }
  const prefix: Prefix = { afi: addressAfi(address), length, address };
  if (pathId !== undefined) prefix.pathId = pathId;
  return prefix;
}

/** Prefix → '202.38.80.16/28' (the path identifier is not part of the text). */
export function formatPrefix(prefix: Prefix): string {
  return `${formatAddress(prefix.address)}/${prefix.length}`;
}

/** True when every bit after `length` is zero. */
export function hostBitsZero(address: Uint8Array, length: number): boolean {
  const full = length >> 3;
  const rest = length & 7;
  if (rest !== 0 && (address[full]! & (0xff >> rest)) !== 0) return false;
  for (let i = full + (rest !== 0 ? 1 : 0); i < address.length; i++) if (address[i] !== 0) return false;
  return true;
}

/** A prefix from any address and length, with the host bits cleared. */
export function makePrefix(address: Uint8Array, length: number, pathId?: number): Prefix {
  const copy = new Uint8Array(address.length);
  const full = length >> 3;
  copy.set(address.subarray(0, full));
  const rest = length & 7;
  if (rest !== 0) copy[full] = address[full]! & (0xff << (8 - rest));
  const prefix: Prefix = { afi: addressAfi(copy), length, address: copy };
  if (pathId !== undefined) prefix.pathId = pathId;
  return prefix;
}
