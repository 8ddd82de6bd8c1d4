import { ipv6FromBytes, ipv6ToBytes, linkLayerFromBytes, linkLayerToBytes, maskPrefix } from './address.js';
import { NdDecodeError, NdEncodeError } from './errors.js';

/** Neighbor Discovery option types (IANA "IPv6 Neighbor Discovery Option Formats"). */
export const OptionType = {
  SourceLinkLayerAddress: 1, // RFC 4861 §4.6.1
  PrefixInformation: 3, // RFC 4861 §4.6.2
  Mtu: 5, // RFC 4861 §4.6.4
  RouteInformation: 24, // RFC 4191 §2.3
  RecursiveDnsServer: 25, // RFC 8106 §5.1
  DnsSearchList: 31, // RFC 8106 §5.2
  CaptivePortal: 37, // RFC 8910 §2.3
  Pref64: 38, // RFC 8781 §4
} as const;

/** RFC 4191 §2.1 two-bit preference; `reserved` (binary 10) is what a peer may send and must be ignored. */
export type RoutePreference = 'high' | 'medium' | 'low' | 'reserved';

const preferenceBits: Record<RoutePreference, number> = { medium: 0b00, high: 0b01, reserved: 0b10, low: 0b11 };
const preferenceNames: RoutePreference[] = ['medium', 'high', 'reserved', 'low'];

export function encodePreference(preference: RoutePreference): number {
  return preferenceBits[preference];
}
export function decodePreference(bits: number): RoutePreference {
  return preferenceNames[bits & 0b11]!;
}

/** RFC 4861 §4.6.1 — the link-layer address of the sender ("52:54:00:12:34:56" for Ethernet). */
export interface SourceLinkLayerAddressOption {
  kind: 'source-link-layer-address';
  address: string;
}

/** RFC 4861 §4.6.4 — the link MTU hosts should use. */
export interface MtuOption {
  kind: 'mtu';
  mtu: number;
}

/** RFC 4861 §4.6.2 — an on-link prefix and/or a prefix for SLAAC (RFC 4862). Lifetimes in seconds, 0xffffffff = infinity. */
export interface PrefixInformationOption {
  kind: 'prefix-information';
  prefix: string;
  prefixLength: number;
  onLink: boolean;
  autonomous: boolean;
  /** RFC 6275 §7.2 R flag (the prefix field carries the router's full address). */
  routerAddress: boolean;
  validLifetime: number;
  preferredLifetime: number;
}

/** RFC 4191 §2.3 — a more-specific route via this router. */
export interface RouteInformationOption {
  kind: 'route-information';
  prefix: string;
  prefixLength: number;
  preference: RoutePreference;
  lifetime: number;
}

/** RFC 8106 §5.1 — recursive DNS servers. */
export interface RecursiveDnsServerOption {
  kind: 'rdnss';
  lifetime: number;
  servers: string[];
}

/** RFC 8106 §5.2 — DNS search list. */
export interface DnsSearchListOption {
  kind: 'dnssl';
  lifetime: number;
  domains: string[];
}

/** RFC 8781 §4 — the NAT64 prefix; the lifetime travels in units of 8 seconds (at most 65528 s). */
export interface Pref64Option {
  kind: 'pref64';
  prefix: string;
  prefixLength: 32 | 40 | 48 | 56 | 64 | 96;
  lifetime: number;
}

/** RFC 8910 §2.3 — the captive-portal API URI. */
export interface CaptivePortalOption {
  kind: 'captive-portal';
  uri: string;
}

/** Any other option, kept as its body (everything after type and length) so it re-encodes unchanged. */
export interface UnknownOption {
  kind: 'unknown';
  type: number;
  body: Uint8Array;
}

export type NdOption =
  | SourceLinkLayerAddressOption
  | MtuOption
  | PrefixInformationOption
  | RouteInformationOption
  | RecursiveDnsServerOption
  | DnsSearchListOption
  | Pref64Option
  | CaptivePortalOption
  | UnknownOption;

// RFC 8781 §4: Prefix Length Code → prefix length.
const pref64Lengths = [96, 64, 56, 48, 40, 32] as const;

const u32 = (view: DataView, at: number) => view.getUint32(at);

/**
 * Decodes the option area of an RS or RA, starting at `start` of `message`. Unknown types are kept as
 * `unknown` and skipped by their length (RFC 4861 §4.6: receivers skip options they do not recognise).
 */
