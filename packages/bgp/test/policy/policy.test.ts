import { describe, expect, it } from 'vitest';
import {
  CompiledPolicy,
  PolicyConfigError,
  PrefixListMatcher,
  WELL_KNOWN_COMMUNITY,
  parseCommunity,
  parseLargeCommunity,
  parsePrefix,
  prependAs,
  type PathAttributes,
  type Policy,
} from '../../src/index.js';

const LOCAL_AS = 65053;
const p = (text: string) => parsePrefix(text);

describe('prefix lists with ge/le', () => {
  const cases: { entry: { prefix: string; ge?: number; le?: number }; yes: string[]; no: string[] }[] = [
    { entry: { prefix: '10.0.0.0/8' }, yes: ['10.0.0.0/8'], no: ['10.0.0.0/9', '11.0.0.0/8', '0.0.0.0/0'] },
    {
      entry: { prefix: '10.0.0.0/8', le: 16 },
      yes: ['10.0.0.0/8', '10.255.0.0/16'],
      no: ['10.1.1.0/24', '11.0.0.0/16'],
    },
    { entry: { prefix: '10.0.0.0/8', ge: 24 }, yes: ['10.1.1.0/24', '10.1.1.1/32'], no: ['10.1.0.0/16', '10.0.0.0/8'] },
    {
      entry: { prefix: '10.0.0.0/8', ge: 16, le: 24 },
      yes: ['10.1.0.0/16', '10.1.1.0/24'],
      no: ['10.1.1.0/25', '10.0.0.0/15'],
    },
    { entry: { prefix: '0.0.0.0/0', le: 32 }, yes: ['0.0.0.0/0', '203.0.113.7/32'], no: ['2001:db8::/32'] },
    {
      entry: { prefix: '2a02:1810::/32', ge: 48, le: 64 },
      yes: ['2a02:1810:248b::/48', '2a02:1810:248b:3b0a::/64'],
      no: ['2a02:1810::/32', '2a02:1811::/48', '2a02:1810::/65', '10.0.0.0/8'],
    },
    {
      entry: { prefix: '2a02:1810:248a::/47', le: 48 },
      yes: ['2a02:1810:248a::/47', '2a02:1810:248b::/48'],
      no: ['2a02:1810:248c::/48', '2a02:1810:248b::/49'],
    },
  ];
  for (const { entry, yes, no } of cases) {
    it(`${entry.prefix} ge ${entry.ge ?? '-'} le ${entry.le ?? '-'}`, () => {
      const list = new PrefixListMatcher({ entries: [{ action: 'permit', ...entry }] });
      for (const text of yes) expect(list.matches(p(text)), text).toBe(true);
      for (const text of no) expect(list.matches(p(text)), text).toBe(false);
    });
  }

  it('first match decides, no match denies', () => {
    const list = new PrefixListMatcher({
      entries: [
        { action: 'deny', prefix: '10.1.0.0/16', le: 32 },
        { action: 'permit', prefix: '10.0.0.0/8', le: 32 },
      ],
    });
    expect(list.matches(p('10.1.2.0/24'))).toBe(false);
    expect(list.matches(p('10.2.2.0/24'))).toBe(true);
    expect(list.matches(p('192.168.0.0/16'))).toBe(false);
  });

  it('refuses inconsistent ge/le and bad prefixes with a message saying what is wrong', () => {
    expect(
      () => new PrefixListMatcher({ name: 'x', entries: [{ action: 'permit', prefix: '10.0.0.0/16', ge: 8 }] }),
    ).toThrow(PolicyConfigError);
    expect(
      () => new PrefixListMatcher({ entries: [{ action: 'permit', prefix: '10.0.0.0/8', ge: 24, le: 16 }] }),
    ).toThrow(/ge <= le/);
    expect(() => new PrefixListMatcher({ entries: [{ action: 'permit', prefix: '10.0.0.1/8' }] })).toThrow(/host bits/);
  });
});

describe('communities', () => {
  it('parses asn:value, well-known names and large communities', () => {
    expect(parseCommunity('65053:100')).toBe(65053 * 65536 + 100);
    expect(parseCommunity('no-export')).toBe(WELL_KNOWN_COMMUNITY.NO_EXPORT);
    expect(parseCommunity('NO-ADVERTISE')).toBe(WELL_KNOWN_COMMUNITY.NO_ADVERTISE);
    expect(parseCommunity(7)).toBe(7);
    expect(parseLargeCommunity('4200000000:1:2')).toEqual({ globalAdmin: 4200000000, local1: 1, local2: 2 });
    expect(() => parseCommunity('65536:1')).toThrow(PolicyConfigError);
    expect(() => parseCommunity('1:2:3')).toThrow(/well-known/);
    expect(() => parseLargeCommunity('1:2')).toThrow(/global:local1:local2/);
  });
});

