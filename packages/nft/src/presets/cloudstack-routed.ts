// Apache CloudStack 4.20 ROUTED network mode, in the nftables layout the VR uses and CloudStack's own
// checks read (reference/cloudstack-routed-mode.txt, "IPv4 Routing firewall" / "IPv6 firewall"):
//   ip  ip4_firewall  INPUT FORWARD OUTPUT fw_chain_egress fw_chain_ingress   (isolated networks)
//   ip  ip4_acl       INPUT FORWARD OUTPUT ethN_egress_policy ethN_ingress_policy   (VPC tiers)
//   ip6 ip6_firewall  fw_input fw_forward fw_chain_egress fw_chain_ingress
//   ip6 ip6_acl       acl_input acl_forward ethN_egress_policy ethN_ingress_policy
// FORWARD jumps per guest CIDR (`ip daddr <cidr> jump fw_chain_ingress`, `ip saddr <cidr> jump
// fw_chain_egress`), exactly the rule text CloudStack's integration tests grep for with
// `nft list chain ip ip4_firewall FORWARD`; rules render as `ip saddr <cidr> ip daddr 0.0.0.0/0 tcp dport 22 accept`.
import type { Chain, FirewallPolicy, IpVersion, Match, Rule, Statement, Table } from '../model.js';
import { ACCEPT, type Blocked, blockStatements, destination, icmpProtocol, ports, source } from './statements.js';

export type CloudStackProtocol = 'tcp' | 'udp' | 'icmp' | 'all';

/** A routing firewall rule as CloudStack's API holds it (createRoutingFirewallRule / createIpv6FirewallRule). */
export interface CloudStackFirewallRule {
  trafficType: 'Ingress' | 'Egress';
  ipVersion: IpVersion;
  protocol: CloudStackProtocol;
  /** `cidrlist`: sources (default any). */
  sourceCidrs?: readonly string[];
  /** `destcidrlist`: destinations (default any). */
  destinationCidrs?: readonly string[];
  startPort?: number;
  endPort?: number;
  /** -1 or absent: every ICMP type. */
  icmpType?: number;
  /** -1 or absent: every code. */
  icmpCode?: number;
}

/** A VPC network ACL item (createNetworkACL): numbered, allow or deny. */
export interface CloudStackAclRule {
  number: number;
  trafficType: 'Ingress' | 'Egress';
  action: 'Allow' | 'Deny';
  ipVersion: IpVersion;
  protocol: CloudStackProtocol;
  /** Ingress: sources; Egress: destinations (default any). */
  cidrs?: readonly string[];
  startPort?: number;
  endPort?: number;
  icmpType?: number;
  icmpCode?: number;
}

export interface CloudStackVpcTier {
  /** The VR's interface of the tier (`eth2`), which names the chains `eth2_ingress_policy`/`eth2_egress_policy`. */
  device: string;
  cidr4?: string;
  cidr6?: string;
  acl: readonly CloudStackAclRule[];
}

export interface CloudStackRoutedInput {
  /** Isolated routed guest networks served by this VR (reference: 202.38.80.16/28 and its /64). */
  guestNetworks: readonly { cidr4?: string; cidr6?: string }[];
  firewallRules: readonly CloudStackFirewallRule[];
  /** The network offering's default egress policy. With allow, egress rules block; with deny, they allow. */
  defaultEgress: 'allow' | 'deny';
  /** The VR's BGP peers (dynamic routing); their BGP (tcp/179) and BFD (udp/3784) reach the VR. */
  bgpPeers: readonly string[];
  vpcTiers?: readonly CloudStackVpcTier[];
  /** How denied traffic is turned away (default drop, as the VR does). */
  blocked?: Blocked;
  /**
   * How FORWARD picks the chain of a guest network or tier: `jump-rules` (default) writes the two rules
   * per CIDR that CloudStack's own checks grep for; `verdict-map` uses one `ip daddr vmap` and one
   * `ip saddr vmap` lookup however many networks the VR serves.
   */
  dispatch?: 'jump-rules' | 'verdict-map';
}

const ANY: Record<IpVersion, string> = { 4: '0.0.0.0/0', 6: '::/0' };

function versionOf(address: string): IpVersion {
  return address.includes(':') ? 6 : 4;
}

