// Small helpers shared by the presets.
import type { IcmpRejectCode, IpVersion, Match, Statement } from '../model.js';

export const ACCEPT: Statement = { kind: 'accept' };

/** How a preset turns away traffic its policy does not allow. */
export type Blocked = 'drop' | { reject: IcmpRejectCode };

/** The statements that block a packet: drop, or reject with the ICMP (v4) / ICMPv6 (v6) code. */
export function blockStatements(version: IpVersion, blocked: Blocked): Statement[] {
  if (blocked === 'drop') return [{ kind: 'drop' }];
  return [{ kind: 'reject', with: version === 4 ? { icmp: blocked.reject } : { icmpv6: blocked.reject } }];
}

export function source(
  version: IpVersion,
  spec: { list: string } | { prefixes: readonly string[] },
  negate = false,
): Match {
  return { kind: 'address', direction: 'source', version, ...spec, ...(negate ? { negate } : {}) };
}

export function destination(
  version: IpVersion,
  spec: { list: string } | { prefixes: readonly string[] },
  negate = false,
): Match {
  return { kind: 'address', direction: 'destination', version, ...spec, ...(negate ? { negate } : {}) };
}

export function ports(
  protocol: 'tcp' | 'udp',
  direction: 'source' | 'destination',
  list: readonly (number | readonly [number, number])[],
): Match {
  return { kind: 'port', protocol, direction, ports: list };
}

/** The ICMP protocol of an IP version, as `meta l4proto` names it. */
export function icmpProtocol(version: IpVersion): Match {
  return { kind: 'protocol', protocol: version === 4 ? 'icmp' : 'ipv6-icmp' };
}
