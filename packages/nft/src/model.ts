// The typed firewall model. A `FirewallPolicy` lists the nftables tables Cairn owns; everything the
// compiler emits comes from these types, so a policy that type-checks names only things nft knows.

/** nftables address families Cairn compiles for (nft(8) "ADDRESS FAMILIES"). */
export type TableFamily = 'ip' | 'ip6' | 'inet';

/** The IP version of an address match or an address list. */
export type IpVersion = 4 | 6;

export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';
export type ChainType = 'filter' | 'nat' | 'route';
export type Verdict = 'accept' | 'drop';

/** A named interval set of prefixes (MikroTik "address-list", iptables "ipset"). */
export interface AddressList {
  name: string;
  version: IpVersion;
  /** Addresses or CIDR prefixes. Overlapping entries are merged at compile time (nft 1.0.6 rejects them). */
  elements: readonly string[];
}

export interface BaseChainSpec {
  type: ChainType;
  hook: Hook;
  /** Numeric priority; filter is 0 (nft(8) "CHAINS", priority table). */
  priority: number;
  /** What happens to a packet that falls off the end of the chain. */
  policy: Verdict;
}

export interface Chain {
  name: string;
  /** Present for base chains (attached to a netfilter hook); absent for regular chains (jump targets). */
  base?: BaseChainSpec;
  rules: readonly Rule[];
}

export interface Table {
  family: TableFamily;
  name: string;
  addressLists?: readonly AddressList[];
  chains: readonly Chain[];
}

export interface FirewallPolicy {
  tables: readonly Table[];
}

/** One nftables rule: every match must hold, then the statements run in order. */
export interface Rule {
  /**
   * Names the rule in errors and in the ruleset: it becomes the nft rule comment (at most 128 bytes,
   * unique within the chain).
   * Defaults to `<chain>#<index>`.
   */
  id?: string;
  match?: readonly Match[];
  then: readonly Statement[];
}

export type PortSpec = number | readonly [from: number, to: number];

export type Match =
  /** Source or destination address against prefixes or a named address list (`@list`). */
  | {
      kind: 'address';
      direction: 'source' | 'destination';
      version: IpVersion;
      prefixes?: readonly string[];
      list?: string;
      negate?: boolean;
    }
  /** Input or output interface name(s). */
  | { kind: 'interface'; direction: 'in' | 'out'; names: readonly string[]; negate?: boolean }
  /** Layer-4 protocol (`meta l4proto`), independent of IP version. */
  | { kind: 'protocol'; protocol: L4Protocol }
  /** TCP/UDP source or destination port(s) and ranges; implies the protocol. */
  | {
      kind: 'port';
      protocol: 'tcp' | 'udp';
      direction: 'source' | 'destination';
      ports: readonly PortSpec[];
      negate?: boolean;
    }
  /** ICMP (RFC 792) or ICMPv6 (RFC 4443) type names or numbers, optionally a code. */
  | { kind: 'icmp'; version: IpVersion; types?: readonly (string | number)[]; code?: number }
  /** Connection-tracking state. */
  | { kind: 'ct-state'; states: readonly CtState[] }
  /** Whole packet length in bytes (`meta length`), like MikroTik's packet-size. */
  | { kind: 'length'; min: number; max: number };

export type L4Protocol = 'tcp' | 'udp' | 'icmp' | 'ipv6-icmp' | 'sctp' | 'gre' | 'esp';
export type CtState = 'new' | 'established' | 'related' | 'invalid' | 'untracked';

/** ICMP reject codes nft knows by name (nft(8) "REJECT STATEMENT"). */
export type IcmpRejectCode =
  'admin-prohibited' | 'port-unreachable' | 'host-unreachable' | 'net-unreachable' | 'no-route' | 'addr-unreachable';

export type Statement =
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'return' }
  /** Reject: `tcp-reset`, or an ICMP (v4 table), ICMPv6 (v6 table) or ICMPx (inet, both) code. */
  | {
      kind: 'reject';
      with: 'tcp-reset' | { icmp: IcmpRejectCode } | { icmpv6: IcmpRejectCode } | { icmpx: IcmpRejectCode };
    }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  | { kind: 'counter' }
  /** Log with a prefix; with `group` the packet goes to nfnetlink_log group N instead of the kernel log. */
  | {
      kind: 'log';
      prefix: string;
      group?: number;
      level?: 'emerg' | 'alert' | 'crit' | 'err' | 'warn' | 'notice' | 'info' | 'debug';
    }
  /** Matches while under the rate (a packet over the limit ends the rule). */
  | { kind: 'limit'; rate: number; per: 'second' | 'minute' | 'hour' | 'day'; burst?: number }
  /** Verdict map: dispatch on the source/destination address to a chain in one lookup. */
  | {
      kind: 'dispatch';
      direction: 'source' | 'destination';
      version: IpVersion;
      entries: readonly { prefix: string; verdict: 'accept' | 'drop' | { jump: string } | { goto: string } }[];
    };

/** Where a compiled nft command came from, to name it in errors. */
export type Origin =
  | { kind: 'table'; table: string }
  | { kind: 'chain'; table: string; chain: string }
  | { kind: 'address-list'; table: string; list: string }
  | { kind: 'rule'; table: string; chain: string; rule: string; index: number }
  | { kind: 'fingerprint'; table: string };

/** Qualified name of a table, as nft prints it: `ip6 oob_filter`. */
export function tableKey(table: Pick<Table, 'family' | 'name'>): string {
  return `${table.family} ${table.name}`;
}

export function describeOrigin(origin: Origin): string {
  switch (origin.kind) {
    case 'table':
      return `table ${origin.table}`;
    case 'chain':
      return `chain ${origin.chain} of table ${origin.table}`;
    case 'address-list':
      return `address list "${origin.list}" of table ${origin.table}`;
    case 'rule':
      return `rule "${origin.rule}" (chain ${origin.chain}, rule #${origin.index}) of table ${origin.table}`;
    case 'fingerprint':
      return `fingerprint chain of table ${origin.table}`;
  }
}
