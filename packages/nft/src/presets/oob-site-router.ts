// The out-of-band site router's stateful filter, rendered from the MikroTik `/ipv6 firewall filter`
// export in reference/oob-network-with-cloudstack.txt ("Firewalling"), rule for rule and in order,
// plus the same policy for the rack IPv4 /24s.
//
// MikroTik `port=` matches the source OR the destination port; nft has no "either port" match, so
// each such rule becomes two rules (destination port, then source port) with ids ending -dport/-sport.
// MikroTik `packet-size=` is the whole IP packet, i.e. `meta length`.
import type { AddressList, Chain, FirewallPolicy, IpVersion, Rule, Statement, Table } from '../model.js';
import { ACCEPT, destination, icmpProtocol, ports, source } from './statements.js';

/** The address lists of the reference router (names as in the MikroTik export). */
export interface OobAddressLists {
  /** `local-ipv6`: the site aggregate (reference: 2001:5ad0::/48); for IPv4 the rack /24s. */
  local: readonly string[];
  /** `management`: trusted management sources (reference: 2a0c:8e90:400::/40). */
  management: readonly string[];
  /** `monitoring`: monitoring servers (reference: 2001:db8:100::/64). */
  monitoring: readonly string[];
  /** `BGP`: BGP/BFD peers of the site router. */
  bgp: readonly string[];
  /** `CloudStack`: CloudStack management servers (reach IPMI/Redfish over HTTP/HTTPS for fencing). */
  cloudstack: readonly string[];
}

export interface OobSiteRouterInput {
  ipv6: OobAddressLists;
  /** The rack IPv4 /24s and the IPv4 lists; omit for an IPv6-only router. */
  ipv4?: OobAddressLists;
  /** Table names (default `oob_filter` in both families). */
  tableName?: string;
  /** Send logged packets to nfnetlink_log group N (readable with `tshark -i nflog:N`) instead of the kernel log. */
  logGroup?: number;
  /** Rate-limit logging (the reject itself is never limited); logging then is its own rule before the reject. */
  logRate?: { rate: number; per: 'second' | 'minute' };
}

interface Names {
  local: string;
  management: string;
  monitoring: string;
  bgp: string;
  cloudstack: string;
}

function names(version: IpVersion): Names {
  return {
    local: version === 6 ? 'local-ipv6' : 'local-ipv4',
    management: 'management',
    monitoring: 'monitoring',
    bgp: 'BGP',
    cloudstack: 'CloudStack',
  };
}

function lists(version: IpVersion, input: OobAddressLists): AddressList[] {
  const n = names(version);
  return [
    { name: n.local, version, elements: input.local },
    { name: n.management, version, elements: input.management },
    { name: n.monitoring, version, elements: input.monitoring },
    { name: n.bgp, version, elements: input.bgp },
    { name: n.cloudstack, version, elements: input.cloudstack },
  ];
}

/** MikroTik `port=N`: one rule on the destination port and one on the source port. */
function eitherPort(id: string, protocol: 'tcp' | 'udp', port: number, rest: Rule['match'], then: Statement[]): Rule[] {
  return [
    { id: `${id}-dport`, match: [...(rest ?? []), ports(protocol, 'destination', [port])], then },
    { id: `${id}-sport`, match: [...(rest ?? []), ports(protocol, 'source', [port])], then },
  ];
}

/** `action=reject log=yes log-prefix=… reject-with=icmp-admin-prohibited`. */
function logAndReject(id: string, version: IpVersion, prefix: string, input: OobSiteRouterInput): Rule[] {
  const log: Statement = { kind: 'log', prefix, ...(input.logGroup !== undefined ? { group: input.logGroup } : {}) };
  const reject: Statement = {
    kind: 'reject',
    with: version === 6 ? { icmpv6: 'admin-prohibited' } : { icmp: 'admin-prohibited' },
  };
  if (!input.logRate) return [{ id, then: [{ kind: 'counter' }, log, reject] }];
  return [
    { id: `${id}-log`, then: [{ kind: 'limit', rate: input.logRate.rate, per: input.logRate.per }, log] },
    { id, then: [{ kind: 'counter' }, reject] },
  ];
}

function inputChain(version: IpVersion, input: OobSiteRouterInput): Chain {
  const n = names(version);
  const v = version === 6 ? 'ipv6' : 'ipv4';
  return {
    name: 'input',
    base: { type: 'filter', hook: 'input', priority: 0, policy: 'drop' },
    rules: [
      // comment="MikroTik own connections"
      {
        id: 'in-own-connections',
        match: [{ kind: 'ct-state', states: ['established', 'related', 'untracked'] }],
        then: [ACCEPT],
      },
      // "ICMP is essential for IPv6 and allowed" (RFC 4890 §4.4: ND, RA, PMTUD to the router itself).
      { id: `in-icmp`, match: [icmpProtocol(version)], then: [ACCEPT] },
      ...eitherPort('in-bgp', 'tcp', 179, [source(version, { list: n.bgp })], [ACCEPT]), // BGP, RFC 4271 §8
      ...eitherPort('in-bfd', 'udp', 3784, [source(version, { list: n.bgp })], [ACCEPT]), // BFD single hop, RFC 5881 §4
      {
        id: 'in-management',
        match: [source(version, { list: n.management }), ports('tcp', 'destination', [22, 443, 1194])],
        then: [ACCEPT],
      },
      {
        id: 'in-monitoring-ssh',
        match: [source(version, { list: n.monitoring }), ports('tcp', 'destination', [22])],
        then: [ACCEPT],
      },
      {
        id: 'in-monitoring-snmp',
        match: [source(version, { list: n.monitoring }), ports('udp', 'destination', [161])],
        then: [ACCEPT],
      },
      {
        id: 'in-local-established',
        match: [{ kind: 'ct-state', states: ['established', 'related'] }, source(version, { list: n.local })],
        then: [ACCEPT],
      },
      ...logAndReject('in-reject', version, `${v} input drop: `, input),
    ],
  };
}

