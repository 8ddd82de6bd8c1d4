import { describe, expect, it } from 'vitest';
import {
  type FirewallPolicy,
  NftPolicyError,
  REFERENCE_CLOUDSTACK_INPUT,
  REFERENCE_OOB_INPUT,
  type Table,
  cloudStackRoutedPolicy,
  compilePolicy,
  oobSiteRouterPolicy,
  replacementBatch,
} from '../src/index.js';
import { golden } from './golden.js';

const small: Table = {
  family: 'inet',
  name: 'cairn_test',
  addressLists: [{ name: 'trusted', version: 6, elements: ['2001:db8::/32', '2001:db8:1::/48', '2001:db8::1'] }],
  chains: [
    {
      name: 'input',
      base: { type: 'filter', hook: 'input', priority: 0, policy: 'drop' },
      rules: [
        { match: [{ kind: 'ct-state', states: ['established', 'related'] }], then: [{ kind: 'accept' }] },
        {
          id: 'ssh',
          match: [
            { kind: 'address', direction: 'source', version: 6, list: 'trusted' },
            { kind: 'port', protocol: 'tcp', direction: 'destination', ports: [22, [8000, 8080]] },
          ],
          then: [{ kind: 'counter' }, { kind: 'accept' }],
        },
        {
          id: 'dispatch',
          then: [
            {
              kind: 'dispatch',
              direction: 'source',
              version: 4,
              entries: [
                { prefix: '10.0.0.0/8', verdict: { jump: 'lan' } },
                { prefix: '192.0.2.1', verdict: 'drop' },
              ],
            },
          ],
        },
        {
          id: 'log',
          then: [
            { kind: 'limit', rate: 5, per: 'minute' },
            { kind: 'log', prefix: 'drop: ', group: 3 },
          ],
        },
        { id: 'reject', then: [{ kind: 'reject', with: { icmpx: 'admin-prohibited' } }] },
      ],
    },
    {
      name: 'lan',
      rules: [
        {
          id: 'ntp',
          match: [
            { kind: 'length', min: 0, max: 512 },
            { kind: 'port', protocol: 'udp', direction: 'destination', ports: [123] },
          ],
          then: [{ kind: 'accept' }],
        },
      ],
    },
  ],
};

function withRule(table: Table, chain: string, rule: Table['chains'][number]['rules'][number]): FirewallPolicy {
  return {
    tables: [
      { ...table, chains: table.chains.map((c) => (c.name === chain ? { ...c, rules: [...c.rules, rule] } : c)) },
    ],
  };
}