function protocolMatches(
  version: IpVersion,
  rule: { protocol: CloudStackProtocol; startPort?: number; endPort?: number; icmpType?: number; icmpCode?: number },
): Match[] {
  if (rule.protocol === 'all') return [];
  if (rule.protocol === 'icmp') {
    const type = rule.icmpType ?? -1;
    const code = rule.icmpCode ?? -1;
    if (type < 0) return [icmpProtocol(version)];
    return [{ kind: 'icmp', version, types: [type], ...(code >= 0 ? { code } : {}) }];
  }
  if (rule.startPort === undefined) return [{ kind: 'protocol', protocol: rule.protocol }];
  const end = rule.endPort ?? rule.startPort;
  return [ports(rule.protocol, 'destination', [end === rule.startPort ? rule.startPort : [rule.startPort, end]])];
}

function firewallRule(version: IpVersion, rule: CloudStackFirewallRule, index: number, then: Statement[]): Rule {
  return {
    id: `${rule.trafficType.toLowerCase()}-${index + 1}`,
    match: [
      source(version, { prefixes: rule.sourceCidrs ?? [ANY[version]] }),
      destination(version, { prefixes: rule.destinationCidrs ?? [ANY[version]] }),
      ...protocolMatches(version, rule),
    ],
    then,
  };
}

function established(id = 'established'): Rule {
  return { id, match: [{ kind: 'ct-state', states: ['established', 'related'] }], then: [ACCEPT] };
}

/** Dispatch of forwarded traffic to per-network chains, by destination (ingress) and source (egress). */
function dispatch(
  version: IpVersion,
  targets: readonly { cidr: string; ingress: string; egress: string; idPrefix?: string }[],
  style: 'jump-rules' | 'verdict-map',
): Rule[] {
  if (targets.length === 0) return [];
  if (style === 'verdict-map') {
    return [
      {
        id: 'to-guests',
        then: [
          {
            kind: 'dispatch',
            direction: 'destination',
            version,
            entries: targets.map((t) => ({ prefix: t.cidr, verdict: { jump: t.ingress } })),
          },
        ],
      },
      {
        id: 'from-guests',
        then: [
          {
            kind: 'dispatch',
            direction: 'source',
            version,
            entries: targets.map((t) => ({ prefix: t.cidr, verdict: { jump: t.egress } })),
          },
        ],
      },
    ];
  }
  return targets.flatMap((t) => [
    {
      id: `${t.idPrefix ?? ''}to-${t.cidr}`,
      match: [destination(version, { prefixes: [t.cidr] })],
      then: [{ kind: 'jump', chain: t.ingress } as Statement],
    },
    {
      id: `${t.idPrefix ?? ''}from-${t.cidr}`,
      match: [source(version, { prefixes: [t.cidr] })],
      then: [{ kind: 'jump', chain: t.egress } as Statement],
    },
  ]);
}

/** The VR's own routing protocols on input: BGP (RFC 4271 §8, tcp/179) and BFD (RFC 5881 §4, udp/3784) from its peers only. */
function routingProtocolRules(version: IpVersion, peers: readonly string[], blocked: Blocked): Rule[] {
  const mine = peers.filter((p) => versionOf(p) === version);
  const reset: Statement[] = blocked === 'drop' ? [{ kind: 'drop' }] : [{ kind: 'reject', with: 'tcp-reset' }];
  return [
    ...(mine.length > 0
      ? [
          {
            id: 'bgp-from-peers',
            match: [source(version, { prefixes: mine }), ports('tcp', 'destination', [179])],
            then: [ACCEPT],
          },
          {
            id: 'bfd-from-peers',
            match: [source(version, { prefixes: mine }), ports('udp', 'destination', [3784])],
            then: [ACCEPT],
          },
        ]
      : []),
    { id: 'bgp-others', match: [ports('tcp', 'destination', [179])], then: reset },
    { id: 'bfd-others', match: [ports('udp', 'destination', [3784])], then: blockStatements(version, blocked) },
  ];
}

/** RFC 4890 §4.3.1: ICMPv6 error messages that must not be dropped in transit. */
function icmpv6Errors(): Rule {
  return {
    id: 'icmpv6-errors',
    match: [
      {
        kind: 'icmp',
        version: 6,
        types: ['destination-unreachable', 'packet-too-big', 'time-exceeded', 'parameter-problem'],
      },
    ],
    then: [ACCEPT],
  };
}

