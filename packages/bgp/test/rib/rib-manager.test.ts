import { describe, expect, it } from 'vitest';
import {
  ACCEPT_ALL,
  REJECT_ALL,
  RFC8212_NO_EXPORT,
  RFC8212_NO_IMPORT,
  RibManager,
  WELL_KNOWN_COMMUNITY,
  formatPrefix,
  type ExportBatch,
  type Policy,
  type RibPeerConfig,
} from '../../src/index.js';
import { announce, seq, withdraw } from './fixtures.js';

const LOCAL_AS = 65053;

function rib(options: { maxPaths?: number } = {}): RibManager {
  return new RibManager({ localAs: LOCAL_AS, routerId: '10.200.0.101', ...options });
}

/** Adds a peer and brings its session up; its next-hop-self addresses derive from its address. */
function up(
  r: RibManager,
  config: Partial<RibPeerConfig> & { id: string; address: string; remoteAs: number },
  routerId = config.address,
): void {
  r.addPeer({ importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL, ...config });
  r.peerUp(config.id, { routerId, nextHopSelf: { ipv4: `192.0.2.${config.id.length}`, ipv6: 'fc00::101' } });
}

/** Exports as { prefix text → { nextHop, asPath, ... } } plus withdrawn texts, for readable assertions. */
function summarize(batch: ExportBatch) {
  const announced: Record<
    string,
    { nextHop: string; asPath: number[]; localPref?: number; med?: number; communities?: number[] }
  > = {};
  for (const group of batch.announce) {
    for (const prefix of group.nlri) {
      const a = group.attributes;
      announced[formatPrefix(prefix)] = {
        nextHop: group.nextHop,
        asPath: (a.asPath ?? []).flatMap((s) => s.asns),
        ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
        ...(a.med !== undefined ? { med: a.med } : {}),
        ...(a.communities ? { communities: a.communities } : {}),
      };
    }
  }
  return { announced, withdrawn: batch.withdrawn.map(formatPrefix).sort() };
}

