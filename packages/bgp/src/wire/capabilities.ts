// Capabilities Optional Parameter (RFC 5492 §4): encode/decode of the Capability union in types.ts.
// A capability Cairn does not know, or a known one whose value is malformed, is kept as raw bytes
// (`{ code, raw }`) rather than rejected: RFC 5492 §3 leaves unknown capabilities to be ignored.
import { BgpEncodeError } from './errors.js';
import { CAPABILITY } from './types.js';
import type { AddPathDirection, Afi, Capability } from './types.js';
import { ByteWriter } from './writer.js';

const ADD_PATH_DIRECTION: Record<number, AddPathDirection> = { 1: 'receive', 2: 'send', 3: 'both' };
const ADD_PATH_VALUE: Record<AddPathDirection, number> = { receive: 1, send: 2, both: 3 };

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** Decodes one capability value; returns undefined when the value does not have the code's shape. */
function decodeKnown(code: number, v: Uint8Array): Capability | undefined {
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  switch (code) {
    case CAPABILITY.MULTIPROTOCOL: // RFC 4760 §8
      if (v.length !== 4) return undefined;
      return { code: 1, afi: dv.getUint16(0) as Afi, safi: v[3]! };
    case CAPABILITY.ROUTE_REFRESH: // RFC 2918 §2
      return v.length === 0 ? { code: 2 } : undefined;
    case CAPABILITY.EXTENDED_NEXT_HOP: {
      // RFC 8950 §3: (NLRI AFI 2, NLRI SAFI 2, Nexthop AFI 2) tuples
      if (v.length === 0 || v.length % 6 !== 0) return undefined;
      const entries: { afi: Afi; safi: number; nextHopAfi: Afi }[] = [];
      for (let o = 0; o < v.length; o += 6) {
        entries.push({
          afi: dv.getUint16(o) as Afi,
          safi: dv.getUint16(o + 2),
          nextHopAfi: dv.getUint16(o + 4) as Afi,
        });
      }
      return { code: 5, entries };
    }
    case CAPABILITY.EXTENDED_MESSAGE: // RFC 8654 §3
      return v.length === 0 ? { code: 6 } : undefined;
    case CAPABILITY.ROLE: // RFC 9234 §4.1
      return v.length === 1 ? { code: 9, role: v[0]! } : undefined;
    case CAPABILITY.GRACEFUL_RESTART: {
      // RFC 4724 §3: Restart Flags (4 bits) | Restart Time (12 bits), then (AFI, SAFI, flags) tuples
      if (v.length < 2 || (v.length - 2) % 4 !== 0) return undefined;
      const head = dv.getUint16(0);
      const families: { afi: Afi; safi: number; forwardingPreserved: boolean }[] = [];
      for (let o = 2; o < v.length; o += 4) {
        families.push({ afi: dv.getUint16(o) as Afi, safi: v[o + 2]!, forwardingPreserved: (v[o + 3]! & 0x80) !== 0 });
      }
      return {
        code: 64,
        restarting: (head & 0x8000) !== 0,
        notification: (head & 0x4000) !== 0, // RFC 8538 §2: N bit
        restartTime: head & 0x0fff,
        families,
      };
    }
    case CAPABILITY.FOUR_OCTET_AS: // RFC 6793 §3
      return v.length === 4 ? { code: 65, asn: dv.getUint32(0) } : undefined;
    case CAPABILITY.ADD_PATH: {
      // RFC 7911 §4: (AFI 2, SAFI 1, Send/Receive 1) tuples
      if (v.length === 0 || v.length % 4 !== 0) return undefined;
      const families: { afi: Afi; safi: number; direction: AddPathDirection }[] = [];
      for (let o = 0; o < v.length; o += 4) {
        const direction = ADD_PATH_DIRECTION[v[o + 3]!];
        if (!direction) return undefined;
        families.push({ afi: dv.getUint16(o) as Afi, safi: v[o + 2]!, direction });
      }
      return { code: 69, families };
    }
    case CAPABILITY.ENHANCED_ROUTE_REFRESH: // RFC 7313 §3.1
      return v.length === 0 ? { code: 70 } : undefined;
    case CAPABILITY.LONG_LIVED_GRACEFUL_RESTART: {
      // RFC 9494 §3: (AFI 2, SAFI 1, Flags 1, Long-lived Stale Time 3) tuples
      if (v.length % 7 !== 0) return undefined;
      const families: { afi: Afi; safi: number; forwardingPreserved: boolean; staleTime: number }[] = [];
      for (let o = 0; o < v.length; o += 7) {
        families.push({
          afi: dv.getUint16(o) as Afi,
          safi: v[o + 2]!,
          forwardingPreserved: (v[o + 3]! & 0x80) !== 0,
          staleTime: (v[o + 4]! << 16) | (v[o + 5]! << 8) | v[o + 6]!,
        });
      }
      return { code: 71, families };
    }
    case CAPABILITY.FQDN: {
      // draft-walton-bgp-hostname-capability §3: hostname length, hostname, domain length, domain
      if (v.length < 2) return undefined;
      const hostLength = v[0]!;
      if (1 + hostLength + 1 > v.length) return undefined;
      const domainLength = v[1 + hostLength]!;
      if (2 + hostLength + domainLength !== v.length) return undefined;
      return {
        code: 73,
        hostname: utf8.decode(v.subarray(1, 1 + hostLength)),
        domain: utf8.decode(v.subarray(2 + hostLength)),
      };
    }
    case CAPABILITY.SOFTWARE_VERSION: {
      // draft-abraitis-bgp-version-capability §3: version length, version (UTF-8), as FRR sends it
      if (v.length < 1 || v[0]! + 1 !== v.length) return undefined;
      return { code: 75, version: utf8.decode(v.subarray(1)) };
    }
    default:
      return undefined;
  }
}