describe('policy evaluation', () => {
  const base: PathAttributes = {
    origin: 0,
    asPath: [{ type: 'sequence', asns: [64999, 3356] }],
    communities: [parseCommunity('64999:1'), parseCommunity('64999:2')],
    largeCommunities: [{ globalAdmin: 64999, local1: 0, local2: 1 }],
    med: 10,
  };
  const policy: Policy = {
    terms: [
      {
        name: 'bogons',
        match: { prefixList: { entries: [{ action: 'permit', prefix: '10.0.0.0/8', le: 32 }] } },
        result: 'reject',
      },
      {
        name: 'tagged',
        match: { community: ['64999:2'] },
        actions: { localPref: 200, communities: { delete: ['64999:1'], add: ['65053:9'] } },
        result: 'accept',
      },
      { name: 'v6', match: { family: 'ipv6' }, actions: { med: 0 }, result: 'accept' },
    ],
    defaultResult: 'accept',
  };
  const compiled = new CompiledPolicy(policy);

  it('the first matching term decides and applies its actions', () => {
    expect(compiled.evaluate(p('10.1.0.0/16'), base, LOCAL_AS)).toBeNull();
    expect(compiled.evaluate(p('198.51.100.0/24'), base, LOCAL_AS)).toMatchObject({
      localPref: 200,
      communities: [parseCommunity('64999:2'), parseCommunity('65053:9')],
      med: 10,
    });
    const untagged = { ...base, communities: [parseCommunity('64999:1')] };
    expect(compiled.evaluate(p('2001:db8::/32'), untagged, LOCAL_AS)).toMatchObject({ med: 0 });
    expect(compiled.evaluate(p('198.51.100.0/24'), untagged, LOCAL_AS)).toEqual(untagged);
    expect(new CompiledPolicy({ terms: [] }).evaluate(p('198.51.100.0/24'), base, LOCAL_AS)).toBeNull();
  });

  it('matches large communities and AS path contents; sets, adds and deletes large communities', () => {
    const large: Policy = {
      terms: [
        {
          match: { largeCommunity: ['64999:0:1'], asPathContains: 3356 },
          actions: { largeCommunities: { set: ['65053:1:1'] }, med: 99 },
          result: 'accept',
        },
        { match: { asPathContains: 174 }, result: 'reject' },
      ],
      defaultResult: 'accept',
    };
    const c = new CompiledPolicy(large);
    expect(c.evaluate(p('198.51.100.0/24'), base, LOCAL_AS)).toMatchObject({
      largeCommunities: [{ globalAdmin: 65053, local1: 1, local2: 1 }],
      med: 99,
    });
    expect(
      c.evaluate(p('198.51.100.0/24'), { ...base, asPath: [{ type: 'sequence', asns: [174] }] }, LOCAL_AS),
    ).toBeNull();
    const del = new CompiledPolicy({
      terms: [{ actions: { largeCommunities: { delete: ['64999:0:1'] }, communities: { set: [] } }, result: 'accept' }],
    });
    const out = del.evaluate(p('198.51.100.0/24'), base, LOCAL_AS)!;
    expect(out.largeCommunities).toBeUndefined();
    expect(out.communities).toBeUndefined();
    expect(base.communities).toHaveLength(2);
  });

  it('prepends to the leading AS_SEQUENCE, or starts one before an AS_SET (RFC 4271 §5.1.2)', () => {
    expect(prependAs([{ type: 'sequence', asns: [1] }], 9, 2)).toEqual([{ type: 'sequence', asns: [9, 9, 1] }]);
    expect(prependAs([{ type: 'set', asns: [1, 2] }], 9)).toEqual([
      { type: 'sequence', asns: [9] },
      { type: 'set', asns: [1, 2] },
    ]);
    expect(prependAs([], 9)).toEqual([{ type: 'sequence', asns: [9] }]);
    const full = [{ type: 'sequence' as const, asns: new Array<number>(255).fill(1) }];
    expect(prependAs(full, 9).map((s) => s.asns.length)).toEqual([1, 255]);
    const policy = new CompiledPolicy({ terms: [{ actions: { prependAs: { count: 2 } }, result: 'accept' }] });
    expect(policy.evaluate(p('198.51.100.0/24'), base, LOCAL_AS)!.asPath).toEqual([
      { type: 'sequence', asns: [LOCAL_AS, LOCAL_AS, 64999, 3356] },
    ]);
  });
});