describe('RibManager: routes from peers', () => {
  it('installs, replaces and withdraws routes and reports best-path changes', () => {
    const r = rib();
    up(r, { id: 'a', address: '10.0.0.1', remoteAs: 64999 });
    const first = r.updateFromPeer('a', announce(['0.0.0.0/0', '2001:db8::/32'], { med: 5 }));
    expect(first.changes.map((c) => formatPrefix(c.prefix)).sort()).toEqual(['0.0.0.0/0', '2001:db8::/32']);
    expect(r.lookup('0.0.0.0/0').best?.attributes.med).toBe(5);
    expect(r.lookup('2001:db8::/32').best?.nextHop).toBe('fc00::1');
    const replaced = r.updateFromPeer('a', announce(['0.0.0.0/0'], { med: 7 }));
    expect(replaced.changes).toHaveLength(1);
    expect(replaced.changes[0]!.previous?.attributes.med).toBe(5);
    expect(r.lookup('0.0.0.0/0').best?.attributes.med).toBe(7);
    const same = r.updateFromPeer('a', announce(['0.0.0.0/0'], { med: 7 }));
    expect(same.changes).toHaveLength(0);
    const gone = r.updateFromPeer('a', withdraw(['0.0.0.0/0', '2001:db8::/32']));
    expect(gone.changes.every((c) => c.best === undefined)).toBe(true);
    expect(r.locRibSize()).toBe(0);
    expect(r.attributeSetCount).toBe(0);
    expect(r.counts('a')).toEqual({ received: 0, accepted: 0, advertised: 0 });
  });

  it('ignores LOCAL_PREF from an eBGP peer (RFC 4271 §5.1.5) and keeps it from an iBGP peer', () => {
    const r = rib();
    up(r, { id: 'e', address: '10.0.0.1', remoteAs: 64999 });
    up(r, { id: 'i', address: '10.0.0.2', remoteAs: LOCAL_AS });
    r.updateFromPeer('e', announce(['10.1.0.0/16'], { localPref: 500 }));
    r.updateFromPeer('i', announce(['10.2.0.0/16'], { localPref: 500, asPath: [] }));
    expect(r.lookup('10.1.0.0/16').best?.localPref).toBe(100);
    expect(r.lookup('10.2.0.0/16').best?.localPref).toBe(500);
  });

  it('does not select a route whose AS_PATH holds the local AS (RFC 4271 §9.1.2), but counts it received', () => {
    const r = rib();
    up(r, { id: 'a', address: '10.0.0.1', remoteAs: 64999 });
    r.updateFromPeer('a', announce(['10.1.0.0/16'], { asPath: [seq(64999, LOCAL_AS, 1)] }));
    expect(r.lookup('10.1.0.0/16').best).toBeUndefined();
    expect(r.counts('a')).toEqual({ received: 1, accepted: 0, advertised: 0 });
  });

  it('handles treat-as-withdraw UPDATEs as withdrawals (RFC 7606 §2)', () => {
    const r = rib();
    up(r, { id: 'a', address: '10.0.0.1', remoteAs: 64999 });
    r.updateFromPeer('a', announce(['10.1.0.0/16']));
    const update = withdraw(['10.1.0.0/16']);
    update.treatAsWithdraw = { code: 3, subcode: 1, reason: 'malformed attribute' };
    expect(r.updateFromPeer('a', update).changes[0]!.best).toBeUndefined();
    expect(r.locRibSize()).toBe(0);
  });

  it('refuses updates from a peer whose session is not up', () => {
    const r = rib();
    r.addPeer({ id: 'a', address: '10.0.0.1', remoteAs: 64999 });
    expect(() => r.updateFromPeer('a', announce(['10.1.0.0/16']))).toThrow(/not Established/);
    expect(() => r.updateFromPeer('nobody', announce(['10.1.0.0/16']))).toThrow(/addPeer/);
  });
});

describe('RibManager: RFC 8212 and max-prefix', () => {
  it('an eBGP peer without import policy accepts nothing and says why', () => {
    const r = rib();
    r.addPeer({ id: 'a', address: '10.0.0.1', remoteAs: 64999 });
    r.peerUp('a', { routerId: '10.0.0.1', nextHopSelf: { ipv4: '10.0.0.2' } });
    const result = r.updateFromPeer('a', announce(['10.1.0.0/16']));
    expect(result.importBlocked).toBe(RFC8212_NO_IMPORT);
    expect(result.changes).toHaveLength(0);
    expect(r.counts('a')).toEqual({ received: 1, accepted: 0, advertised: 0 });
    expect(r.policyBlocks('a')).toEqual({ import: RFC8212_NO_IMPORT, export: RFC8212_NO_EXPORT });
  });

  it('an eBGP peer without export policy is sent nothing; an iBGP peer needs no policy', () => {
    const r = rib();
    r.addPeer({ id: 'e', address: '10.0.0.1', remoteAs: 64999 });
    r.peerUp('e', { routerId: '10.0.0.1', nextHopSelf: { ipv4: '10.0.0.2' } });
    r.addPeer({ id: 'i', address: '10.0.0.3', remoteAs: LOCAL_AS });
    r.peerUp('i', { routerId: '10.0.0.3', nextHopSelf: { ipv4: '10.0.0.4' } });
    r.originate('202.38.80.16/28');
    expect(r.fullExport('e')).toEqual({ withdrawn: [], announce: [] });
    expect(summarize(r.fullExport('i')).announced).toEqual({
      '202.38.80.16/28': { nextHop: '10.0.0.4', asPath: [], localPref: 100 },
    });
    expect(r.policyBlocks('i')).toEqual({ import: undefined, export: undefined });
    r.setPolicies('e', { importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL });
    expect(Object.keys(summarize(r.pendingExports('e')).announced)).toEqual(['202.38.80.16/28']);
  });

  it('an explicit reject-all import policy refuses routes without an RFC 8212 reason', () => {
    const r = rib();
    up(r, { id: 'a', address: '10.0.0.1', remoteAs: 64999, importPolicy: REJECT_ALL });
    const result = r.updateFromPeer('a', announce(['10.1.0.0/16', '10.2.0.0/16']));
    expect(result.importBlocked).toBeUndefined();
    expect(result.changes).toHaveLength(0);
    expect(r.counts('a')).toEqual({ received: 2, accepted: 0, advertised: 0 });
    r.setPolicies('a', { importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL });
    r.updateFromPeer('a', announce(['10.1.0.0/16']));
    expect(r.counts('a')).toEqual({ received: 2, accepted: 1, advertised: 0 });
    r.updateFromPeer('a', withdraw(['10.1.0.0/16', '10.2.0.0/16']));
    expect(r.counts('a')).toEqual({ received: 0, accepted: 0, advertised: 0 });
  });

  it('reports when accepted prefixes exceed maxPrefixes (RFC 4486 Cease subcode 1)', () => {
    const r = rib();
    up(r, { id: 'a', address: '10.0.0.1', remoteAs: 64999, maxPrefixes: 2 });
    expect(r.updateFromPeer('a', announce(['10.1.0.0/16', '10.2.0.0/16'])).maxPrefixExceeded).toBeUndefined();
    const over = r.updateFromPeer('a', announce(['10.3.0.0/16']));
    expect(over.maxPrefixExceeded).toEqual({
      afi: 1,
      safi: 1,
      limit: 2,
      accepted: 3,
      notification: { code: 6, subcode: 1 },
    });
    r.peerDown('a');
    expect(r.locRibSize()).toBe(0);
  });
});