/** Decodes one capability (code, value). Never throws: unknown or malformed values come back raw. */
export function decodeCapability(code: number, value: Uint8Array): Capability {
  return decodeKnown(code, value) ?? { code, raw: value.slice() };
}

/**
 * Decodes the value of a Capabilities Optional Parameter (RFC 5492 §4): a sequence of
 * (code 1, length 1, value) triples. Returns undefined when a length overruns the parameter.
 */
export function decodeCapabilities(value: Uint8Array): Capability[] | undefined {
  const out: Capability[] = [];
  let o = 0;
  while (o < value.length) {
    if (o + 2 > value.length) return undefined;
    const code = value[o]!;
    const length = value[o + 1]!;
    if (o + 2 + length > value.length) return undefined;
    out.push(decodeCapability(code, value.subarray(o + 2, o + 2 + length)));
    o += 2 + length;
  }
  return out;
}

function checkRange(what: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new BgpEncodeError(`${what} must be an integer 0..${max}, got ${value}`);
  return value;
}

function writeString(w: ByteWriter, text: string, what: string): void {
  const bytes = utf8Encoder.encode(text);
  if (bytes.length > 255) throw new BgpEncodeError(`${what} is ${bytes.length} bytes of UTF-8; at most 255 fit`);
  w.u8(bytes.length).bytes(bytes);
}

/** The value bytes of one capability (without code and length). */
export function encodeCapabilityValue(capability: Capability): Uint8Array {
  const w = new ByteWriter(32);
  if ('raw' in capability) return capability.raw;
  const c = capability as Exclude<Capability, { raw: Uint8Array }>;
  switch (c.code) {
    case 1:
      w.u16(checkRange('AFI', c.afi, 0xffff))
        .u8(0)
        .u8(checkRange('SAFI', c.safi, 0xff));
      break;
    case 2:
    case 6:
    case 70:
      break;
    case 5:
      for (const e of c.entries)
        w.u16(e.afi)
          .u16(checkRange('SAFI', e.safi, 0xffff))
          .u16(e.nextHopAfi);
      break;
    case 9:
      w.u8(checkRange('BGP role', c.role, 0xff));
      break;
    case 64:
      w.u16(
        (c.restarting ? 0x8000 : 0) | (c.notification ? 0x4000 : 0) | checkRange('restart time', c.restartTime, 0x0fff),
      );
      for (const f of c.families)
        w.u16(f.afi)
          .u8(checkRange('SAFI', f.safi, 0xff))
          .u8(f.forwardingPreserved ? 0x80 : 0);
      break;
    case 65:
      w.u32(checkRange('ASN', c.asn, 0xffffffff));
      break;
    case 69:
      for (const f of c.families)
        w.u16(f.afi)
          .u8(checkRange('SAFI', f.safi, 0xff))
          .u8(ADD_PATH_VALUE[f.direction]);
      break;
    case 71:
      for (const f of c.families) {
        const stale = checkRange('long-lived stale time', f.staleTime, 0xffffff);
        w.u16(f.afi)
          .u8(checkRange('SAFI', f.safi, 0xff))
          .u8(f.forwardingPreserved ? 0x80 : 0);
        w.u8(stale >>> 16)
          .u8((stale >>> 8) & 0xff)
          .u8(stale & 0xff);
      }
      break;
    case 73:
      writeString(w, c.hostname, 'FQDN hostname');
      writeString(w, c.domain, 'FQDN domain');
      break;
    case 75:
      writeString(w, c.version, 'software version');
      break;
  }
  return w.finish();
}

/** Writes (code, length, value) for each capability — the value of a Capabilities parameter. */
export function encodeCapabilities(capabilities: readonly Capability[]): Uint8Array {
  const w = new ByteWriter(64);
  for (const capability of capabilities) {
    const value = encodeCapabilityValue(capability);
    if (value.length > 255)
      throw new BgpEncodeError(`capability ${capability.code} value is ${value.length} bytes; at most 255 fit`);
    w.u8(checkRange('capability code', capability.code, 0xff))
      .u8(value.length)
      .bytes(value);
  }
  return w.finish();
}
