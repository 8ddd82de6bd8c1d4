// Address text ⇄ bytes comes from the BGP codec's helpers, so both sides of the FIB agree on spelling.
import { AFI, formatAddress, parseAddress, parsePrefix as parseBgpPrefix } from '@cairn/bgp';

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
  const parsed = parseBgpPrefix(prefix);
  return { family: parsed.afi === AFI.IPV4 ? 4 : 6, address: Buffer.from(parsed.address), length: parsed.length };
}

/** The 4 or 16 network-order bytes of an IPv4 or IPv6 address. */
export function addressBytes(address: string): Buffer {
  return Buffer.from(parseAddress(address));
}

/** Canonical text of an address given as bytes (IPv6 compressed per RFC 5952, as `ip` prints it). */
export { formatAddress };

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
