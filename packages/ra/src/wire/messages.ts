import { NdDecodeError, NdEncodeError } from './errors.js';
import {
  decodeOptions,
  decodePreference,
  encodeOption,
  encodePreference,
  type NdOption,
  type RoutePreference,
} from './options.js';

/** ICMPv6 message types of router discovery (RFC 4861 §4.1, §4.2). */
export const IcmpType = { RouterSolicitation: 133, RouterAdvertisement: 134 } as const;

/** RFC 4861 §4.1 Router Solicitation. */
export interface RouterSolicitation {
  type: 'router-solicitation';
  /** ICMP code; anything but 0 makes the message invalid (§6.1.1), kept so the validator can say so. */
  code: number;
  options: NdOption[];
}

/** RFC 4861 §4.2 Router Advertisement (flags from RFC 4861, RFC 3775 H, RFC 4191 Prf, RFC 4389 P). */
export interface RouterAdvertisement {
  type: 'router-advertisement';
  code: number;
  /** 0 = unspecified by this router. */
  curHopLimit: number;
  managed: boolean;
  otherConfig: boolean;
  homeAgent: boolean;
  /** RFC 4191 §2.2 Default Router Preference. */
  preference: RoutePreference;
  proxy: boolean;
  /** Seconds; 0 = not a default router (RFC 4861 §4.2). */
  routerLifetime: number;
  /** Milliseconds; 0 = unspecified. */
  reachableTime: number;
  /** Milliseconds; 0 = unspecified. */
  retransTimer: number;
  options: NdOption[];
}

export type RouterDiscoveryMessage = RouterSolicitation | RouterAdvertisement;

const RS_HEADER = 8;
const RA_HEADER = 16;

/**
 * Decodes an ICMPv6 Router Solicitation or Advertisement (the ICMPv6 header onwards, as a raw socket
 * delivers it). The checksum is not verified here: the kernel verifies it for raw ICMPv6 sockets.
 * Throws only `NdDecodeError`.
 */
export function decodeMessage(bytes: Uint8Array): RouterDiscoveryMessage {
  if (bytes.length < 4)
    throw new NdDecodeError('truncated', `${bytes.length} octets is shorter than an ICMPv6 header`, 0);
  const type = bytes[0]!;
  const code = bytes[1]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === IcmpType.RouterSolicitation) {
    // RFC 4861 §6.1.1: ICMP length (derived from the IP length) is 8 or more octets.
    if (bytes.length < RS_HEADER)
      throw new NdDecodeError('truncated', `Router Solicitation of ${bytes.length} octets (< 8)`, 0);
    return { type: 'router-solicitation', code, options: decodeOptions(bytes, RS_HEADER) };
  }
  if (type === IcmpType.RouterAdvertisement) {
    // RFC 4861 §6.1.2: ICMP length is 16 or more octets.
    if (bytes.length < RA_HEADER)
      throw new NdDecodeError('truncated', `Router Advertisement of ${bytes.length} octets (< 16)`, 0);
    const flags = bytes[5]!;
    return {
      type: 'router-advertisement',
      code,
      curHopLimit: bytes[4]!,
      managed: (flags & 0x80) !== 0,
      otherConfig: (flags & 0x40) !== 0,
      homeAgent: (flags & 0x20) !== 0,
      preference: decodePreference(flags >> 3),
      proxy: (flags & 0x04) !== 0,
      routerLifetime: view.getUint16(6),
      reachableTime: view.getUint32(8),
      retransTimer: view.getUint32(12),
      options: decodeOptions(bytes, RA_HEADER),
    };
  }
  throw new NdDecodeError(
    'unsupported-message',
    `ICMPv6 type ${type} is not a Router Solicitation (133) or Advertisement (134)`,
    0,
  );
}

function checkRange(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new NdEncodeError(field, `${value} is not an integer 0..${max}`);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Encodes a Router Solicitation or Advertisement with a zero checksum: the kernel fills the checksum in
 * for raw ICMPv6 sockets (RFC 3542 §3.1). Throws only `NdEncodeError`.
 */
export function encodeMessage(message: RouterDiscoveryMessage): Uint8Array {
  checkRange('code', message.code, 255);
  const options = message.options.map(encodeOption);
  if (message.type === 'router-solicitation') {
    const header = new Uint8Array(RS_HEADER);
    header[0] = IcmpType.RouterSolicitation;
    header[1] = message.code;
    return concat([header, ...options]);
  }
  checkRange('curHopLimit', message.curHopLimit, 255);
  checkRange('routerLifetime', message.routerLifetime, 0xffff);
  checkRange('reachableTime', message.reachableTime, 0xffffffff);
  checkRange('retransTimer', message.retransTimer, 0xffffffff);
  const header = new Uint8Array(RA_HEADER);
  const view = new DataView(header.buffer);
  header[0] = IcmpType.RouterAdvertisement;
  header[1] = message.code;
  header[4] = message.curHopLimit;
  header[5] =
    (message.managed ? 0x80 : 0) |
    (message.otherConfig ? 0x40 : 0) |
    (message.homeAgent ? 0x20 : 0) |
    (encodePreference(message.preference) << 3) |
    (message.proxy ? 0x04 : 0);
  view.setUint16(6, message.routerLifetime);
  view.setUint32(8, message.reachableTime);
  view.setUint32(12, message.retransTimer);
  return concat([header, ...options]);
}
