// The Firewall against the real nft 1.0.6 and kernel, in a throwaway namespace: golden rulesets of both
// presets, `nft -c` on every preset variant, idempotence with live counters, failure injection, the
// incremental API, and a foreign table that must survive all of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type Namespace, requireCommands } from '@cairn/harness';
import {
  type Chain,
  type FirewallPolicy,
  NftApplyError,
  NftPolicyError,
  REFERENCE_CLOUDSTACK_INPUT,
  REFERENCE_OOB_INPUT,
  cloudStackRoutedPolicy,
  compilePolicy,
  nftBinary,
  oobSiteRouterPolicy,
  replacementBatch,
} from '../src/index.js';
import { golden } from './golden.js';
import { firewallIn, nft, udpProbe } from './support.js';

const FOREIGN = [
  'add table inet foreign',
  'add set inet foreign blocked { type ipv4_addr; flags interval; elements = { 203.0.113.0/24 } }',
  'add chain inet foreign guard { type filter hook input priority 10; policy accept; }',
  'add rule inet foreign guard ip saddr @blocked drop',
].join('\n');

async function listTables(ns: Namespace, policy: FirewallPolicy): Promise<string> {
  const parts: string[] = [];
  for (const t of policy.tables) parts.push(await nft(ns, 'list', 'table', t.family, t.name));
  return parts.join('');
}