export function decodeOptions(message: Uint8Array, start: number): NdOption[] {
  const options: NdOption[] = [];
  let at = start;
  while (at < message.length) {
    if (message.length - at < 2) throw new NdDecodeError('truncated', 'option header cut short', at);
    const type = message[at]!;
    const units = message[at + 1]!;
    if (units === 0) throw new NdDecodeError('zero-length-option', `option type ${type} has length 0`, at);
    const end = at + units * 8;
    if (end > message.length) {
      throw new NdDecodeError(
        'truncated',
        `option type ${type} announces ${units * 8} octets, ${message.length - at} left`,
        at,
      );
    }
    options.push(decodeOption(message.subarray(at, end), type, at));
    at = end;
  }
  return options;
}

function badLength(type: number, units: number, expected: string, at: number): NdDecodeError {
  return new NdDecodeError('bad-option-length', `option type ${type} has length ${units} (${expected})`, at);
}

/** Decodes one option; `bytes` spans it exactly (type, length, body); `at` is its offset for errors. */
function decodeOption(bytes: Uint8Array, type: number, at: number): NdOption {
  const units = bytes.length / 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case OptionType.SourceLinkLayerAddress:
      return { kind: 'source-link-layer-address', address: linkLayerFromBytes(trimEthernet(bytes)) };
    case OptionType.Mtu:
      if (units !== 1) throw badLength(type, units, 'MTU is always 1', at);
      return { kind: 'mtu', mtu: u32(view, 4) };
    case OptionType.PrefixInformation: {
      if (units !== 4) throw badLength(type, units, 'Prefix Information is always 4', at);
      const prefixLength = bytes[2]!;
      if (prefixLength > 128)
        throw new NdDecodeError('bad-option-value', `prefix length ${prefixLength} > 128`, at + 2);
      const flags = bytes[3]!;
      return {
        kind: 'prefix-information',
        prefix: ipv6FromBytes(bytes, 16),
        prefixLength,
        onLink: (flags & 0x80) !== 0,
        autonomous: (flags & 0x40) !== 0,
        routerAddress: (flags & 0x20) !== 0,
        validLifetime: u32(view, 4),
        preferredLifetime: u32(view, 8),
      };
    }
    case OptionType.RouteInformation: {
      // RFC 4191 §2.3: length 1, 2 or 3; the prefix field holds only as many octets as the length allows.
      if (units > 3) throw badLength(type, units, 'Route Information is 1, 2 or 3', at);
      const prefixLength = bytes[2]!;
      if (prefixLength > 128)
        throw new NdDecodeError('bad-option-value', `prefix length ${prefixLength} > 128`, at + 2);
      if ((prefixLength > 64 && units < 3) || (prefixLength > 0 && units < 2)) {
        throw badLength(type, units, `too short for prefix length ${prefixLength}`, at);
      }
      const prefix = new Uint8Array(16);
      prefix.set(bytes.subarray(8, 8 + (units - 1) * 8));
      return {
        kind: 'route-information',
        prefix: ipv6FromBytes(maskPrefix(prefix, prefixLength)),
        prefixLength,
        preference: decodePreference(bytes[3]! >> 3),
        lifetime: u32(view, 4),
      };
    }
    case OptionType.RecursiveDnsServer: {
      // RFC 8106 §5.1: length 3 + 2·(n-1), at least one address.
      if (units < 3 || units % 2 === 0) throw badLength(type, units, 'RDNSS is odd and at least 3', at);
      const servers: string[] = [];
      for (let off = 8; off < bytes.length; off += 16) servers.push(ipv6FromBytes(bytes, off));
      return { kind: 'rdnss', lifetime: u32(view, 4), servers };
    }
    case OptionType.DnsSearchList: {
      if (units < 2) throw badLength(type, units, 'DNSSL is at least 2', at);
      const domains = decodeDomainNames(bytes.subarray(8), at + 8);
      if (domains.length === 0)
        throw new NdDecodeError('bad-option-value', 'DNSSL carries no domain name (RFC 8106 §5.2)', at + 8);
      return { kind: 'dnssl', lifetime: u32(view, 4), domains };
    }
    case OptionType.Pref64: {
      if (units !== 2) throw badLength(type, units, 'PREF64 is always 2', at);
      const word = view.getUint16(2);
      const code = word & 0b111;
      const prefixLength = pref64Lengths[code];
      if (prefixLength === undefined)
        throw new NdDecodeError('bad-option-value', `PREF64 prefix length code ${code} is undefined`, at + 3);
      const prefix = new Uint8Array(16);
      prefix.set(bytes.subarray(4, 16));
      return {
        kind: 'pref64',
        prefix: ipv6FromBytes(maskPrefix(prefix, prefixLength)),
        prefixLength,
        lifetime: (word >> 3) * 8,
      };
    }
    case OptionType.CaptivePortal: {
      // RFC 8910 §2.3: the URI, padded with NUL octets to a multiple of 8.
      let end = bytes.length;
      while (end > 2 && bytes[end - 1] === 0) end--;
      const uriBytes = bytes.subarray(2, end);
      if (uriBytes.includes(0))
        throw new NdDecodeError('bad-option-value', 'captive-portal URI contains a NUL octet', at + 2);
      let uri: string;
      try {
        uri = new TextDecoder('utf-8', { fatal: true }).decode(uriBytes);
      } catch {
        throw new NdDecodeError('bad-option-value', 'captive-portal URI is not UTF-8', at + 2);
      }
      return { kind: 'captive-portal', uri };
    }
    default:
      return { kind: 'unknown', type, body: bytes.slice(2) };
  }
}

