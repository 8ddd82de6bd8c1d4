import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '@cairn/sys';
import { cairnBgpConfigSchema } from '../../src/config/index.js';

// Every kind of mistake in a cairn-bgp file gives one line with its path and line, through the shared loader.
const GOOD = ['localAs: 65053', 'routerId: 10.200.0.101', 'peers:', '  - address: 10.200.0.1', '    remoteAs: 64999'];

function problems(lines: string[]): string[] {
  try {
    parseConfig(cairnBgpConfigSchema, lines.join('\n'), 'bgp.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message
      .split('\n')
      .slice(1)
      .map((line) => line.trim());
  }
  throw new Error('expected a ConfigError');
}

describe('cairn-bgp configuration errors', () => {
  it('accepts a good file', () => {
    expect(parseConfig(cairnBgpConfigSchema, GOOD.join('\n'), 'bgp.yaml').peers).toHaveLength(1);
  });

  it('a peer configured twice', () => {
    expect(problems([...GOOD, '  - { address: 10.200.0.1, remoteAs: 65000 }'])).toEqual([
      'peers[1].address (line 6): peer 10.200.0.1 is already configured at [0]',
    ]);
    // the same IPv6 peer written two ways
    expect(
      problems([
        ...GOOD,
        '  - { address: "2001:db8::1", remoteAs: 1 }',
        '  - { address: "2001:DB8:0::1", remoteAs: 1 }',
      ]),
    ).toEqual(['peers[2].address (line 7): peer 2001:db8::1 is already configured at [1]']);
  });

  it('a router id that is not an address, or zero', () => {
    expect(problems(['localAs: 65053', 'routerId: 999.1.1.1', 'peers: []'])).toEqual([
      'routerId (line 2): not an IPv4 address (like 192.0.2.1)',
    ]);
    expect(problems(['localAs: 65053', 'routerId: 0.0.0.0', 'peers: []'])).toEqual([
      'routerId (line 2): the router id must not be 0.0.0.0 (RFC 6286 §2.1)',
    ]);
  });

  it('a bad peer address, a bad listen address, a local address of the other family', () => {
    expect(
      problems([
        'localAs: 65053',
        'routerId: 10.0.0.1',
        'listen: [0.0.0.0, "::1x"]',
        'peers:',
        '  - address: 10.0.0.256',
        '    remoteAs: 1',
      ]),
    ).toEqual([
      'listen[1] (line 3): not an IP address (like 192.0.2.1 or 2001:db8::1)',
      'peers[0].address (line 5): not an IP address (like 192.0.2.1 or 2001:db8::1)',
    ]);
    expect(problems([...GOOD, '    localAddress: "2001:db8::2"'])).toEqual([
      'peers[0].localAddress (line 6): not of the family of the peer address 10.200.0.1',
    ]);
  });

  it('a policy with typos', () => {
    const policy = [
      ...GOOD,
      '    exportPolicy:',
      '      terms:',
      '        - match:',
      '            comunity: ["65053:100"]',
      '          result: maybe',
    ];
    expect(problems(policy)).toEqual([
      'peers[0].exportPolicy.terms[0].match.comunity (line 9): unknown key',
      'peers[0].exportPolicy.terms[0].result (line 10): Invalid option: expected one of "accept"|"reject"',
    ]);
    expect(problems([...GOOD, '    importPolicy: accept-some'])).toEqual([
      'peers[0].importPolicy (line 6): expected accept-all, reject-all or a policy { terms: [...] }',
    ]);
    const list = [
      ...GOOD,
      '    importPolicy:',
      '      terms:',
      '        - match: { prefixList: { entries: [{ action: permit, prefix: 10.0.0.0/8, ge: 4 }] } }',
      '          result: accept',
    ];
    expect(problems(list)).toEqual([
      'peers[0].importPolicy.terms[0].match.prefixList.entries[0].ge (line 8): need 8 <= ge <= le <= 32',
    ]);
    const actions = [
      ...GOOD,
      '    importPolicy: { terms: [{ actions: { communities: { add: ["65536:1"] } }, result: accept }] }',
    ];
    expect(problems(actions)[0]).toMatch(
      /^peers\[0\]\.importPolicy\.terms\[0\]\.actions\.communities\.add\[0\] \(line 6\): community "65536:1" is neither/,
    );
  });

  it('a bad announcement: host bits, not a prefix, a bad community, a MED out of range', () => {
    expect(problems([...GOOD, 'announce:', '  - prefix: 202.38.80.17/28'])).toEqual([
      'announce[0].prefix (line 7): host bits are set: did you mean 202.38.80.16/28?',
    ]);
    expect(problems([...GOOD, 'announce:', '  - prefix: 202.38.80.16'])).toEqual([
      'announce[0].prefix (line 7): not a prefix: write ADDRESS/LENGTH (like 202.38.80.16/28)',
    ]);
    expect(
      problems([...GOOD, 'announce:', '  - { prefix: 202.38.80.16/28, communities: ["65053:100", "no-exprot"] }'])[0],
    ).toMatch(/^announce\[0\]\.communities\[1\] \(line 7\): community "no-exprot" is neither "asn:value"/);
    expect(
      problems([...GOOD, 'announce:', '  - { prefix: 202.38.80.16/28, largeCommunities: ["1:2"], med: -1 }']),
    ).toEqual([
      'announce[0].med (line 7): expected an integer 0–4294967295',
      'announce[0].largeCommunities[0] (line 7): large community "1:2" is not "global:local1:local2" (three 32-bit numbers)',
    ]);
    expect(problems([...GOOD, 'announce:', '  - prefix: 202.38.80.16/28', '  - prefix: 202.38.80.16/28'])).toEqual([
      'announce[1].prefix (line 8): prefix 202.38.80.16/28 is already configured at [0]',
    ]);
  });

  it('a TCP-MD5 password of 81 bytes (RFC 2385: at most 80), counted in bytes, not characters', () => {
    expect(problems([...GOOD, `    password: ${'p'.repeat(81)}`])).toEqual([
      'peers[0].password (line 6): the TCP-MD5 key has 81 bytes; at most 80 (RFC 2385)',
    ]);
    // 41 characters of two bytes each
    expect(problems([...GOOD, `    password: ${'é'.repeat(41)}`])).toEqual([
      'peers[0].password (line 6): the TCP-MD5 key has 82 bytes; at most 80 (RFC 2385)',
    ]);
    expect(
      parseConfig(cairnBgpConfigSchema, [...GOOD, `    password: ${'p'.repeat(80)}`].join('\n'), 'bgp.yaml').peers[0]!
        .password,
    ).toHaveLength(80);
  });

  it('next hops of the wrong family', () => {
    expect(problems([...GOOD, '    nextHopIpv6: zzz', '    nextHopIpv4: "2001:db8::1"'])).toEqual([
      'peers[0].nextHopIpv4 (line 7): not an IPv4 address (like 192.0.2.1)',
      'peers[0].nextHopIpv6 (line 6): not an IPv6 address (like 2001:db8::1)',
    ]);
  });

  it('unknown keys, each at its own line', () => {
    expect(problems([...GOOD, '    remoteAS: 1', 'annouce: []', 'bfd: { transmitInterval: 300 }'])).toEqual([
      'bfd.transmitInterval (line 8): unknown key',
      'peers[0].remoteAS (line 6): unknown key',
      'annouce (line 7): unknown key',
    ]);
  });

  it('path attribute type codes are 1–255', () => {
    expect(
      problems([
        ...GOOD,
        '    pathAttributes: { discard: [0], treatAsWithdraw: [256] }',
        'pathAttributes: { discard: [1.5] }',
      ]),
    ).toEqual([
      'pathAttributes.discard[0] (line 7): expected an integer 1–255',
      'peers[0].pathAttributes.discard[0] (line 6): expected an integer 1–255',
      'peers[0].pathAttributes.treatAsWithdraw[0] (line 6): expected an integer 1–255',
    ]);
  });
});