describe('RibManager: Adj-RIB-Out and the eBGP/iBGP export rules (RFC 4271 §5.1, §9.2)', () => {
  function topology() {
    const r = rib();
    up(r, { id: 'upstream', address: '10.0.0.1', remoteAs: 64999 });
    up(r, { id: 'customer', address: '10.0.1.1', remoteAs: 65010 });
    up(r, { id: 'ibgp', address: '10.0.2.1', remoteAs: LOCAL_AS });
    return r;
  }

  it('towards eBGP: prepends the local AS, next hop self, no LOCAL_PREF, no foreign MED; towards iBGP: next hop kept, LOCAL_PREF sent', () => {
    const r = topology();
    r.updateFromPeer('upstream', announce(['0.0.0.0/0'], { med: 50, nextHop: '10.0.0.1' }));
    expect(summarize(r.pendingExports('customer')).announced).toEqual({
      '0.0.0.0/0': { nextHop: '192.0.2.8', asPath: [LOCAL_AS, 64999] },
    });
    expect(summarize(r.pendingExports('ibgp')).announced).toEqual({
      '0.0.0.0/0': { nextHop: '10.0.0.1', asPath: [64999], localPref: 100, med: 50 },
    });
    // Never back to the peer it came from.
    expect(r.pendingExports('upstream')).toEqual({ withdrawn: [], announce: [] });
  });

  it('propagates MED to an eBGP peer only when configured; originated MED always goes', () => {
    const r = rib();
    up(r, { id: 'upstream', address: '10.0.0.1', remoteAs: 64999 });
    up(r, { id: 'medpeer', address: '10.0.1.1', remoteAs: 65010, propagateMed: true });
    r.updateFromPeer('upstream', announce(['10.9.0.0/16'], { med: 50 }));
    r.originate('202.38.80.16/28', { med: 10 });
    const toMed = summarize(r.pendingExports('medpeer')).announced;
    expect(toMed['10.9.0.0/16']?.med).toBe(50);
    expect(summarize(r.pendingExports('upstream')).announced['202.38.80.16/28']?.med).toBe(10);
  });

  it('does not pass iBGP-learned routes to other iBGP peers, but does to eBGP peers', () => {
    const r = topology();
    up(r, { id: 'ibgp2', address: '10.0.3.1', remoteAs: LOCAL_AS });
    r.updateFromPeer('ibgp', announce(['10.5.0.0/16'], { asPath: [], nextHop: '10.0.2.1' }));
    expect(r.pendingExports('ibgp2').announce).toHaveLength(0);
    expect(summarize(r.pendingExports('customer')).announced['10.5.0.0/16']).toEqual({
      nextHop: '192.0.2.8',
      asPath: [LOCAL_AS],
    });
  });

  it('honours NO_EXPORT (not to eBGP) and NO_ADVERTISE (to nobody) (RFC 1997)', () => {
    const r = topology();
    r.updateFromPeer('upstream', announce(['10.6.0.0/16'], { communities: [WELL_KNOWN_COMMUNITY.NO_EXPORT] }));
    r.updateFromPeer('upstream', announce(['10.7.0.0/16'], { communities: [WELL_KNOWN_COMMUNITY.NO_ADVERTISE] }));
    expect(r.pendingExports('customer').announce).toHaveLength(0);
    expect(Object.keys(summarize(r.pendingExports('ibgp')).announced)).toEqual(['10.6.0.0/16']);
  });

  it('sends withdrawals when the best path goes, and groups prefixes by attribute set', () => {
    const r = topology();
    r.updateFromPeer('upstream', announce(['10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16']));
    r.updateFromPeer('upstream', announce(['10.4.0.0/16'], { med: 1, asPath: [seq(64999, 3)] }));
    const batch = r.pendingExports('customer');
    expect(batch.announce.map((g) => g.nlri.length).sort()).toEqual([1, 3]);
    expect(r.counts('customer').advertised).toBe(4);
    r.updateFromPeer('upstream', withdraw(['10.1.0.0/16', '10.4.0.0/16']));
    expect(summarize(r.pendingExports('customer'))).toEqual({
      announced: {},
      withdrawn: ['10.1.0.0/16', '10.4.0.0/16'],
    });
    expect(r.pendingExports('customer')).toEqual({ withdrawn: [], announce: [] });
  });

  it('a better path from another peer replaces the export; the new best is withdrawn from its own source', () => {
    const r = topology();
    r.updateFromPeer('upstream', announce(['10.8.0.0/16'], { asPath: [seq(64999, 1, 2)] }));
    expect(Object.keys(summarize(r.pendingExports('customer')).announced)).toEqual(['10.8.0.0/16']);
    r.updateFromPeer('customer', announce(['10.8.0.0/16'], { asPath: [seq(65010)] }));
    // The customer's route wins; the customer must no longer hear ours; upstream hears the customer's.
    expect(summarize(r.pendingExports('customer'))).toEqual({ announced: {}, withdrawn: ['10.8.0.0/16'] });
    expect(summarize(r.pendingExports('upstream')).announced['10.8.0.0/16']?.asPath).toEqual([LOCAL_AS, 65010]);
  });

  it('fullExport re-sends everything (session up, ROUTE-REFRESH); export policy applies prepend, communities and next-hop-self', () => {
    const r = rib();
    const exportPolicy: Policy = {
      terms: [
        {
          match: { prefixList: { entries: [{ action: 'permit', prefix: '202.38.80.0/24', ge: 25 }] } },
          actions: { prependAs: { count: 2 }, communities: { add: ['65053:7'] } },
          result: 'accept',
        },
        { match: { family: 'ipv6' }, actions: { nextHopSelf: true }, result: 'accept' },
      ],
    };
    up(r, { id: 'upstream', address: '10.0.0.1', remoteAs: 64999, exportPolicy });
    up(r, { id: 'ibgp', address: '10.0.2.1', remoteAs: LOCAL_AS, exportPolicy });
    r.originate('202.38.80.16/28');
    r.originate('198.51.100.0/24');
    up(r, { id: 'src', address: '10.0.3.1', remoteAs: 65020 });
    r.updateFromPeer('src', announce(['2001:db8:1::/48'], { nextHop6: 'fc00::99', asPath: [seq(65020)] }));
    expect(summarize(r.fullExport('upstream')).announced).toEqual({
      '202.38.80.16/28': {
        nextHop: '192.0.2.8',
        asPath: [LOCAL_AS, LOCAL_AS, LOCAL_AS],
        communities: [65053 * 65536 + 7],
      },
      '2001:db8:1::/48': { nextHop: 'fc00::101', asPath: [LOCAL_AS, 65020] },
    });
    expect(summarize(r.fullExport('upstream')).announced['202.38.80.16/28']).toBeDefined();
    expect(summarize(r.fullExport('ibgp')).announced['2001:db8:1::/48']?.nextHop).toBe('fc00::101');
  });
});

