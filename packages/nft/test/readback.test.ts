import { describe, expect, it } from 'vitest';
import { type Table, compareTable, compilePolicy, parseRuleset } from '../src/index.js';
import { listContentDigest } from '../src/compile.js';

const table: Table = {
  family: 'ip',
  name: 't',
  addressLists: [{ name: 'peers', version: 4, elements: ['192.0.2.1'] }],
  chains: [
    {
      name: 'input',
      base: { type: 'filter', hook: 'input', priority: 0, policy: 'drop' },
      rules: [
        { id: 'a', then: [{ kind: 'accept' }] },
        { id: 'b', then: [{ kind: 'drop' }] },
      ],
    },
    { name: 'side', rules: [] },
  ],
};

/** `nft -j -t list ruleset` as nft 1.0.6 prints it for `table` (shape taken from real output). */
function listing(
  compiled = compilePolicy({ tables: [table] }).tables[0]!,
  edit: (items: object[]) => void = () => {},
): string {
  const items: object[] = [
    { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } },
    { table: { family: 'ip', name: 't', handle: 1 } },
  ];
  items.push({ set: { family: 'ip', name: 'peers', table: 't', type: 'ipv4_addr', handle: 2, flags: ['interval'] } });
  let handle = 3;
  for (const chain of compiled.expected.chains) {
    const base = chain.base
      ? { type: chain.base.type, hook: chain.base.hook, prio: chain.base.priority, policy: chain.base.policy }
      : {};
    items.push({ chain: { family: 'ip', table: 't', name: chain.name, handle: handle++, ...base } });
  }
  for (const chain of compiled.expected.chains) {
    for (const comment of chain.ruleComments)
      items.push({
        rule: { family: 'ip', table: 't', chain: chain.name, handle: handle++, comment, expr: [{ accept: null }] },
      });
  }
  items.push({ table: { family: 'inet', name: 'foreign', handle: 9 } });
  edit(items);
  return JSON.stringify({ nftables: items });
}

describe('read-back comparison', () => {
  const compiled = compilePolicy({ tables: [table] }).tables[0]!;

  it('finds the table, its fingerprint and no difference when the kernel holds what was compiled', () => {
    const observed = parseRuleset(listing());
    expect([...observed.keys()]).toEqual(['ip t', 'inet foreign']);
    expect(observed.get('ip t')!.fingerprint).toBe(compiled.fingerprint);
    expect(observed.get('ip t')!.setTypes.get('peers')).toBe('ipv4_addr');
    expect(compareTable(compiled.expected, observed.get('ip t'))).toEqual([]);
  });

  it.each([
    ['a missing table', (items: object[]) => items.splice(0, items.length), /the table is missing/],
    [
      'a rule added by hand',
      (items: object[]) => items.push({ rule: { family: 'ip', table: 't', chain: 'input', handle: 99, expr: [] } }),
      /chain input holds rules \[a, b, \], expected \[a, b\]/,
    ],
    [
      'a different chain policy',
      (items: object[]) =>
        ((
          items.find((i) => 'chain' in i && (i as { chain: { name: string } }).chain.name === 'input') as {
            chain: { policy: string };
          }
        ).chain.policy = 'accept'),
      /chain input is attached as/,
    ],
    [
      'an extra chain',
      (items: object[]) => items.push({ chain: { family: 'ip', table: 't', name: 'intruder', handle: 98 } }),
      /unexpected chain intruder/,
    ],
    ['a missing set', (items: object[]) => items.splice(2, 1), /set peers is missing/],
  ])('reports %s', (_what, edit, message) => {
    const observed = parseRuleset(listing(compiled, edit)).get('ip t');
    expect(compareTable(compiled.expected, observed).join('; ')).toMatch(message);
  });

  const withElements = (elem: unknown[]) => (items: object[]) =>
    Object.assign((items[2] as { set: object }).set, { elem });
  const v6List = { name: 'l', version: 6 as const, elements: ['2001:db8::/32', '::ffff:192.0.2.1'] };
  const v6: Table = { family: 'ip6', name: 't', addressLists: [v6List], chains: [] };

  it('compares set elements when the listing holds them, whatever their order and address notation', () => {
    const listed = (elem: unknown[]) =>
      parseRuleset(listing(compiled, withElements(elem)), { elements: true }).get('ip t');
    expect(compareTable(compiled.expected, listed(['192.0.2.1']))).toEqual([]);
    expect(compareTable(compiled.expected, listed([{ prefix: { addr: '192.0.2.1', len: 32 } }]))).toEqual([]);
    const others = [
      [],
      ['192.0.2.1', '198.51.100.7'],
      [{ range: ['192.0.2.1', '192.0.2.1'] }],
      [{ prefix: { addr: '192.0.2.0', len: 31 } }],
    ];
    for (const elem of others) {
      expect(compareTable(compiled.expected, listed(elem)), JSON.stringify(elem)).toEqual([
        'set peers holds other elements than the policy',
      ]);
    }
    const expected = compilePolicy({ tables: [v6] }).tables[0]!.expected;
    const digest = expected.setContents.get('l');
    expect(listContentDigest(['::ffff:192.0.2.1', { prefix: { addr: '2001:db8::', len: 32 } }])).toBe(digest);
    expect(listContentDigest(['::ffff:c000:201', { prefix: { addr: '2001:0db8::', len: 32 } }])).toBe(digest);
  });

  it('does not compare set elements in a terse listing', () => {
    expect(parseRuleset(listing()).get('ip t')!.setContents).toBeUndefined();
    expect(compareTable(compiled.expected, parseRuleset(listing()).get('ip t'))).toEqual([]);
  });
});