describe('compiler', () => {
  it('emits libnftables JSON for every match and statement kind, with rule ids as comments', () => {
    const [table] = compilePolicy({ tables: [small] }).tables;
    const rules = table!.commands.filter(
      (c) => 'add' in c && typeof c.add === 'object' && c.add !== null && 'rule' in c.add,
    );
    expect(rules.map((r) => (r as { add: { rule: { comment: string } } }).add.rule.comment)).toEqual([
      'input#0',
      'ssh',
      'dispatch',
      'log',
      'reject',
      'ntp',
      `cairn sha256 ${table!.fingerprint}`,
      `cairn part ${table!.parts.get('list trusted')} list trusted`,
      `cairn part ${table!.parts.get('chain input')} chain input`,
      `cairn part ${table!.parts.get('chain lan')} chain lan`,
    ]);
    expect(rules[1]).toEqual({
      add: {
        rule: {
          family: 'inet',
          table: 'cairn_test',
          chain: 'input',
          comment: 'ssh',
          expr: [
            { match: { op: '==', left: { payload: { protocol: 'ip6', field: 'saddr' } }, right: '@trusted' } },
            {
              match: {
                op: '==',
                left: { payload: { protocol: 'tcp', field: 'dport' } },
                right: { set: [22, { range: [8000, 8080] }] },
              },
            },
            { counter: { packets: 0, bytes: 0 } },
            { accept: null },
          ],
        },
      },
    });
    // Nested list entries are merged away (nft 1.0.6 rejects overlapping intervals).
    expect(table!.commands).toContainEqual({
      add: {
        element: {
          family: 'inet',
          table: 'cairn_test',
          name: 'trusted',
          elem: [{ prefix: { addr: '2001:db8::', len: 32 } }],
        },
      },
    });
    expect(table!.expected.chains.map((c) => [c.name, c.ruleComments.length])).toEqual([
      ['input', 5],
      ['lan', 1],
      ['cairn_fingerprint', 4],
    ]);
  });

  it('replaces a table with add, delete, add in one batch (nft 1.0.6 has no destroy)', () => {
    const { document, origins } = replacementBatch(compilePolicy({ tables: [small] }).tables);
    expect(document.nftables.slice(0, 4)).toEqual([
      { metainfo: { json_schema_version: 1 } },
      { add: { table: { family: 'inet', name: 'cairn_test' } } },
      { delete: { table: { family: 'inet', name: 'cairn_test' } } },
      { add: { table: { family: 'inet', name: 'cairn_test' } } },
    ]);
    expect(origins).toHaveLength(document.nftables.length);
    expect(origins[origins.length - 6]).toEqual({
      kind: 'rule',
      table: 'inet cairn_test',
      chain: 'lan',
      rule: 'ntp',
      index: 0,
    });
  });

  it('fingerprints a table by content: equal policies agree, one changed port does not', () => {
    const a = compilePolicy({ tables: [small] }).tables[0]!.fingerprint;
    const b = compilePolicy({ tables: [structuredClone(small)] }).tables[0]!.fingerprint;
    const c = compilePolicy(
      withRule(small, 'lan', {
        id: 'dns',
        match: [{ kind: 'port', protocol: 'udp', direction: 'destination', ports: [53] }],
        then: [{ kind: 'accept' }],
      }),
    ).tables[0]!.fingerprint;
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it.each([
    [
      'a missing address list',
      withRule(small, 'lan', {
        id: 'uses-missing',
        match: [{ kind: 'address', direction: 'source', version: 6, list: 'nosuch' }],
        then: [{ kind: 'accept' }],
      }),
      /rule "uses-missing" \(chain lan, rule #1\) of table inet cairn_test: address list "nosuch" does not exist/,
    ],
    [
      'a jump to a missing chain',
      withRule(small, 'lan', { id: 'jumps', then: [{ kind: 'jump', chain: 'nowhere' }] }),
      /rule "jumps".*chain "nowhere" does not exist/,
    ],
    [
      'a jump to a base chain',
      withRule(small, 'lan', { id: 'loops', then: [{ kind: 'jump', chain: 'input' }] }),
      /rule "loops".*"input" is a base chain/,
    ],
    [
      'overlapping verdict-map keys',
      withRule(small, 'lan', {
        id: 'vmap',
        then: [
          {
            kind: 'dispatch',
            direction: 'source',
            version: 4,
            entries: [
              { prefix: '10.0.0.0/8', verdict: 'accept' },
              { prefix: '10.1.0.0/16', verdict: 'drop' },
            ],
          },
        ],
      }),
      /rule "vmap".*dispatch prefixes overlap/,
    ],
    ['a duplicate rule id', withRule(small, 'lan', { id: 'ntp', then: [{ kind: 'accept' }] }), /rule "ntp".*same id/],
    [
      'a too long log prefix',
      withRule(small, 'lan', { id: 'chatty', then: [{ kind: 'log', prefix: 'x'.repeat(128) }] }),
      /rule "chatty".*log prefix is longer than 127/,
    ],
    [
      'a list of the wrong version',
      withRule(small, 'lan', {
        id: 'v4-on-v6',
        match: [{ kind: 'address', direction: 'source', version: 4, list: 'trusted' }],
        then: [{ kind: 'accept' }],
      }),
      /holds IPv6 prefixes, the match is IPv4/,
    ],
    [
      'a malformed prefix',
      withRule(small, 'lan', {
        id: 'typo',
        match: [{ kind: 'address', direction: 'destination', version: 4, prefixes: ['10.0.0.0/40'] }],
        then: [{ kind: 'accept' }],
      }),
      /rule "typo".*invalid prefix length/,
    ],
    [
      'a malformed list element',
      {
        tables: [{ ...small, addressLists: [{ name: 'trusted', version: 6, elements: ['2001:db8::/129'] }] }],
      } as FirewallPolicy,
      /address list "trusted" of table inet cairn_test: .*invalid prefix length/,
    ],
    [
      'a list element with host bits set',
      {
        tables: [
          {
            ...small,
            addressLists: [{ name: 'trusted', version: 6, elements: ['2001:db8::/32', '2001:db8:1::1/48'] }],
          },
        ],
      } as FirewallPolicy,
      'address list "trusted" of table inet cairn_test: "2001:db8:1::1/48" has host bits set: write the network 2001:db8:1::/48, or the address alone for one host (/128)',
    ],
    [
      'a matched prefix with host bits set',
      withRule(small, 'lan', {
        id: 'guests',
        match: [{ kind: 'address', direction: 'destination', version: 4, prefixes: ['202.38.80.17/28'] }],
        then: [{ kind: 'accept' }],
      }),
      'rule "guests" (chain lan, rule #1) of table inet cairn_test: "202.38.80.17/28" has host bits set: write the network 202.38.80.16/28',
    ],
    [
      'a dispatch key with host bits set',
      withRule(small, 'lan', {
        id: 'vmap',
        then: [
          { kind: 'dispatch', direction: 'source', version: 4, entries: [{ prefix: '10.0.0.1/8', verdict: 'accept' }] },
        ],
      }),
      /rule "vmap".*"10\.0\.0\.1\/8" has host bits set/,
    ],
    ...(
      [
        ['eth0"', '"eth0\\""', 'contains "\\""'],
        ["eth0'", '"eth0\'"', 'contains "\'"'],
        ['eth 0', '"eth 0"', 'contains " "'],
        ['eth0\nx', '"eth0\\nx"', 'contains "\\n"'],
        ['veth/0', '"veth/0"', 'contains "/"'],
        ['eth0:1', '"eth0:1"', 'contains ":"'],
        ['a-very-long-name', '"a-very-long-name"', 'is longer than 15 bytes (IFNAMSIZ)'],
        ['', '', 'an interface name cannot be empty'],
      ] as const
    ).map(([name, shown, problem]): [string, FirewallPolicy, string] => [
      `the interface name ${JSON.stringify(name)}`,
      withRule(small, 'lan', {
        id: 'iface',
        match: [{ kind: 'interface', direction: 'in', names: ['eth1', name] }],
        then: [{ kind: 'accept' }],
      }),
      `rule "iface" (chain lan, rule #1) of table inet cairn_test: ${shown ? `interface name ${shown} ` : ''}${problem}`,
    ]),
    [
      'an IPv4 list in an ip6 table',
      {
        tables: [{ family: 'ip6', name: 't', addressLists: [{ name: 'l', version: 4, elements: [] }], chains: [] }],
      } as FirewallPolicy,
      /IPv4 list cannot live in an ip6 table/,
    ],
  ] as [string, FirewallPolicy, string | RegExp][])('rejects %s with an error naming it', (_what, policy, message) => {
    expect(() => compilePolicy(policy)).toThrow(NftPolicyError);
    expect(() => compilePolicy(policy)).toThrow(message);
  });
});

describe('presets (golden JSON)', () => {
  it.each([
    ['cloudstack-routed', cloudStackRoutedPolicy(REFERENCE_CLOUDSTACK_INPUT)],
    ['oob-site-router', oobSiteRouterPolicy(REFERENCE_OOB_INPUT)],
  ])('%s compiles to its golden libnftables JSON', (name, policy) => {
    const json = JSON.stringify(replacementBatch(compilePolicy(policy).tables).document, null, 1) + '\n';
    expect(json).toBe(golden(`${name}.json`, json));
  });

  it('CloudStack: FORWARD dispatches per guest CIDR, egress rules block under a default-allow policy and allow under default-deny', () => {
    const allow = cloudStackRoutedPolicy(REFERENCE_CLOUDSTACK_INPUT);
    const ip4 = allow.tables.find((t) => t.name === 'ip4_firewall')!;
    expect(ip4.chains.map((c) => c.name)).toEqual([
      'INPUT',
      'FORWARD',
      'OUTPUT',
      'fw_chain_egress',
      'fw_chain_ingress',
    ]);
    const forward = ip4.chains.find((c) => c.name === 'FORWARD')!;
    expect(forward.rules.map((r) => r.then)).toEqual([
      [{ kind: 'accept' }],
      [{ kind: 'jump', chain: 'fw_chain_ingress' }],
      [{ kind: 'jump', chain: 'fw_chain_egress' }],
    ]);
    const egress = (p: FirewallPolicy) =>
      p.tables.find((t) => t.name === 'ip4_firewall')!.chains.find((c) => c.name === 'fw_chain_egress')!.rules;
    expect(egress(allow).map((r) => r.then[0]!.kind)).toEqual(['drop', 'accept']);
    const deny = cloudStackRoutedPolicy({
      ...REFERENCE_CLOUDSTACK_INPUT,
      defaultEgress: 'deny',
      blocked: { reject: 'admin-prohibited' },
    });
    expect(egress(deny).map((r) => r.then[0])).toEqual([
      { kind: 'accept' },
      { kind: 'reject', with: { icmp: 'admin-prohibited' } },
    ]);
    expect(deny.tables.map((t) => `${t.family} ${t.name}`)).toEqual([
      'ip ip4_firewall',
      'ip6 ip6_firewall',
      'ip ip4_acl',
      'ip6 ip6_acl',
    ]);
  });

  it('CloudStack: with dispatch "verdict-map", FORWARD holds two vmap lookups however many guest networks there are', () => {
    const guestNetworks = Array.from({ length: 50 }, (_, i) => ({
      cidr4: `100.64.${i}.0/24`,
      cidr6: `2001:db8:${i.toString(16)}::/64`,
    }));
    const policy = cloudStackRoutedPolicy({ ...REFERENCE_CLOUDSTACK_INPUT, guestNetworks, dispatch: 'verdict-map' });
    const forward = policy.tables[0]!.chains.find((c) => c.name === 'FORWARD')!;
    expect(forward.rules.map((r) => r.id)).toEqual(['established', 'to-guests', 'from-guests']);
    expect(forward.rules[1]!.then[0]).toMatchObject({
      kind: 'dispatch',
      direction: 'destination',
      entries: expect.arrayContaining([{ prefix: '100.64.49.0/24', verdict: { jump: 'fw_chain_ingress' } }]),
    });
    const jumps = cloudStackRoutedPolicy({ ...REFERENCE_CLOUDSTACK_INPUT, guestNetworks }).tables[0]!.chains.find(
      (c) => c.name === 'FORWARD',
    )!;
    expect(jumps.rules).toHaveLength(101);
  });

  it('OOB: every MikroTik rule is there in order, port= becomes a dport and an sport rule, rate-limited logging is its own rule', () => {
    const policy = oobSiteRouterPolicy({
      ...REFERENCE_OOB_INPUT,
      ipv4: undefined,
      logRate: { rate: 10, per: 'second' },
    });
    expect(policy.tables).toHaveLength(1);
    const [input, forward] = policy.tables[0]!.chains;
    expect(input!.rules.map((r) => r.id)).toEqual([
      'in-own-connections',
      'in-icmp',
      'in-bgp-dport',
      'in-bgp-sport',
      'in-bfd-dport',
      'in-bfd-sport',
      'in-management',
      'in-monitoring-ssh',
      'in-monitoring-snmp',
      'in-local-established',
      'in-reject-log',
      'in-reject',
    ]);
    // 14 MikroTik forward rules, + 2 for the two port= rules, + 1 for the rate-limited log rule.
    expect(forward!.rules).toHaveLength(17);
    expect(forward!.rules.at(-1)!.then).toEqual([
      { kind: 'counter' },
      { kind: 'reject', with: { icmpv6: 'admin-prohibited' } },
    ]);
  });
});