describe('RibManager: graceful restart helper (RFC 4724 §4.2)', () => {
  it('keeps a restarting peer’s routes stale, refreshes re-sent ones, sweeps the rest', () => {
    const r = rib();
    up(r, { id: 'a', address: '10.0.0.1', remoteAs: 64999 });
    r.updateFromPeer('a', announce(['10.1.0.0/16', '10.2.0.0/16', '2001:db8::/32']));
    expect(r.peerDown('a', { gracefulRestart: true })).toEqual([]);
    expect(r.staleCount('a')).toBe(3);
    expect(r.lookup('10.1.0.0/16').best?.peerId).toBe('a');
    r.peerUp('a', { routerId: '10.0.0.1', nextHopSelf: { ipv4: '10.0.0.2' } });
    r.updateFromPeer('a', announce(['10.1.0.0/16']));
    expect(r.staleCount('a')).toBe(2);
    // End-of-RIB for IPv4: the IPv4 stale route goes, IPv6 waits for its own End-of-RIB.
    const swept = r.sweepStale('a', [1]);
    expect(swept.map((c) => formatPrefix(c.prefix))).toEqual(['10.2.0.0/16']);
    expect(r.staleCount('a')).toBe(1);
    expect(r.sweepStale('a').map((c) => formatPrefix(c.prefix))).toEqual(['2001:db8::/32']);
    expect(r.counts('a').received).toBe(1);
  });
});

