import { describe, expect, it } from 'vitest';
import { ACCEPT_ALL, RFC8212_NO_EXPORT, RFC8212_NO_IMPORT, RibManager, WELL_KNOWN_COMMUNITY, formatPrefix, parsePrefix, type ExportBatch, type Policy, type RibPeerConfig } from '../../src/index.js';
import { announce, seq, withdraw } from './fixtures.js';

const LOCAL_AS = 65053;

function rib(options: { maxPaths?: number } = {}): RibManager {
  return new RibManager({ localAs: LOCAL_AS, routerId: '10.200.0.101', ...options });
}

/** Adds a peer and brings its session up; its next-hop-self addresses derive from its address. */
function up(r: RibManager, config: Partial<RibPeerConfig> & { id: string; address: string; remoteAs: number }, routerId = config.address): void {
  r.addPeer({ importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL, ...config });
  r.peerUp(config.id, { routerId, nextHopSelf: { ipv4: `192.0.2.${config.id.length}`, ipv6: 'fc00::101' } });
}

/** Exports as { prefix text → { nextHop, asPath, ... } } plus withdrawn texts, for readable assertions. */
function summarize(batch: ExportBatch) {
  const announced: Record<string, { nextHop: string; asPath: number[]; localPref?: number; med?: number; communities?: number[] }> = {};
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
    expect(r.lookup('2001:db8::/32').best?.attributes.nextHop).toBe('fc00::1');
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
    expect(r.lookup('10.1.0.0/16').best?.attributes.localPref).toBe(100);
    expect(r.lookup('10.2.0.0/16').best?.attributes.localPref).toBe(500);
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
    expect(summarize(r.fullExport('i')).announced).toEqual({ '202.38.80.16/28': { nextHop: '10.0.0.4', asPath: [], localPref: 100 } });
    expect(r.policyBlocks('i')).toEqual({ import: undefined, export: undefined });
    r.setPolicies('e', { importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL });
    expect(Object.keys(summarize(r.pendingExports('e')).announced)).toEqual(['202.38.80.16/28']);
  });

  it('reports when accepted prefixes exceed maxPrefixes (RFC 4486 Cease subcode 1)', () => {
    const r = rib();
    up(r, { id: 'a', address: '10.0.0.1', remoteAs: 64999, maxPrefixes: 2 });
    expect(r.updateFromPeer('a', announce(['10.1.0.0/16', '10.2.0.0/16'])).maxPrefixExceeded).toBeUndefined();
    const over = r.updateFromPeer('a', announce(['10.3.0.0/16']));
    expect(over.maxPrefixExceeded).toEqual({ afi: 1, safi: 1, limit: 2, accepted: 3, notification: { code: 6, subcode: 1 } });
    r.peerDown('a');
    expect(r.locRibSize()).toBe(0);
  });
});
