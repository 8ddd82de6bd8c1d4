// Binary socket addresses (sockaddr_in, sockaddr_in6, sockaddr_storage) for libc calls.
import { isIPv4, isIPv6 } from 'node:net';
import { IPv6 } from 'ip-num';

export const AF_INET = 2;
export const AF_INET6 = 10;

/** The 4 or 16 bytes of a textual IPv4 or IPv6 address. */
export function addressBytes(address: string): Uint8Array {
  if (isIPv4(address)) return Uint8Array.from(address.split('.').map(Number));
  if (!isIPv6(address)) throw new TypeError(`not an IP address: ${address}`);
  let value = new IPv6(address).getValue();
  const bytes = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

export function familyOf(address: string): typeof AF_INET | typeof AF_INET6 {
  return isIPv4(address) ? AF_INET : AF_INET6;
}

/** sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes) for `address`:`port`, written into `into` (at least that size). */
export function writeSockaddr(into: Buffer, address: string, port: number): number {
  const family = familyOf(address);
  into.fill(0, 0, family === AF_INET ? 16 : 28);
  into.writeUInt16LE(family, 0); // sa_family_t, host order (little-endian on the platforms Cairn runs on)
  into.writeUInt16BE(port, 2);
  into.set(addressBytes(address), family === AF_INET ? 4 : 8);
  return family === AF_INET ? 16 : 28;
}

export function sockaddr(address: string, port: number): Buffer {
  const buffer = Buffer.alloc(28);
  const length = writeSockaddr(buffer, address, port);
  return buffer.subarray(0, length);
}
