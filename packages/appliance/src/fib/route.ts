import { IPv4, IPv4CidrRange, IPv6, IPv6CidrRange, collapseIPv6Number } from 'ip-num';

/** A route Cairn owns in the kernel's forwarding table. */
export interface FibRoute {
  /** Destination in CIDR form with host bits zero, e.g. `202.38.80.32/28` or `2a02:1810:248b:3b0b::/64`. */
  prefix: string;
  /** One next hop, or several for ECMP. */
  nextHops: FibNextHop[];
}

export interface FibNextHop {
  gateway: string;
  /** Outgoing interface index; the kernel resolves it from the gateway when omitted. */
  ifindex?: number;
}

export interface ParsedPrefix {
  family: 4 | 6;
  address: Buffer;
  length: number;
}

/** Parses a CIDR prefix, rejecting host bits (`202.38.80.17/28` is an address, not a route). */
export function parsePrefix(prefix: string): ParsedPrefix {
  const [address, lengthText] = prefix.split('/');
  const length = Number(lengthText);
  if (address === undefined || !Number.isInteger(length)) throw new Error(`not a CIDR prefix: ${prefix}`);
  const family = address.includes(':') ? 6 : 4;
  const range = family === 4 ? IPv4CidrRange.fromCidr(prefix) : IPv6CidrRange.fromCidr(prefix);
  const first = range.getFirst().toString();
  const bytes = addressBytes(address);
  if (!bytes.equals(addressBytes(first))) throw new Error(`prefix ${prefix} has host bits set; did you mean ${first}/${length}?`);
  return { family, address: bytes, length };
}

/** The 4 or 16 network-order bytes of an IPv4 or IPv6 address. */
export function addressBytes(address: string): Buffer {
  if (address.includes(':')) {
    const value = IPv6.fromString(address).getValue();
    const bytes = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) bytes[i] = Number((value >> BigInt(8 * (15 - i))) & 0xffn);
    return bytes;
  }
  const value = IPv4.fromString(address).getValue();
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(Number(value));
  return bytes;
}

/** Canonical text of an address given as bytes (IPv6 compressed per RFC 5952, as `ip` prints it). */
export function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return collapseIPv6Number(groups.join(':'));
}

/** Identity of a route in the table: the prefix. */
export function routeKey(route: FibRoute): string {
  const { family, address, length } = parsePrefix(route.prefix);
  return `${family}|${formatAddress(address)}/${length}`;
}

/**
 * Whether the kernel's next hops (`installed`) already are the `desired` ones: the same gateways in any
 * order, and the same interface where `desired` names one (the kernel always reports the interface it
 * resolved, so an unnamed interface matches any).
 */
export function nextHopsSatisfy(installed: FibNextHop[], desired: FibNextHop[]): boolean {
  if (installed.length !== desired.length) return false;
  const byGateway = new Map(installed.map((hop) => [formatAddress(addressBytes(hop.gateway)), hop]));
  return desired.every((hop) => {
    const match = byGateway.get(formatAddress(addressBytes(hop.gateway)));
    return match !== undefined && (hop.ifindex === undefined || hop.ifindex === match.ifindex);
  });
}
