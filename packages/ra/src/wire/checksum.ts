import { ipv6ToBytes } from './address.js';

/**
 * RFC 4443 §2.3 ICMPv6 checksum over the RFC 8200 §8.1 pseudo-header. The kernel computes it for raw
 * ICMPv6 sockets; this is for checking captured packets and crafting test traffic.
 */
export function icmpv6Checksum(source: string, destination: string, message: Uint8Array): number {
  const pseudo = new Uint8Array(40);
  pseudo.set(ipv6ToBytes(source), 0);
  pseudo.set(ipv6ToBytes(destination), 16);
  new DataView(pseudo.buffer).setUint32(32, message.length);
  pseudo[39] = 58; // next header: ICMPv6
  let sum = 0;
  const add = (bytes: Uint8Array, skipChecksum: boolean) => {
    for (let i = 0; i < bytes.length; i += 2) {
      if (skipChecksum && i === 2) continue;
      sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
    }
  };
  add(pseudo, false);
  add(message, true);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