describe('RibManager: origination and aggregates', () => {
  it('originates with communities, MED and origin, and withdraws', () => {
    const r = rib();
    const changes = r.originate('202.38.80.16/28', { communities: ['65053:100', 'no-export'], med: 20, origin: 2 });
    expect(changes).toHaveLength(1);
    const best = r.lookup('202.38.80.16/28').best!;
    expect(best.local).toBe(true);
    expect(best.attributes).toMatchObject({
      origin: 2,
      med: 20,
      communities: [65053 * 65536 + 100, WELL_KNOWN_COMMUNITY.NO_EXPORT],
    });
    expect(r.originated().map(formatPrefix)).toEqual(['202.38.80.16/28']);
    expect(r.withdrawOriginated('202.38.80.16/28')[0]!.best).toBeUndefined();
    expect(r.attributeSetCount).toBe(0);
  });

  it('rejects prefixes with host bits set, saying what was meant', () => {
    expect(() => rib().originate('202.38.80.17/28')).toThrow(/202\.38\.80\.16\/28/);
  });

  it('an aggregate with onlyWithContributors exists exactly while a more-specific route does', () => {
    const r = rib();
    up(r, { id: 'upstream', address: '10.0.0.1', remoteAs: 64999 });
    up(r, { id: 'guest', address: '10.0.9.1', remoteAs: 65099 });
    expect(r.originate('2a02:1810:248b::/48', {}, { aggregate: true, onlyWithContributors: true })).toEqual([]);
    expect(r.lookup('2a02:1810:248b::/48').best).toBeUndefined();
    r.originate('2a02:1810:248b:3b0a::/64');
    const aggregate = r.lookup('2a02:1810:248b::/48').best!;
    expect(aggregate.attributes).toMatchObject({
      atomicAggregate: true,
      aggregator: { asn: LOCAL_AS, address: '10.200.0.101' },
    });
    expect(Object.keys(summarize(r.pendingExports('upstream')).announced).sort()).toEqual([
      '2a02:1810:248b:3b0a::/64',
      '2a02:1810:248b::/48',
    ]);
    // A learned contributor keeps it alive after the originated one goes.
    r.updateFromPeer('guest', announce(['2a02:1810:248b:ff00::/56']));
    r.withdrawOriginated('2a02:1810:248b:3b0a::/64');
    expect(r.lookup('2a02:1810:248b::/48').best).toBeDefined();
    const changes = r.updateFromPeer('guest', withdraw(['2a02:1810:248b:ff00::/56'])).changes;
    expect(changes.map((c) => formatPrefix(c.prefix)).sort()).toEqual([
      '2a02:1810:248b::/48',
      '2a02:1810:248b:ff00::/56',
    ]);
    expect(summarize(r.pendingExports('upstream')).withdrawn).toEqual(
      ['2a02:1810:248b:3b0a::/64', '2a02:1810:248b::/48'].sort(),
    );
    // Not counted: routes outside it, or the same length.
    r.updateFromPeer('guest', announce(['2a02:1810:248c::/64', '2a02:1810:248b::/48']));
    expect(r.lookup('2a02:1810:248b::/48').best?.peerId).toBe('guest');
    r.withdrawOriginated('2a02:1810:248b::/48');
    expect(r.lookup('2a02:1810:248b::/48').best?.peerId).toBe('guest');
  });

  it('an unconditional aggregate is there without contributors; the local route wins over a learned one', () => {
    const r = rib();
    up(r, { id: 'upstream', address: '10.0.0.1', remoteAs: 64999 });
    r.updateFromPeer('upstream', announce(['10.100.0.0/16'], { asPath: [seq(64999)] }));
    r.originate('10.100.0.0/16', {}, { aggregate: true });
    expect(r.lookup('10.100.0.0/16').best?.local).toBe(true);
    expect(r.lookup('10.100.0.0/16').candidates).toHaveLength(2);
  });
});

