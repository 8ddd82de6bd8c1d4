// What `show routes` says about a route: every attribute in operator text, and why a candidate lost.
import { describe, expect, it } from 'vitest';
import { explainNotBest, selectBest, type Candidate } from '../../src/rib/decision.js';
import { formatRoutes } from '../../src/daemon/format.js';
import { formatAsPath, formatExtendedCommunity, type RouteView } from '../../src/speaker/route-view.js';

const candidate = (
  name: string,
  source: Partial<Candidate['source'] & object> = {},
  attrs: Partial<Candidate> = {},
) => ({
  name,
  source: { isLocal: false, isEbgp: true, routerId: 1, addressOrder: '4', ...source },
  localPref: 100,
  asPathLength: 2,
  origin: 0,
  med: 0,
  neighborAs: 64999,
  originatorId: undefined,
  clusterListLength: 0,
  ...attrs,
});

describe('explainNotBest (RFC 4271 §9.1 replayed)', () => {
  const rows = [
    {
      step: 'local-origination',
      loser: candidate('learned', {}, { localPref: 500 }),
      winner: candidate('local', { isLocal: true, isEbgp: false }),
    },
    {
      step: 'local-pref',
      loser: candidate('lp100'),
      winner: candidate('lp200', {}, { localPref: 200, asPathLength: 9 }),
    },
    {
      step: 'as-path-length',
      loser: candidate('long', {}, { asPathLength: 3 }),
      winner: candidate('short', {}, { asPathLength: 1, origin: 2 }),
    },
    { step: 'origin', loser: candidate('egp', {}, { origin: 1 }), winner: candidate('igp', {}, { med: 50 }) },
    {
      step: 'med',
      loser: candidate('med10', { routerId: 1 }, { med: 10 }),
      winner: candidate('med5', { routerId: 9 }, { med: 5 }),
    },
    { step: 'ebgp-over-ibgp', loser: candidate('ibgp', { isEbgp: false }), winner: candidate('ebgp', { routerId: 9 }) },
    { step: 'router-id', loser: candidate('id9', { routerId: 9 }), winner: candidate('id1', { routerId: 1 }) },
    {
      step: 'cluster-list-length',
      loser: candidate('long', {}, { clusterListLength: 2 }),
      winner: candidate('short', {}, { clusterListLength: 1 }),
    },
    {
      step: 'peer-address',
      loser: candidate('b', { addressOrder: '4b' }),
      winner: candidate('a', { addressOrder: '4a' }),
    },
  ] as const;
  for (const { step, loser, winner } of rows) {
    it(`names the step ${step} and the winning route, agreeing with selectBest`, () => {
      expect(selectBest([loser, winner]).best).toBe(winner);
      expect(explainNotBest(loser, [loser, winner])).toEqual({ step, over: winner });
      expect(explainNotBest(winner, [loser, winner])).toBeUndefined();
    });
  }
  it('says a route with an unreachable next hop is not feasible', () => {
    const a = candidate('a');
    expect(explainNotBest(a, [a], { feasible: () => false })).toEqual({ step: 'not-feasible', over: undefined });
  });
});

describe('route text', () => {
  it('AS_SET in braces, confederation segments in () and []', () => {
    expect(
      formatAsPath([
        { type: 'sequence', asns: [64999, 64512] },
        { type: 'set', asns: [1, 2] },
      ]),
    ).toBe('64999 64512 {1,2}');
    expect(
      formatAsPath([
        { type: 'confed-sequence', asns: [65001] },
        { type: 'confed-set', asns: [65002, 65003] },
        { type: 'sequence', asns: [3] },
      ]),
    ).toBe('(65001) [65002,65003] 3');
  });

  it('extended communities by RFC 4360 / RFC 5668 type, unknown ones in hex', () => {
    expect(formatExtendedCommunity(Uint8Array.of(0x00, 0x02, 0xfd, 0xe7, 0, 0, 0, 100))).toBe('RT:64999:100');
    expect(formatExtendedCommunity(Uint8Array.of(0x01, 0x03, 192, 0, 2, 1, 0, 7))).toBe('SoO:192.0.2.1:7');
    expect(formatExtendedCommunity(Uint8Array.of(0x02, 0x02, 0xfa, 0x56, 0xea, 0x00, 0, 1))).toBe('RT:4200000000:1');
    expect(formatExtendedCommunity(Uint8Array.of(0x80, 0x06, 0, 0, 0, 0, 0, 0))).toBe('0x8006000000000000');
  });

  it('`show routes` lists every attribute under its route', () => {
    const route: RouteView = {
      prefix: '203.0.113.0/24',
      from: '10.200.0.1',
      nextHop: '10.200.0.1',
      asPath: [64999, 1, 2],
      asPathText: '64999 {1,2}',
      origin: 'incomplete',
      localPref: 100,
      communities: ['65053:100', 'no-export'],
      largeCommunities: ['64999:1:2'],
      extendedCommunities: ['RT:64999:100'],
      atomicAggregate: true,
      aggregator: { asn: 64999, address: '10.200.0.1' },
      originatorId: '192.0.2.9',
      clusterList: ['192.0.2.1', '192.0.2.2'],
      stale: true,
      best: false,
      notBestReason: 'higher local-pref 200 from 10.200.0.2',
    };
    expect(formatRoutes([route]).split('\n')).toEqual([
      '     Network         Next Hop    Metric  LocPrf  From        Path',
      'S*   203.0.113.0/24  10.200.0.1          100     10.200.0.1  64999 {1,2} ?',
      '      Community: 65053:100 no-export',
      '      Large Community: 64999:1:2',
      '      Extended Community: RT:64999:100',
      '      Aggregated by 64999 10.200.0.1, atomic-aggregate',
      '      Originator: 192.0.2.9',
      '      Cluster list: 192.0.2.1 192.0.2.2',
      '      Stale (graceful restart, RFC 4724)',
      '      Not best: higher local-pref 200 from 10.200.0.2',
      '',
      'Displayed 1 routes',
      '',
    ]);
  });
});