/** An Ethernet SLLA is 6 octets in an 8-octet option; other link types use the whole body. */
function trimEthernet(bytes: Uint8Array): Uint8Array {
  return bytes.length === 8 ? bytes.subarray(2, 8) : bytes.subarray(2);
}

/**
 * RFC 8106 §5.2: domain names in the uncompressed DNS encoding of RFC 1035 §3.1, one after another,
 * then zero padding. A label may not contain "." (it could not be told apart in text form).
 */
function decodeDomainNames(area: Uint8Array, base: number): string[] {
  const domains: string[] = [];
  let at = 0;
  while (at < area.length && area[at] !== 0) {
    const labels: string[] = [];
    for (;;) {
      if (at >= area.length)
        throw new NdDecodeError('bad-option-value', 'DNSSL domain name runs past the option', base + at);
      const length = area[at]!;
      if (length === 0) {
        at++;
        break;
      }
      if (length > 63)
        throw new NdDecodeError(
          'bad-option-value',
          `DNSSL label length ${length} (> 63, or a compression pointer)`,
          base + at,
        );
      if (at + 1 + length > area.length)
        throw new NdDecodeError('bad-option-value', 'DNSSL label runs past the option', base + at);
      const label = area.subarray(at + 1, at + 1 + length);
      if (label.includes(0x2e)) throw new NdDecodeError('bad-option-value', 'DNSSL label contains "."', base + at);
      labels.push(String.fromCharCode(...label));
      at += 1 + length;
    }
    domains.push(labels.join('.'));
  }
  // Everything after the last name is padding and must be zero (RFC 8106 §5.2).
  for (; at < area.length; at++) {
    if (area[at] !== 0) throw new NdDecodeError('bad-option-value', 'DNSSL padding is not zero', base + at);
  }
  return domains;
}

const MAX_U32 = 0xffffffff;

function checkU32(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_U32)
    throw new NdEncodeError(field, `${value} is not a 32-bit unsigned integer`);
}

function checkPrefixLength(field: string, value: number, max = 128): void {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new NdEncodeError(field, `${value} is not a prefix length 0..${max}`);
}

function address(field: string, text: string): Uint8Array {
  try {
    return ipv6ToBytes(text);
  } catch (error) {
    throw new NdEncodeError(field, (error as Error).message);
  }
}

function encodeDomainName(field: string, domain: string): number[] {
  const out: number[] = [];
  const name = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  if (name.length === 0) throw new NdEncodeError(field, 'empty domain name');
  for (const label of name.split('.')) {
    if (label.length === 0 || label.length > 63)
      throw new NdEncodeError(
        field,
        `label ${JSON.stringify(label)} of ${JSON.stringify(domain)} must be 1..63 octets`,
      );
    const codes = Array.from(label, (c) => c.charCodeAt(0));
    if (codes.some((c) => c > 0xff))
      throw new NdEncodeError(field, `label ${JSON.stringify(label)} is not ASCII (use the A-label form)`);
    out.push(label.length, ...codes);
  }
  out.push(0);
  return out;
}

/** Pads `body` (without type and length octets) to a multiple of 8 with the header and returns the option. */
function frame(type: number, body: Uint8Array | number[]): Uint8Array {
  const total = Math.ceil((body.length + 2) / 8) * 8;
  if (total / 8 > 255) throw new NdEncodeError(`option ${type}`, `${total} octets exceed the 2040-octet option limit`);
  const out = new Uint8Array(total);
  out[0] = type;
  out[1] = total / 8;
  out.set(body, 2);
  return out;
}