describe('RibManager: multipath', () => {
  it('reports the ECMP set and its changes', () => {
    const r = rib({ maxPaths: 4 });
    up(r, { id: 'a', address: '10.0.0.1', remoteAs: 64999 }, '1.1.1.1');
    up(r, { id: 'b', address: '10.0.0.2', remoteAs: 64999 }, '2.2.2.2');
    r.updateFromPeer('a', announce(['10.1.0.0/16'], { nextHop: '10.0.0.1' }));
    const second = r.updateFromPeer('b', announce(['10.1.0.0/16'], { nextHop: '10.0.0.2' }));
    expect(second.changes).toHaveLength(1);
    expect(second.changes[0]!.best?.peerId).toBe('a');
    expect(second.changes[0]!.multipath?.map((p) => p.peerId)).toEqual(['a', 'b']);
    expect(r.lookup('10.1.0.0/16').multipath.map((p) => p.nextHop)).toEqual(['10.0.0.1', '10.0.0.2']);
    const gone = r.updateFromPeer('b', withdraw(['10.1.0.0/16']));
    expect(gone.changes[0]!.multipath?.map((p) => p.peerId)).toEqual(['a']);
  });
});

describe('RibManager: peers', () => {
  it('removePeer withdraws its routes, including stale ones, and rejects duplicate ids', () => {
    const r = rib();
    up(r, { id: 'a', address: '10.0.0.1', remoteAs: 64999 });
    expect(() => r.addPeer({ id: 'a', address: '10.0.0.9', remoteAs: 1 })).toThrow(/already exists/);
    expect(() => r.addPeer({ id: 'local', address: '10.0.0.9', remoteAs: 1 })).toThrow(/already exists/);
    r.updateFromPeer('a', announce(['10.1.0.0/16']));
    r.peerDown('a', { gracefulRestart: true });
    expect(r.removePeer('a')).toHaveLength(1);
    expect(r.locRibSize()).toBe(0);
    expect(r.peerIds()).toEqual([]);
    expect(r.attributeSetCount).toBe(0);
  });

  it('an import policy change asks for ROUTE-REFRESH', () => {
    const r = rib();
    up(r, { id: 'a', address: '10.0.0.1', remoteAs: 64999 });
    const strict: Policy = { terms: [], defaultResult: 'reject' };
    expect(r.setPolicies('a', { importPolicy: strict, exportPolicy: ACCEPT_ALL })).toEqual({
      routeRefreshNeeded: true,
    });
    // Only the export policy changed: applied locally at the next pendingExports().
    expect(
      r.setPolicies('a', { importPolicy: strict, exportPolicy: { terms: [], defaultResult: 'reject' } })
        .routeRefreshNeeded,
    ).toBe(false);
    r.peerDown('a');
    expect(r.setPolicies('a', { exportPolicy: ACCEPT_ALL }).routeRefreshNeeded).toBe(false);
  });
});