function firewallChains(version: IpVersion, input: CloudStackRoutedInput, blocked: Blocked): Chain[] {
  const rules = input.firewallRules.filter((r) => r.ipVersion === version);
  const egressAllows = input.defaultEgress === 'deny';
  return [
    {
      name: 'fw_chain_egress',
      rules: [
        ...rules
          .filter((r) => r.trafficType === 'Egress')
          .map((r, i) => firewallRule(version, r, i, egressAllows ? [ACCEPT] : blockStatements(version, blocked))),
        {
          id: `egress-default-${input.defaultEgress}`,
          then: egressAllows ? blockStatements(version, blocked) : [ACCEPT],
        },
      ],
    },
    {
      name: 'fw_chain_ingress',
      rules: [
        ...rules.filter((r) => r.trafficType === 'Ingress').map((r, i) => firewallRule(version, r, i, [ACCEPT])),
        { id: 'ingress-default-deny', then: blockStatements(version, blocked) },
      ],
    },
  ];
}

function guestTargets(cidrs: readonly string[]): { cidr: string; ingress: string; egress: string }[] {
  return cidrs.map((cidr) => ({ cidr, ingress: 'fw_chain_ingress', egress: 'fw_chain_egress' }));
}

function ip4Firewall(input: CloudStackRoutedInput, blocked: Blocked): Table {
  const cidrs = input.guestNetworks.flatMap((n) => (n.cidr4 ? [n.cidr4] : []));
  return {
    family: 'ip',
    name: 'ip4_firewall',
    chains: [
      {
        name: 'INPUT',
        base: { type: 'filter', hook: 'input', priority: 0, policy: 'accept' },
        rules: [established(), ...routingProtocolRules(4, input.bgpPeers, blocked)],
      },
      {
        name: 'FORWARD',
        base: { type: 'filter', hook: 'forward', priority: 0, policy: 'accept' },
        rules: [established(), ...dispatch(4, guestTargets(cidrs), input.dispatch ?? 'jump-rules')],
      },
      { name: 'OUTPUT', base: { type: 'filter', hook: 'output', priority: 0, policy: 'accept' }, rules: [] },
      ...firewallChains(4, input, blocked),
    ],
  };
}

function ip6Firewall(input: CloudStackRoutedInput, blocked: Blocked): Table {
  const cidrs = input.guestNetworks.flatMap((n) => (n.cidr6 ? [n.cidr6] : []));
  return {
    family: 'ip6',
    name: 'ip6_firewall',
    chains: [
      {
        name: 'fw_input',
        base: { type: 'filter', hook: 'input', priority: 0, policy: 'accept' },
        rules: [
          established(),
          { id: 'icmpv6', match: [icmpProtocol(6)], then: [ACCEPT] },
          ...routingProtocolRules(6, input.bgpPeers, blocked),
        ],
      },
      {
        name: 'fw_forward',
        base: { type: 'filter', hook: 'forward', priority: 0, policy: 'accept' },
        rules: [established(), icmpv6Errors(), ...dispatch(6, guestTargets(cidrs), input.dispatch ?? 'jump-rules')],
      },
      ...firewallChains(6, input, blocked),
    ],
  };
}

function aclRule(version: IpVersion, device: string, rule: CloudStackAclRule, blocked: Blocked): Rule {
  const cidrs = { prefixes: rule.cidrs ?? [ANY[version]] };
  return {
    id: `${device}-acl-${rule.number}`,
    match: [
      rule.trafficType === 'Ingress' ? source(version, cidrs) : destination(version, cidrs),
      ...protocolMatches(version, rule),
    ],
    then: rule.action === 'Allow' ? [ACCEPT] : blockStatements(version, blocked),
  };
}

function tierChains(version: IpVersion, tier: CloudStackVpcTier, blocked: Blocked): Chain[] {
  const acl = tier.acl.filter((r) => r.ipVersion === version).sort((a, b) => a.number - b.number);
  return (['ingress', 'egress'] as const).map((direction) => ({
    name: `${tier.device}_${direction}_policy`,
    rules: [
      ...acl
        .filter((r) => r.trafficType.toLowerCase() === direction)
        .map((r) => aclRule(version, tier.device, r, blocked)),
      // CloudStack's ACL ends in an implicit deny.
      { id: `${tier.device}-${direction}-default-deny`, then: blockStatements(version, blocked) },
    ],
  }));
}