/** Encodes one option into its wire form (length a multiple of 8 octets). */
export function encodeOption(option: NdOption): Uint8Array {
  switch (option.kind) {
    case 'source-link-layer-address': {
      let bytes: Uint8Array;
      try {
        bytes = linkLayerToBytes(option.address);
      } catch (error) {
        throw new NdEncodeError('source-link-layer-address.address', (error as Error).message);
      }
      return frame(OptionType.SourceLinkLayerAddress, bytes);
    }
    case 'mtu': {
      checkU32('mtu.mtu', option.mtu);
      const out = frame(OptionType.Mtu, new Uint8Array(6));
      new DataView(out.buffer).setUint32(4, option.mtu);
      return out;
    }
    case 'prefix-information': {
      checkPrefixLength('prefix-information.prefixLength', option.prefixLength);
      checkU32('prefix-information.validLifetime', option.validLifetime);
      checkU32('prefix-information.preferredLifetime', option.preferredLifetime);
      const prefix = address('prefix-information.prefix', option.prefix);
      const out = frame(OptionType.PrefixInformation, new Uint8Array(30));
      const view = new DataView(out.buffer);
      out[2] = option.prefixLength;
      out[3] = (option.onLink ? 0x80 : 0) | (option.autonomous ? 0x40 : 0) | (option.routerAddress ? 0x20 : 0);
      view.setUint32(4, option.validLifetime);
      view.setUint32(8, option.preferredLifetime);
      out.set(prefix, 16);
      return out;
    }
    case 'route-information': {
      checkPrefixLength('route-information.prefixLength', option.prefixLength);
      checkU32('route-information.lifetime', option.lifetime);
      const prefix = maskPrefix(address('route-information.prefix', option.prefix), option.prefixLength);
      // RFC 4191 §2.3: the shortest length that holds the prefix.
      const prefixOctets = option.prefixLength === 0 ? 0 : option.prefixLength <= 64 ? 8 : 16;
      const out = frame(OptionType.RouteInformation, new Uint8Array(6 + prefixOctets));
      out[2] = option.prefixLength;
      out[3] = encodePreference(option.preference) << 3;
      new DataView(out.buffer).setUint32(4, option.lifetime);
      out.set(prefix.subarray(0, prefixOctets), 8);
      return out;
    }
    case 'rdnss': {
      checkU32('rdnss.lifetime', option.lifetime);
      if (option.servers.length === 0)
        throw new NdEncodeError('rdnss.servers', 'at least one server is required (RFC 8106 §5.1)');
      const out = frame(OptionType.RecursiveDnsServer, new Uint8Array(6 + 16 * option.servers.length));
      new DataView(out.buffer).setUint32(4, option.lifetime);
      option.servers.forEach((server, i) => out.set(address(`rdnss.servers[${i}]`, server), 8 + 16 * i));
      return out;
    }
    case 'dnssl': {
      checkU32('dnssl.lifetime', option.lifetime);
      if (option.domains.length === 0)
        throw new NdEncodeError('dnssl.domains', 'at least one domain is required (RFC 8106 §5.2)');
      const names = option.domains.flatMap((domain, i) => encodeDomainName(`dnssl.domains[${i}]`, domain));
      const out = frame(OptionType.DnsSearchList, [0, 0, 0, 0, 0, 0, ...names]);
      new DataView(out.buffer).setUint32(4, option.lifetime);
      return out;
    }
    case 'pref64': {
      const code = pref64Lengths.indexOf(option.prefixLength);
      if (code < 0)
        throw new NdEncodeError(
          'pref64.prefixLength',
          `${option.prefixLength} is not one of 32, 40, 48, 56, 64, 96 (RFC 8781 §4)`,
        );
      // RFC 8781 §4: lifetime in units of 8 seconds, 13 bits; round up so the prefix does not expire early.
      const scaled = Math.ceil(option.lifetime / 8);
      if (!Number.isInteger(option.lifetime) || option.lifetime < 0 || scaled > 0x1fff) {
        throw new NdEncodeError('pref64.lifetime', `${option.lifetime} s is not 0..65528 (RFC 8781 §4)`);
      }
      const prefix = maskPrefix(address('pref64.prefix', option.prefix), option.prefixLength);
      const out = frame(OptionType.Pref64, new Uint8Array(14));
      new DataView(out.buffer).setUint16(2, (scaled << 3) | code);
      out.set(prefix.subarray(0, 12), 4);
      return out;
    }
    case 'captive-portal': {
      const uri = new TextEncoder().encode(option.uri);
      if (uri.includes(0)) throw new NdEncodeError('captive-portal.uri', 'contains a NUL character');
      return frame(OptionType.CaptivePortal, uri);
    }
    case 'unknown': {
      if (!Number.isInteger(option.type) || option.type < 0 || option.type > 255)
        throw new NdEncodeError('unknown.type', `${option.type} is not an octet`);
      if ((option.body.length + 2) % 8 !== 0)
        throw new NdEncodeError('unknown.body', `${option.body.length} + 2 octets is not a multiple of 8`);
      return frame(option.type, option.body);
    }
  }
}