function forwardChain(version: IpVersion, input: OobSiteRouterInput): Chain {
  const n = names(version);
  const v = version === 6 ? 'ipv6' : 'ipv4';
  const local = destination(version, { list: n.local });
  const fromLocal = source(version, { list: n.local });
  const monitoring = source(version, { list: n.monitoring });
  return {
    name: 'forward',
    base: { type: 'filter', hook: 'forward', priority: 0, policy: 'drop' },
    rules: [
      { id: 'fwd-icmp', match: [icmpProtocol(version)], then: [ACCEPT] },
      { id: 'fwd-management', match: [source(version, { list: n.management }), local], then: [ACCEPT] },
      ...eitherPort('fwd-monitoring-ssh', 'tcp', 22, [monitoring, local], [ACCEPT]),
      ...eitherPort('fwd-monitoring-snmp', 'udp', 161, [monitoring, local], [ACCEPT]),
      // Zabbix agent replies (src-port=10051).
      { id: 'fwd-monitoring-zabbix', match: [monitoring, local, ports('tcp', 'source', [10051])], then: [ACCEPT] },
      { id: 'fwd-from-local', match: [fromLocal], then: [ACCEPT] },
      {
        id: 'fwd-local-established',
        match: [{ kind: 'ct-state', states: ['established', 'related'] }, local],
        then: [ACCEPT],
      },
      {
        id: 'fwd-dns-udp-out',
        match: [fromLocal, destination(version, { list: n.local }, true), ports('udp', 'destination', [53])],
        then: [ACCEPT],
      },
      {
        id: 'fwd-dns-tcp-out',
        match: [fromLocal, destination(version, { list: n.local }, true), ports('tcp', 'destination', [53])],
        then: [ACCEPT],
      },
      { id: 'fwd-dns-udp-back', match: [local, ports('udp', 'source', [53])], then: [ACCEPT] },
      { id: 'fwd-dns-tcp-back', match: [local, ports('tcp', 'source', [53])], then: [ACCEPT] },
      // NTP replies to local devices, at most 512 bytes (packet-size=0-512: guards against NTP amplification).
      {
        id: 'fwd-ntp',
        match: [
          local,
          ports('udp', 'source', [123]),
          ports('udp', 'destination', [123]),
          { kind: 'length', min: 0, max: 512 },
        ],
        then: [ACCEPT],
      },
      {
        id: 'fwd-cloudstack-http',
        match: [source(version, { list: n.cloudstack }), local, ports('tcp', 'destination', [80, 443])],
        then: [ACCEPT],
      },
      ...logAndReject('fwd-reject', version, `${v} forward drop: `, input),
    ],
  };
}

function table(version: IpVersion, lists_: OobAddressLists, input: OobSiteRouterInput): Table {
  return {
    family: version === 6 ? 'ip6' : 'ip',
    name: input.tableName ?? 'oob_filter',
    addressLists: lists(version, lists_),
    chains: [inputChain(version, input), forwardChain(version, input)],
  };
}

/** The OOB site router's filter: an `ip6` table (and an `ip` table when `ipv4` is given). */
export function oobSiteRouterPolicy(input: OobSiteRouterInput): FirewallPolicy {
  return { tables: [table(6, input.ipv6, input), ...(input.ipv4 ? [table(4, input.ipv4, input)] : [])] };
}

/** The lists exactly as the reference router exports them, with example BGP peers and CloudStack servers. */
export const REFERENCE_OOB_INPUT: OobSiteRouterInput = {
  ipv6: {
    local: ['2001:5ad0::/48'],
    management: ['2a0c:8e90:400::/40'],
    monitoring: ['2001:db8:100::/64'],
    bgp: ['2a00:8a84:97f::1'],
    cloudstack: ['2001:db8:200::/64'],
  },
  ipv4: {
    local: [
      '172.17.128.0/24',
      '172.17.129.0/24',
      '172.17.130.0/24',
      '172.17.131.0/24',
      '172.17.132.0/24',
      '172.17.133.0/24',
      '172.17.134.0/24',
    ],
    management: ['192.0.2.0/24'],
    monitoring: ['198.51.100.10'],
    bgp: ['203.0.113.1'],
    cloudstack: ['198.51.100.20'],
  },
};