function aclTable(
  version: IpVersion,
  tiers: readonly CloudStackVpcTier[],
  blocked: Blocked,
  style: 'jump-rules' | 'verdict-map',
): Table {
  const cidrOf = (t: CloudStackVpcTier) => (version === 4 ? t.cidr4 : t.cidr6);
  const mine = tiers.filter((t) => cidrOf(t) !== undefined);
  const forwardRules: Rule[] = [established(), ...(version === 6 ? [icmpv6Errors()] : [])];
  forwardRules.push(
    ...dispatch(
      version,
      mine.map((tier) => ({
        cidr: cidrOf(tier) as string,
        ingress: `${tier.device}_ingress_policy`,
        egress: `${tier.device}_egress_policy`,
        idPrefix: `${tier.device}-`,
      })),
      style,
    ),
  );
  const base = (hook: 'input' | 'forward' | 'output') => ({
    type: 'filter' as const,
    hook,
    priority: 0,
    policy: 'accept' as const,
  });
  const names = version === 4 ? { input: 'INPUT', forward: 'FORWARD' } : { input: 'acl_input', forward: 'acl_forward' };
  return {
    family: version === 4 ? 'ip' : 'ip6',
    name: version === 4 ? 'ip4_acl' : 'ip6_acl',
    chains: [
      { name: names.input, base: base('input'), rules: [] },
      { name: names.forward, base: base('forward'), rules: forwardRules },
      ...(version === 4 ? [{ name: 'OUTPUT', base: base('output'), rules: [] }] : []),
      ...mine.flatMap((tier) => tierChains(version, tier, blocked)),
    ],
  };
}

/** The CloudStack 4.20 routed-mode VR firewall: ip4_firewall, ip6_firewall and, with VPC tiers, ip4_acl/ip6_acl. */
export function cloudStackRoutedPolicy(input: CloudStackRoutedInput): FirewallPolicy {
  const blocked = input.blocked ?? 'drop';
  const tables = [ip4Firewall(input, blocked), ip6Firewall(input, blocked)];
  if (input.vpcTiers && input.vpcTiers.length > 0)
    tables.push(
      aclTable(4, input.vpcTiers, blocked, input.dispatch ?? 'jump-rules'),
      aclTable(6, input.vpcTiers, blocked, input.dispatch ?? 'jump-rules'),
    );
  return { tables };
}

/** The reference deployment: VR 10.200.0.101 peering with the upstream 10.200.0.1 / fc00:2024:9:7::1 (AS 64999). */
export const REFERENCE_CLOUDSTACK_INPUT: CloudStackRoutedInput = {
  guestNetworks: [{ cidr4: '202.38.80.16/28', cidr6: '2a02:1810:248b:3b0a::/64' }],
  firewallRules: [
    { trafficType: 'Ingress', ipVersion: 4, protocol: 'tcp', sourceCidrs: ['0.0.0.0/0'], startPort: 22, endPort: 22 },
    {
      trafficType: 'Ingress',
      ipVersion: 4,
      protocol: 'icmp',
      sourceCidrs: ['10.200.0.0/24'],
      icmpType: -1,
      icmpCode: -1,
    },
    {
      trafficType: 'Ingress',
      ipVersion: 4,
      protocol: 'tcp',
      sourceCidrs: ['0.0.0.0/0'],
      startPort: 8000,
      endPort: 8080,
    },
    { trafficType: 'Ingress', ipVersion: 6, protocol: 'tcp', sourceCidrs: ['::/0'], startPort: 22, endPort: 22 },
    { trafficType: 'Ingress', ipVersion: 6, protocol: 'icmp', icmpType: 128, icmpCode: -1 },
    {
      trafficType: 'Egress',
      ipVersion: 4,
      protocol: 'udp',
      destinationCidrs: ['0.0.0.0/0'],
      startPort: 53,
      endPort: 53,
    },
  ],
  defaultEgress: 'allow',
  bgpPeers: ['10.200.0.1', 'fc00:2024:9:7::1'],
  vpcTiers: [
    {
      device: 'eth2',
      cidr4: '202.38.80.32/28',
      cidr6: '2a02:1810:248b:3b0b::/64',
      acl: [
        {
          number: 1,
          trafficType: 'Ingress',
          action: 'Allow',
          ipVersion: 4,
          protocol: 'tcp',
          cidrs: ['0.0.0.0/0'],
          startPort: 22,
          endPort: 22,
        },
        {
          number: 2,
          trafficType: 'Ingress',
          action: 'Allow',
          ipVersion: 4,
          protocol: 'icmp',
          cidrs: ['10.200.0.0/24'],
        },
        { number: 3, trafficType: 'Egress', action: 'Allow', ipVersion: 4, protocol: 'all' },
        {
          number: 1,
          trafficType: 'Ingress',
          action: 'Allow',
          ipVersion: 6,
          protocol: 'tcp',
          cidrs: ['::/0'],
          startPort: 443,
          endPort: 443,
        },
        { number: 2, trafficType: 'Egress', action: 'Allow', ipVersion: 6, protocol: 'all' },
      ],
    },
  ],
};
