// Property tests: the Loc-RIB does not depend on the order UPDATEs arrive in, and withdrawing
// everything leaves nothing behind (no routes, no Adj-RIB-Out entries, no interned attribute sets).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCEPT_ALL, RibManager, formatPrefix, type Policy, type UpdateMessage } from '../../src/index.js';
import { announce, seq, withdraw } from './fixtures.js';

const LOCAL_AS = 65053;
const PEERS = [
  { id: 'e1', address: '10.0.0.1', remoteAs: 64999, routerId: '9.9.9.1' },
  { id: 'e2', address: '10.0.0.2', remoteAs: 64998, routerId: '9.9.9.2' },
  { id: 'e3', address: '10.0.0.3', remoteAs: 64999, routerId: '9.9.9.3' },
  { id: 'i1', address: 'fc00::4', remoteAs: LOCAL_AS, routerId: '9.9.9.4' },
  { id: 'i2', address: '10.0.0.5', remoteAs: LOCAL_AS, routerId: '9.9.9.4' },
];
const PREFIXES = ['10.1.0.0/16', '10.2.0.0/16', '0.0.0.0/0', '2001:db8::/32', '2001:db8:1::/48'];

interface Step {
  peer: number;
  prefixes: string[];
  withdraw: boolean;
  localPref: number;
  pathLength: number;
  firstAs: number;
  origin: 0 | 1 | 2;
  med: number | undefined;
}

const step = fc.record({
  peer: fc.integer({ min: 0, max: PEERS.length - 1 }),
  prefixes: fc.subarray(PREFIXES, { minLength: 1 }),
  withdraw: fc.boolean(),
  localPref: fc.constantFrom(100, 200),
  pathLength: fc.integer({ min: 1, max: 3 }),
  firstAs: fc.constantFrom(64999, 64998, 3356),
  origin: fc.constantFrom(0 as const, 1 as const, 2 as const),
  med: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
});

function message(s: Step): UpdateMessage {
  if (s.withdraw) return withdraw(s.prefixes);
  const asns = [s.firstAs, ...Array.from({ length: s.pathLength - 1 }, (_v, i) => 100 + i)];
  return announce(s.prefixes, {
    asPath: [seq(...asns)],
    origin: s.origin,
    localPref: s.localPref,
    ...(s.med === undefined ? {} : { med: s.med }),
    nextHop: `10.9.${s.peer}.1`,
    nextHop6: `fc00::${s.peer + 10}`,
  });
}

/** Prefix- and community-dependent terms on both sides, so several attribute sets come from one UPDATE. */
const SPLITTING: Policy = {
  terms: [
    {
      match: { prefixList: { entries: [{ action: 'permit', prefix: '10.0.0.0/8', le: 32 }] } },
      actions: { localPref: 300, communities: { add: ['65053:1'] } },
      result: 'accept',
    },
    { match: { prefixList: { entries: [{ action: 'permit', prefix: '2001:db8:1::/48' }] } }, result: 'reject' },
    { match: { family: 'ipv6' }, actions: { prependAs: { count: 1 }, med: 7 }, result: 'accept' },
  ],
  defaultResult: 'accept',
};

function freshRib(maxPaths = 1, policy: Policy = ACCEPT_ALL): RibManager {
  const rib = new RibManager({ localAs: LOCAL_AS, routerId: '10.200.0.101', maxPaths });
  for (const peer of PEERS) {
    rib.addPeer({ ...peer, importPolicy: policy, exportPolicy: policy });
    rib.peerUp(peer.id, { routerId: peer.routerId, nextHopSelf: { ipv4: '10.200.0.101', ipv6: 'fc00::101' } });
  }
  return rib;
}

/** The final state of each peer's routes: its last announcement or withdrawal per prefix. */
function lastWord(steps: Step[]): Map<string, Step> {
  const last = new Map<string, Step>();
  for (const s of steps) for (const prefix of s.prefixes) last.set(`${s.peer} ${prefix}`, { ...s, prefixes: [prefix] });
  return last;
}

function snapshot(rib: RibManager): string[] {
  const out: string[] = [];
  rib.forEachBest((prefix, best) =>
    out.push(
      `${formatPrefix(prefix)} ${best.peerId} ${JSON.stringify(best.attributes)} ${best.nextHop} ${rib
        .lookup(prefix)
        .multipath.map((p) => p.peerId)
        .join(',')}`,
    ),
  );
  return out.sort();
}

describe('RIB properties', () => {
  it('the best path depends only on the routes present, not on the order they arrived in', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 25 }),
        fc.integer(),
        fc.constantFrom(1, 4),
        (steps, seed, maxPaths) => {
          const history = freshRib(maxPaths);
          for (const s of steps) history.updateFromPeer(PEERS[s.peer]!.id, message(s));
          // The same final routes, one prefix at a time, in a shuffled order.
          const finals = [...lastWord(steps).values()];
          const shuffled = fc.sample(
            fc.shuffledSubarray(finals, { minLength: finals.length, maxLength: finals.length }),
            { seed, numRuns: 1 },
          )[0]!;
          const replay = freshRib(maxPaths);
          for (const s of shuffled) replay.updateFromPeer(PEERS[s.peer]!.id, message(s));
          expect(snapshot(replay)).toEqual(snapshot(history));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('withdrawing everything leaves empty RIBs and no interned attribute sets', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 25 }),
        fc.boolean(),
        fc.boolean(),
        (steps, viaPeerDown, splitting) => {
          const rib = freshRib(2, splitting ? SPLITTING : ACCEPT_ALL);
          rib.originate('202.38.80.16/28', { communities: ['65053:1'] });
          rib.originate('2001:db8::/32', {}, { aggregate: true, onlyWithContributors: true });
          for (const s of steps) {
            rib.updateFromPeer(PEERS[s.peer]!.id, message(s));
            if (s.peer === 0) for (const peer of PEERS) rib.pendingExports(peer.id);
          }
          for (const peer of PEERS) rib.pendingExports(peer.id);
          for (const peer of PEERS) {
            if (viaPeerDown) rib.peerDown(peer.id);
            else rib.updateFromPeer(peer.id, withdraw(PREFIXES));
          }
          rib.withdrawOriginated('202.38.80.16/28');
          rib.withdrawOriginated('2001:db8::/32');
          for (const peer of PEERS) {
            if (viaPeerDown) rib.peerUp(peer.id, { routerId: peer.routerId, nextHopSelf: { ipv4: '10.200.0.101' } });
            rib.pendingExports(peer.id);
            expect(rib.counts(peer.id)).toEqual({ received: 0, accepted: 0, advertised: 0 });
          }
          expect(rib.locRibSize()).toBe(0);
          expect(rib.attributeSetCount).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