describe('Firewall against nft 1.0.6', () => {
  const lab = Lab.create('nft-apply');
  afterAll(() => lab.destroy());
  let router: Namespace;
  let foreignText: string;
  const oob = oobSiteRouterPolicy(REFERENCE_OOB_INPUT);
  const cloudstack = cloudStackRoutedPolicy(REFERENCE_CLOUDSTACK_INPUT);

  beforeAll(async () => {
    requireCommands({ nft: 'nftables' });
    router = await lab.namespace('router');
    await router.exec('nft', ['-f', '-'], { input: FOREIGN });
    foreignText = await nft(router, 'list', 'table', 'inet', 'foreign');
  });

  const foreignSurvives = async () => expect(await nft(router, 'list', 'table', 'inet', 'foreign')).toBe(foreignText);

  it('nft -c accepts every preset variant', async () => {
    const variants: [string, FirewallPolicy][] = [
      ['cloudstack reference', cloudstack],
      [
        'cloudstack default-deny, reject',
        cloudStackRoutedPolicy({
          ...REFERENCE_CLOUDSTACK_INPUT,
          defaultEgress: 'deny',
          blocked: { reject: 'admin-prohibited' },
        }),
      ],
      [
        'cloudstack isolated only, no peers',
        cloudStackRoutedPolicy({ ...REFERENCE_CLOUDSTACK_INPUT, vpcTiers: [], bgpPeers: [] }),
      ],
      [
        'cloudstack verdict-map dispatch',
        cloudStackRoutedPolicy({ ...REFERENCE_CLOUDSTACK_INPUT, dispatch: 'verdict-map' }),
      ],
      ['oob reference', oob],
      ['oob nflog group', oobSiteRouterPolicy({ ...REFERENCE_OOB_INPUT, logGroup: 7 })],
      [
        'oob rate-limited log, IPv6 only',
        oobSiteRouterPolicy({ ...REFERENCE_OOB_INPUT, ipv4: undefined, logRate: { rate: 10, per: 'second' } }),
      ],
    ];
    const runner = nftBinary({ netns: router.name });
    for (const [name, policy] of variants) {
      const result = await runner.run(
        ['-c', '-j', '-f', '-'],
        JSON.stringify(replacementBatch(compilePolicy(policy).tables).document),
      );
      expect({ name, exitCode: result.exitCode, stderr: result.stderr }).toEqual({ name, exitCode: 0, stderr: '' });
    }
  });

  it('every match and statement kind of the model compiles to JSON nft 1.0.6 accepts, and reads back as written', async () => {
    const kinds: FirewallPolicy = {
      tables: [
        {
          family: 'inet',
          name: 'cairn_kinds',
          addressLists: [
            { name: 'v6list', version: 6, elements: ['2001:db8::/32', '2001:db8:1::/48'] },
            { name: 'v4list', version: 4, elements: ['192.0.2.0/24', '198.51.100.7'] },
          ],
          chains: [
            {
              name: 'input',
              base: { type: 'filter', hook: 'input', priority: 0, policy: 'accept' },
              rules: [
                {
                  id: 'ct',
                  match: [{ kind: 'ct-state', states: ['established', 'related', 'untracked'] }],
                  then: [{ kind: 'accept' }],
                },
                {
                  id: 'iface',
                  match: [
                    { kind: 'interface', direction: 'in', names: ['lo'] },
                    { kind: 'protocol', protocol: 'udp' },
                  ],
                  then: [{ kind: 'counter' }, { kind: 'return' }],
                },
                {
                  id: 'not-iface',
                  match: [
                    { kind: 'interface', direction: 'in', names: ['eth0', 'eth1'], negate: true },
                    { kind: 'port', protocol: 'tcp', direction: 'source', ports: [1, [5, 6]], negate: true },
                  ],
                  then: [{ kind: 'goto', chain: 'side' }],
                },
                {
                  id: 'icmp',
                  match: [{ kind: 'icmp', version: 4, types: ['echo-request', 3], code: 0 }],
                  then: [{ kind: 'limit', rate: 10, per: 'second', burst: 20 }, { kind: 'accept' }],
                },
                { id: 'icmpv6', match: [{ kind: 'icmp', version: 6, types: [128] }], then: [{ kind: 'accept' }] },
                {
                  id: 'lists',
                  match: [
                    { kind: 'address', direction: 'source', version: 6, list: 'v6list' },
                    {
                      kind: 'address',
                      direction: 'destination',
                      version: 6,
                      prefixes: ['2001:db8::1', '2001:db8:2::/64', '2001:db8:2::5'],
                    },
                  ],
                  then: [{ kind: 'jump', chain: 'side' }],
                },
                {
                  id: 'not-list',
                  match: [
                    { kind: 'address', direction: 'source', version: 4, list: 'v4list', negate: true },
                    { kind: 'length', min: 0, max: 512 },
                  ],
                  then: [{ kind: 'log', prefix: 'kinds: ', level: 'info' }],
                },
                {
                  id: 'dispatch',
                  then: [
                    {
                      kind: 'dispatch',
                      direction: 'destination',
                      version: 4,
                      entries: [
                        { prefix: '10.0.0.0/8', verdict: { jump: 'side' } },
                        { prefix: '172.16.0.0/12', verdict: { goto: 'side' } },
                        { prefix: '192.0.2.1', verdict: 'drop' },
                      ],
                    },
                  ],
                },
                {
                  id: 'reject-tcp',
                  match: [{ kind: 'protocol', protocol: 'tcp' }],
                  then: [
                    { kind: 'log', prefix: 'grp ', group: 9 },
                    { kind: 'reject', with: 'tcp-reset' },
                  ],
                },
                { id: 'reject-x', then: [{ kind: 'reject', with: { icmpx: 'admin-prohibited' } }] },
              ],
            },
            { name: 'side', rules: [{ id: 'drop', then: [{ kind: 'drop' }] }] },
          ],
        },
      ],
    };
    const firewall = firewallIn(router);
    expect(await firewall.apply(kinds)).toMatchObject({ replaced: ['inet cairn_kinds'] });
    const text = await nft(router, 'list', 'table', 'inet', 'cairn_kinds');
    for (const expected of [
      'ct state established,related,untracked accept comment "ct"',
      'iifname "lo" meta l4proto udp counter packets 0 bytes 0 return comment "iface"',
      'iifname != { "eth0", "eth1" } tcp sport != { 1, 5-6 } goto side comment "not-iface"',
      'icmp type { destination-unreachable, echo-request } icmp code net-unreachable limit rate 10/second burst 20 packets accept comment "icmp"',
      'icmpv6 type echo-request accept comment "icmpv6"',
      'ip6 saddr @v6list ip6 daddr { 2001:db8::1, 2001:db8:2::/64 } jump side comment "lists"',
      'ip saddr != @v4list meta length 0-512 log prefix "kinds: " level info comment "not-list"',
      'ip daddr vmap { 10.0.0.0/8 : jump side, 172.16.0.0/12 : goto side, 192.0.2.1 : drop } comment "dispatch"',
      'meta l4proto tcp log prefix "grp " group 9 reject with tcp reset comment "reject-tcp"',
      'reject with icmpx admin-prohibited comment "reject-x"',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toContain('elements = { 2001:db8::/32 }');
    await firewall.apply({ tables: [] });
    expect(await nft(router, 'list', 'tables')).not.toContain('cairn_kinds');
    await foreignSurvives();
  });

  it('applies both presets; the kernel ruleset matches the golden `nft list` text; the foreign table survives', async () => {
    const firewall = firewallIn(router);
    const first = await firewall.apply({ tables: [...cloudstack.tables, ...oob.tables] });
    expect(first.replaced).toEqual([
      'ip ip4_firewall',
      'ip6 ip6_firewall',
      'ip ip4_acl',
      'ip6 ip6_acl',
      'ip6 oob_filter',
      'ip oob_filter',
    ]);
    const cloudText = await listTables(router, cloudstack);
    const oobText = await listTables(router, oob);
    expect(cloudText).toBe(golden('cloudstack-routed.nft', cloudText));
    expect(oobText).toBe(golden('oob-site-router.nft', oobText));
    // The rule text CloudStack's own integration tests grep for in `nft list chain ip ip4_firewall …`.
    expect(await nft(router, 'list', 'chain', 'ip', 'ip4_firewall', 'FORWARD')).toContain(
      'ip daddr 202.38.80.16/28 jump fw_chain_ingress',
    );
    expect(await nft(router, 'list', 'chain', 'ip', 'ip4_firewall', 'fw_chain_ingress')).toContain(
      'ip saddr 0.0.0.0/0 ip daddr 0.0.0.0/0 tcp dport 22 accept',
    );
    expect(await nft(router, 'list', 'chain', 'ip', 'ip4_acl', 'eth2_ingress_policy')).toContain(
      'ip saddr 0.0.0.0/0 tcp dport 22 accept',
    );
    await foreignSurvives();
  });

  it('applying the same policy again changes nothing, not even counters', async () => {
    const firewall = firewallIn(router);
    await firewall.apply(oob);
    // Traffic the input chain rejects (loopback is not a local-ipv4 source): the reject counter moves.
    expect(await udpProbe(router, '127.0.0.1', 9)).toBe('EHOSTUNREACH');
    const before = await nft(router, 'list', 'ruleset');
    expect(before).toMatch(/counter packets [1-9]\d* bytes \d+ log prefix "ipv4 input drop: "/);
    const again = await firewallIn(router).apply(oob);
    expect(again).toMatchObject({ replaced: [], unchanged: ['ip6 oob_filter', 'ip oob_filter'], removed: [] });
    expect(await nft(router, 'list', 'ruleset')).toBe(before);
  });

  it('an element or a rule added by hand to an owned table is seen by the next apply and repaired', async () => {
    const strip = (text: string) => text.replace(/counter packets \d+ bytes \d+/g, 'counter');
    await firewallIn(router).apply(oob);
    const clean = strip(await listTables(router, oob));
    await router.exec('nft', ['add', 'element', 'ip6', 'oob_filter', 'management', '{ 2001:db8:dead::/48 }']);
    // Without the content comparison (terse read-back) the element goes unseen.
    const terse = await firewallIn(router, { compareListContents: false }).apply(oob);
    expect(terse).toMatchObject({ updated: [], unchanged: ['ip6 oob_filter', 'ip oob_filter'] });
    const repaired = await firewallIn(router).apply(oob);
    expect(repaired).toMatchObject({ replaced: [], updated: ['ip6 oob_filter'], unchanged: ['ip oob_filter'] });
    expect(strip(await listTables(router, oob))).toBe(clean);
    await router.exec('nft', ['delete', 'element', 'ip', 'oob_filter', 'management', '{ 192.0.2.0/24 }']);
    await router.exec('nft', ['add', 'rule', 'ip', 'oob_filter', 'forward', 'accept']);
    expect(await firewallIn(router).apply(oob)).toMatchObject({
      replaced: ['ip oob_filter'],
      updated: [],
      unchanged: ['ip6 oob_filter'],
    });
    expect(strip(await listTables(router, oob))).toBe(clean);
    expect(await firewallIn(router).apply(oob)).toMatchObject({
      updated: [],
      unchanged: ['ip6 oob_filter', 'ip oob_filter'],
    });
    await foreignSurvives();
  });

  it('a missing address list fails before nft runs, naming the rule; nothing changes', async () => {
    const before = await nft(router, 'list', 'ruleset');
    const broken = withForwardRule(oob, 'ip6', {
      id: 'uses-missing',
      match: [{ kind: 'address', direction: 'source', version: 6, list: 'nosuch' }],
      then: [{ kind: 'accept' }],
    });
    await expect(firewallIn(router).apply(broken)).rejects.toThrow(NftPolicyError);
    await expect(firewallIn(router).apply(broken)).rejects.toThrow(
      /rule "uses-missing" \(chain forward, rule #\d+\) of table ip6 oob_filter: address list "nosuch" does not exist/,
    );
    expect(await nft(router, 'list', 'ruleset')).toBe(before);
  });

  it.each([
    [
      'a port out of range',
      'ip6',
      {
        id: 'bad-port',
        match: [{ kind: 'port', protocol: 'tcp', direction: 'destination', ports: [70000] }],
        then: [{ kind: 'accept' }],
      },
      /rule "bad-port".*table ip6 oob_filter: Error: Service out of range/,
    ],
    [
      'an ICMPv6 reject in an IPv4 table',
      'ip',
      { id: 'bad-reject', then: [{ kind: 'reject', with: { icmpv6: 'admin-prohibited' } }] },
      /rule "bad-reject".*table ip oob_filter: Error: conflicting protocols specified: ip vs ip6/,
    ],
  ] as const)(
    'nft rejects %s: the error names the rule, the old ruleset stays in force',
    async (_what, family, rule, message) => {
      const before = await nft(router, 'list', 'ruleset');
      const error = await firewallIn(router)
        .apply(withForwardRule(oob, family, rule as Chain['rules'][number]))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NftApplyError);
      expect((error as NftApplyError).origin).toMatchObject({ kind: 'rule', rule: rule.id, chain: 'forward' });
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toMatch(/previous ruleset is still in force/);
      expect(await nft(router, 'list', 'ruleset')).toBe(before);
    },
  );

  it('updates one address list and one chain atomically; a later full apply of the same policy is a no-op', async () => {
    const firewall = firewallIn(router);
    await firewall.apply(oob);
    const inputBefore = await nft(router, 'list', 'chain', 'ip', 'oob_filter', 'input');
    const ref = { family: 'ip6', name: 'oob_filter' } as const;
    const changed = await firewall.updateAddressList(ref, 'management', {
      add: ['2001:db8:aaaa::/48', '2001:db8:aaaa:1::/64'],
      delete: ['2a0c:8e90:400::/40'],
    });
    expect(changed).toEqual({ added: 1, deleted: 1 });
    expect(await nft(router, 'list', 'set', 'ip6', 'oob_filter', 'management')).toMatch(
      /elements = \{ 2001:db8:aaaa::\/48 \}/,
    );

    const forward4 = oob.tables[1]!.chains[1]!;
    const newForward: Chain = {
      ...forward4,
      rules: [
        {
          id: 'fwd-web',
          match: [{ kind: 'port', protocol: 'tcp', direction: 'destination', ports: [80] }],
          then: [{ kind: 'accept' }],
        },
        ...forward4.rules,
      ],
    };
    await firewall.replaceChain({ family: 'ip', name: 'oob_filter' }, newForward);
    const forwardText = await nft(router, 'list', 'chain', 'ip', 'oob_filter', 'forward');
    expect(forwardText).toMatch(/policy drop;\n\s+tcp dport 80 accept comment "fwd-web"\n\s+meta l4proto icmp accept/);
    // The other chain was not rebuilt: its counters kept their values.
    expect(await nft(router, 'list', 'chain', 'ip', 'oob_filter', 'input')).toBe(inputBefore);

    const updated: FirewallPolicy = {
      tables: [
        {
          ...oob.tables[0]!,
          addressLists: oob.tables[0]!.addressLists!.map((l) =>
            l.name === 'management' ? { ...l, elements: ['2001:db8:aaaa::/48'] } : l,
          ),
        },
        { ...oob.tables[1]!, chains: [oob.tables[1]!.chains[0]!, newForward] },
      ],
    };
    const before = await nft(router, 'list', 'ruleset');
    expect(await firewallIn(router).apply(updated)).toMatchObject({
      replaced: [],
      unchanged: ['ip6 oob_filter', 'ip oob_filter'],
    });
    expect(await nft(router, 'list', 'ruleset')).toBe(before);

    // Without the read-back, the same change lands the same way (a later full apply agrees).
    const lean = firewallIn(router, { verifyIncremental: false });
    await lean.apply(updated);
    await lean.updateAddressList({ family: 'ip6', name: 'oob_filter' }, 'monitoring', { add: ['2001:db8:100:1::/64'] });
    const leanPolicy: FirewallPolicy = {
      tables: [
        {
          ...updated.tables[0]!,
          addressLists: updated.tables[0]!.addressLists!.map((l) =>
            l.name === 'monitoring' ? { ...l, elements: [...l.elements, '2001:db8:100:1::/64'] } : l,
          ),
        },
        updated.tables[1]!,
      ],
    };
    expect(await firewallIn(router).apply(leanPolicy)).toMatchObject({
      unchanged: ['ip6 oob_filter', 'ip oob_filter'],
    });
    await firewall.apply(updated);

    const bad: Chain = {
      ...newForward,
      rules: [
        {
          id: 'bad-port',
          match: [{ kind: 'port', protocol: 'udp', direction: 'source', ports: [99999] }],
          then: [{ kind: 'drop' }],
        },
      ],
    };
    await expect(firewall.replaceChain({ family: 'ip', name: 'oob_filter' }, bad)).rejects.toThrow(
      /rule "bad-port" \(chain forward, rule #0\) of table ip oob_filter: Error: Service out of range/,
    );
    expect(await nft(router, 'list', 'ruleset')).toBe(before);
    // A chain whose hook changes is re-created in the same transaction.
    const rehooked: Chain = {
      ...newForward,
      base: { type: 'filter', hook: 'forward', priority: 10, policy: 'accept' },
    };
    await firewall.replaceChain({ family: 'ip', name: 'oob_filter' }, rehooked);
    expect(await nft(router, 'list', 'chain', 'ip', 'oob_filter', 'forward')).toMatch(
      /type filter hook forward priority filter \+ 10; policy accept;/,
    );
    await firewall.replaceChain({ family: 'ip', name: 'oob_filter' }, newForward);
    await foreignSurvives();
  });

  it('repairs a table someone edited by hand: the next apply notices the drift and rewrites the table', async () => {
    const firewall = firewallIn(router);
    await firewall.apply(oob);
    const clean = { chains: {} as Record<string, string> };
    for (const chain of ['input', 'forward', 'cairn_fingerprint'])
      clean.chains[chain] = await nft(router, 'list', 'chain', 'ip', 'oob_filter', chain);
    await router.exec('nft', ['insert', 'rule', 'ip', 'oob_filter', 'forward', 'tcp', 'dport', '6666', 'accept']);
    await router.exec('nft', ['add', 'chain', 'ip', 'oob_filter', 'intruder']);
    expect(await nft(router, 'list', 'table', 'ip', 'oob_filter')).toContain('tcp dport 6666 accept');
    const result = await firewallIn(router).apply(oob);
    expect(result).toMatchObject({ replaced: ['ip oob_filter'], unchanged: ['ip6 oob_filter'] });
    // Chains are compared one by one: a re-created chain is listed in creation order.
    const strip = (text: string) => text.replace(/counter packets \d+ bytes \d+/g, 'counter');
    expect(await nft(router, 'list', 'table', 'ip', 'oob_filter')).not.toMatch(/6666|intruder/);
    for (const chain of ['input', 'forward', 'cairn_fingerprint']) {
      expect(strip(await nft(router, 'list', 'chain', 'ip', 'oob_filter', chain))).toBe(strip(clean.chains[chain]!));
    }
  });

  it('runs concurrent calls one after the other, in call order', async () => {
    const firewall = firewallIn(router);
    // Without serialisation the update would find no applied table yet (NftUnknownTargetError).
    const [applied, updated] = await Promise.all([
      firewall.apply(oob),
      firewall.updateAddressList({ family: 'ip', name: 'oob_filter' }, 'monitoring', { add: ['198.51.100.11'] }),
    ]);
    expect(applied.unchanged.length + applied.updated.length + applied.replaced.length).toBe(2);
    expect(updated).toEqual({ added: 1, deleted: 0 });
    expect(await nft(router, 'list', 'set', 'ip', 'oob_filter', 'monitoring')).toContain('198.51.100.11');
  });

  it('a changed policy rewrites only the changed chains and lists; the result equals a fresh apply', async () => {
    const v4 = (name: string, elements: string[]) => ({ name, version: 4 as const, elements });
    const accept = [{ kind: 'accept' as const }];
    const before: FirewallPolicy = {
      tables: [
        {
          family: 'inet',
          name: 'cairn_partial',
          addressLists: [
            v4('kept', ['192.0.2.0/24']),
            v4('changed', ['198.51.100.0/24']),
            v4('dropped', ['203.0.113.0/24']),
          ],
          chains: [
            {
              name: 'input',
              base: { type: 'filter', hook: 'input', priority: 0, policy: 'accept' },
              rules: [
                {
                  id: 'count-lo',
                  match: [{ kind: 'interface', direction: 'in', names: ['lo'] }],
                  then: [{ kind: 'counter' }],
                },
                {
                  id: 'kept',
                  match: [{ kind: 'address', direction: 'source', version: 4, list: 'kept' }],
                  then: accept,
                },
              ],
            },
            {
              name: 'forward',
              base: { type: 'filter', hook: 'forward', priority: 0, policy: 'drop' },
              rules: [
                {
                  id: 'to-old',
                  match: [{ kind: 'address', direction: 'source', version: 4, list: 'dropped' }],
                  then: [{ kind: 'jump', chain: 'old' }],
                },
              ],
            },
            {
              name: 'old',
              rules: [
                {
                  id: 'changed',
                  match: [{ kind: 'address', direction: 'destination', version: 4, list: 'changed' }],
                  then: accept,
                },
              ],
            },
          ],
        },
      ],
    };
    const after: FirewallPolicy = {
      tables: [
        {
          ...before.tables[0]!,
          addressLists: [
            v4('kept', ['192.0.2.0/24']),
            v4('changed', ['198.51.100.0/25', '100.64.0.0/10']),
            v4('added', ['10.0.0.0/8']),
          ],
          chains: [
            before.tables[0]!.chains[0]!,
            {
              name: 'forward',
              base: { type: 'filter', hook: 'forward', priority: 0, policy: 'accept' },
              rules: [
                {
                  id: 'to-new',
                  match: [{ kind: 'address', direction: 'source', version: 4, list: 'added' }],
                  then: [{ kind: 'jump', chain: 'new' }],
                },
              ],
            },
            {
              name: 'new',
              rules: [
                {
                  id: 'changed',
                  match: [{ kind: 'address', direction: 'destination', version: 4, list: 'changed' }],
                  then: [{ kind: 'drop' }],
                },
              ],
            },
          ],
        },
      ],
    };
    const firewall = firewallIn(router);
    await firewall.apply(before);
    await udpProbe(router, '127.0.0.1', 9); // moves the counter of the unchanged input chain
    const input = await nft(router, 'list', 'chain', 'inet', 'cairn_partial', 'input');
    expect(input).toMatch(/counter packets [1-9]/);
    expect(await firewallIn(router).apply(after)).toMatchObject({
      replaced: [],
      updated: ['inet cairn_partial'],
      unchanged: [],
    });
    expect(await nft(router, 'list', 'chain', 'inet', 'cairn_partial', 'input')).toBe(input);

    const fresh = await lab.namespace('fresh');
    await firewallIn(fresh).apply(after);
    for (const chain of ['input', 'forward', 'new', 'cairn_fingerprint']) {
      const strip = (text: string) => text.replace(/counter packets \d+ bytes \d+/g, 'counter');
      expect(strip(await nft(router, 'list', 'chain', 'inet', 'cairn_partial', chain))).toBe(
        strip(await nft(fresh, 'list', 'chain', 'inet', 'cairn_partial', chain)),
      );
    }
    for (const set of ['kept', 'changed', 'added']) {
      expect(await nft(router, 'list', 'set', 'inet', 'cairn_partial', set)).toBe(
        await nft(fresh, 'list', 'set', 'inet', 'cairn_partial', set),
      );
    }
    const tables = await nft(router, 'list', 'table', 'inet', 'cairn_partial');
    expect(tables).not.toMatch(/chain old|set dropped/);
    await firewall.apply({ tables: [] });
    await foreignSurvives();
  });

  it('removes a table it owned once the policy drops it, and nothing else', async () => {
    const firewall = firewallIn(router);
    await firewall.apply(oob);
    const result = await firewall.apply({ tables: [oob.tables[0]!] });
    expect(result).toMatchObject({ removed: ['ip oob_filter'], replaced: [], unchanged: ['ip6 oob_filter'] });
    const tables = await nft(router, 'list', 'tables');
    expect(tables).not.toContain('table ip oob_filter');
    expect(tables).toContain('table ip6 oob_filter');
    expect(tables).toContain('table ip ip4_firewall');
    await foreignSurvives();
  });
});

function withForwardRule(policy: FirewallPolicy, family: 'ip' | 'ip6', rule: Chain['rules'][number]): FirewallPolicy {
  return {
    tables: policy.tables.map((t) =>
      t.family !== family
        ? t
        : {
            ...t,
            chains: t.chains.map((c) =>
              c.name === 'forward' ? { ...c, rules: [...c.rules.slice(0, 3), rule, ...c.rules.slice(3)] } : c,
            ),
          },
    ),
  };
}