describe('RibManager: next-hop resolvability (RFC 4271 §9.1.2)', () => {
  it('does not select a route whose next hop does not resolve, and re-decides when reachability changes', () => {
    const reachable = new Set(['10.0.0.1', '10.0.0.2']);
    const r = new RibManager({
      localAs: LOCAL_AS,
      routerId: '10.200.0.101',
      nextHopResolvable: (nh) => reachable.has(nh),
    });
    up(r, { id: 'a', address: '10.0.0.1', remoteAs: 64999 });
    up(r, { id: 'b', address: '10.0.0.2', remoteAs: 64998 });
    r.updateFromPeer('a', announce(['10.1.0.0/16'], { nextHop: '10.0.0.1' }));
    r.updateFromPeer('b', announce(['10.1.0.0/16'], { nextHop: '10.0.0.2', asPath: [seq(64998, 1, 2)] }));
    expect(r.lookup('10.1.0.0/16').best?.peerId).toBe('a');
    reachable.delete('10.0.0.1');
    const changes = r.nextHopsChanged();
    expect(changes.map((c) => c.best?.peerId)).toEqual(['b']);
    reachable.delete('10.0.0.2');
    expect(r.nextHopsChanged().map((c) => c.best)).toEqual([undefined]);
    expect(r.lookup('10.1.0.0/16').candidates).toHaveLength(2);
    reachable.add('10.0.0.1');
    expect(r.nextHopsChanged().map((c) => c.best?.peerId)).toEqual(['a']);
  });
});

describe('RibManager: next hop per family', () => {
  it('does not advertise a family for which the session has no next-hop-self address', () => {
    const r = rib();
    r.addPeer({
      id: 'v6only',
      address: 'fc00::1',
      remoteAs: 64999,
      importPolicy: ACCEPT_ALL,
      exportPolicy: ACCEPT_ALL,
    });
    r.peerUp('v6only', { routerId: '10.0.0.9', nextHopSelf: { ipv6: 'fc00::101' } });
    r.originate('202.38.80.16/28');
    r.originate('2a02:1810:248b:3b0a::/64');
    expect(summarize(r.fullExport('v6only')).announced).toEqual({
      '2a02:1810:248b:3b0a::/64': { nextHop: 'fc00::101', asPath: [LOCAL_AS] },
    });
    expect(r.counts('v6only')).toEqual({ received: 0, accepted: 0, advertised: 1 });
  });
});
