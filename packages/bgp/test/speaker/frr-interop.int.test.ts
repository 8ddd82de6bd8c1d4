import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrrInstance, Lab, frrNeighborState, waitFor } from '@cairn/harness';
import type { LivenessSource } from '../../src/liveness.js';
import type { BgpSpeaker, SpeakerEvent } from '../../src/speaker/index.js';
import {
  CAIRN_V4,
  CAIRN_V6,
  UPSTREAM_V4,
  UPSTREAM_V6,
  cairnPeers,
  cairnSpeaker,
  frrPaths,
  referenceLab,
  startUpstream,
  type ReferenceLab,
} from './lab.js';

// The reference scenario against FRR 8.4 bgpd in network namespaces: dual-stack eBGP with TCP-MD5,
// announcements, FRR's default route, restarts, a frozen FRR, route refresh, admin shutdown.
describe('BgpSpeaker against FRR 8.4 (reference scenario)', () => {
  const lab = Lab.create('speaker-frr');
  let net: ReferenceLab;
  let frr: FrrInstance;
  let speaker: BgpSpeaker;
  const events: SpeakerEvent[] = [];

  const established = async (what: string) => {
    await waitFor(
      async () =>
        speaker.peerState(UPSTREAM_V4) === 'Established' &&
        speaker.peerState(UPSTREAM_V6) === 'Established' &&
        (await frrNeighborState(frr, CAIRN_V4)) === 'Established' &&
        (await frrNeighborState(frr, CAIRN_V6)) === 'Established',
      { what, timeoutMs: 60_000 },
    );
  };

  beforeAll(async () => {
    net = await referenceLab(lab);
    frr = await startUpstream(net.upstream);
    speaker = cairnSpeaker(net.vr);
    for (const peer of cairnPeers()) speaker.addPeer(peer);
    void (async () => {
      for await (const event of speaker.events()) events.push(event);
    })();
    await speaker.start();
  });
  afterAll(async () => {
    await speaker?.stop();
    await frr?.stop();
    await lab.destroy();
  });

  it('brings up the IPv4 and IPv6 sessions with TCP-MD5 "password3"', async () => {
    await established('both sessions Established on both sides');
    const summary = speaker.summary();
    expect(summary.ipv4Unicast?.peers[UPSTREAM_V4]?.state).toBe('Established');
    expect(summary.ipv6Unicast?.peers[UPSTREAM_V6]?.state).toBe('Established');
    expect(summary.ipv4Unicast?.routerId).toBe(CAIRN_V4);
    const sockets = await net.vr.exec('ss', ['-Htni', 'dport = :179 or sport = :179']);
    expect(sockets.stdout).toContain('md5');
    expect(events.some((e) => e.type === 'peer-state' && e.peer === UPSTREAM_V4 && e.to === 'Established')).toBe(true);
  });

  it("learns FRR's default routes and selects them", async () => {
    await waitFor(() => speaker.routes('0.0.0.0/0').find((r) => r.best), { what: 'IPv4 default learned' });
    const v4 = speaker.routes('0.0.0.0/0').find((r) => r.best)!;
    expect(v4).toMatchObject({ from: UPSTREAM_V4, nextHop: UPSTREAM_V4, asPath: [64999] });
    await waitFor(() => speaker.routes('::/0').filter((r) => r.from === UPSTREAM_V6).length > 0, {
      what: 'IPv6 default learned',
    });
    const v6 = speaker.routes('::/0').find((r) => r.best)!;
    expect(v6.asPath).toEqual([64999]);
    const summary = speaker.summary();
    expect(summary.ipv4Unicast?.peers[UPSTREAM_V4]?.pfxRcd).toBe(1);
    expect(summary.ipv6Unicast?.peers[UPSTREAM_V6]?.pfxRcd).toBe(1);
    expect(events.some((e) => e.type === 'best-path' && e.prefix === '0.0.0.0/0' && e.best?.from === UPSTREAM_V4)).toBe(
      true,
    );
  });

  it('announces the guest /28, /64 and the /48 aggregate: FRR has them with next hop and AS path 65053', async () => {
    speaker.announce('202.38.80.16/28');
    speaker.announce('2a02:1810:248b:3b0a::/64');
    speaker.announce('2a02:1810:248b::/48', {}, { aggregate: true });
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '202.38.80.16/28')).length > 0, {
      what: 'FRR to learn 202.38.80.16/28',
    });
    const [v4] = await frrPaths(frr, 'ipv4', '202.38.80.16/28');
    expect(v4?.aspath?.string).toBe('65053');
    expect(v4?.nexthops?.[0]?.ip).toBe(CAIRN_V4);
    for (const prefix of ['2a02:1810:248b:3b0a::/64', '2a02:1810:248b::/48']) {
      // Over both sessions (MP-BGP on the IPv4 one too), each with the global next hop.
      await waitFor(async () => (await frrPaths(frr, 'ipv6', prefix)).length === 2, {
        what: `FRR to learn ${prefix} over both sessions`,
      });
      for (const path of await frrPaths(frr, 'ipv6', prefix)) {
        expect(path.aspath?.string).toBe('65053');
        expect(path.nexthops?.find((n) => n.scope === 'global')?.ip).toBe(CAIRN_V6);
        expect(path.valid).toBe(true);
      }
    }
    expect(speaker.summary().ipv4Unicast?.peers[UPSTREAM_V4]?.pfxSnt).toBe(1);
  });

  it('withdraws: the prefixes disappear from FRR', async () => {
    speaker.withdraw('202.38.80.16/28');
    speaker.withdraw('2a02:1810:248b:3b0a::/64');
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '202.38.80.16/28')).length === 0, {
      what: 'FRR to drop 202.38.80.16/28',
    });
    await waitFor(async () => (await frrPaths(frr, 'ipv6', '2a02:1810:248b:3b0a::/64')).length === 0, {
      what: 'FRR to drop the /64',
    });
    expect(await frrPaths(frr, 'ipv6', '2a02:1810:248b::/48')).toHaveLength(2);
    speaker.announce('202.38.80.16/28');
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '202.38.80.16/28')).length > 0, {
      what: 'FRR to learn the /28 again',
    });
  });

  it('answers ROUTE-REFRESH from `clear bgp ... soft in`', async () => {
    const neighbor = async () =>
      (
        await frr.json<Record<string, { messageStats?: { routeRefreshSent?: number; updatesRecv?: number } }>>(
          `show bgp neighbors ${CAIRN_V4} json`,
        )
      )[CAIRN_V4]!.messageStats!;
    const before = await neighbor();
    const sentBefore = speaker.summary().ipv4Unicast!.peers[UPSTREAM_V4]!.msgSent;
    await frr.vtysh(`clear bgp ipv4 unicast ${CAIRN_V4} soft in`);
    await waitFor(async () => (await neighbor()).routeRefreshSent! > (before.routeRefreshSent ?? 0), {
      what: 'FRR to send ROUTE-REFRESH',
    });
    // Cairn answers with its Adj-RIB-Out for IPv4: FRR receives UPDATEs again.
    await waitFor(async () => (await neighbor()).updatesRecv! > before.updatesRecv!, {
      what: 'FRR to receive the re-advertisement',
    });
    expect(speaker.summary().ipv4Unicast!.peers[UPSTREAM_V4]!.msgSent).toBeGreaterThan(sentBefore);
    expect(await frrPaths(frr, 'ipv4', '202.38.80.16/28')).toHaveLength(1);
  });

  it('asks FRR for its routes again (ROUTE-REFRESH) when the import policy changes, and applies the new policy', async () => {
    const neighbor = async () =>
      (
        await frr.json<Record<string, { messageStats?: { routeRefreshRecv?: number } }>>(
          `show bgp neighbors ${CAIRN_V4} json`,
        )
      )[CAIRN_V4]!.messageStats!;
    const before = (await neighbor()).routeRefreshRecv ?? 0;
    const peer = cairnPeers()[0]!;
    speaker.updatePeer({
      ...peer,
      importPolicy: { terms: [{ match: { family: 'ipv6' }, result: 'accept' }], defaultResult: 'reject' },
    });
    await waitFor(async () => ((await neighbor()).routeRefreshRecv ?? 0) > before, {
      what: 'FRR to receive ROUTE-REFRESH',
    });
    await waitFor(() => speaker.routes('0.0.0.0/0').every((r) => r.from !== UPSTREAM_V4), {
      what: 'the IPv4 default rejected by the new policy',
    });
    speaker.updatePeer(peer);
    await waitFor(() => speaker.routes('0.0.0.0/0').some((r) => r.from === UPSTREAM_V4), {
      what: 'the IPv4 default accepted again after a second refresh',
    });
    expect(speaker.peerState(UPSTREAM_V4)).toBe('Established');
  });

  it('detects a frozen FRR (SIGSTOP) by hold timer expiry, and recovers after SIGCONT', async () => {
    frr.signal('bgpd', 'SIGSTOP');
    try {
      await waitFor(() => speaker.peerState(UPSTREAM_V4) !== 'Established', {
        what: 'hold timer (9 s) to expire',
        timeoutMs: 30_000,
      });
      const down = events.find((e) => e.type === 'peer-state' && e.peer === UPSTREAM_V4 && e.from === 'Established');
      expect(down).toMatchObject({ to: 'Idle', reason: 'hold timer expired' });
      // The routes learned from the dead peer are gone.
      expect(speaker.routes('0.0.0.0/0').filter((r) => r.from === UPSTREAM_V4)).toHaveLength(0);
    } finally {
      frr.signal('bgpd', 'SIGCONT');
    }
    await established('sessions back after SIGCONT');
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '202.38.80.16/28')).length > 0, {
      what: 'FRR to have the /28 again',
    });
  });

  it('tears the session down at once when a bound liveness source reports the neighbour down (RFC 5882)', async () => {
    let report: ((state: 'up' | 'down', reason: string) => void) | undefined;
    let watched: { peer: string } | undefined;
    const fake: LivenessSource = {
      watch(target, onChange) {
        watched = target;
        report = onChange;
        return () => (report = undefined);
      },
    };
    const peer = cairnPeers()[0]!;
    // Binding a liveness source is a change that does not touch the session.
    speaker.updatePeer({ ...peer, liveness: fake });
    expect(watched?.peer).toBe(UPSTREAM_V4);
    expect(speaker.peerState(UPSTREAM_V4)).toBe('Established');
    report!('up', 'BFD up');
    expect(speaker.peerState(UPSTREAM_V4)).toBe('Established');
    report!('down', 'BFD control detection time expired');
    // At once, in the same call: not the hold timer.
    expect(speaker.peerState(UPSTREAM_V4)).toBe('Idle');
    await waitFor(
      () =>
        events.find(
          (e) =>
            e.type === 'peer-state' &&
            e.peer === UPSTREAM_V4 &&
            e.reason === 'liveness source down: BFD control detection time expired',
        ),
      { what: 'the peer-state event with the liveness reason' },
    );
    await established('IPv4 session back after the liveness source went down');
    speaker.updatePeer(peer);
    expect(report).toBeUndefined(); // unbinding stops the watch
  });

  it('admin shutdown sends the RFC 9003 message, which FRR shows; enabling brings the session back', async () => {
    speaker.shutdownPeer(UPSTREAM_V6, 'Cairn maintenance, back at 05:00');
    await waitFor(async () => (await frrNeighborState(frr, CAIRN_V6)) !== 'Established', {
      what: 'FRR to see the IPv6 session go down',
    });
    const neighbor = await frr.json<Record<string, Record<string, unknown>>>(`show bgp neighbors ${CAIRN_V6} json`);
    expect(JSON.stringify(neighbor[CAIRN_V6])).toContain('Cairn maintenance, back at 05:00');
    expect(speaker.summary().ipv6Unicast!.peers[UPSTREAM_V6]).toMatchObject({
      state: 'Idle (Admin)',
      peerState: 'Admin',
    });
    expect(speaker.peerState(UPSTREAM_V4)).toBe('Established');
    speaker.enablePeer(UPSTREAM_V6);
    await established('IPv6 session back after enable');
  });

  it('changes one peer without touching the other: a new hold time resets only that session with a NOTIFICATION', async () => {
    type FrrNeighbor = { messageStats: { notificationsRecv: number }; connectionsDropped: number };
    const frrNeighbor = async (address: string) => {
      const n = (await frr.json<Record<string, FrrNeighbor>>(`show bgp neighbors ${address} json`))[address]!;
      return { notificationsRecv: n.messageStats.notificationsRecv, connectionsDropped: n.connectionsDropped };
    };
    const v6Before = await frrNeighbor(CAIRN_V6);
    const v4Before = await frrNeighbor(CAIRN_V4);
    const mark = events.length;
    speaker.updatePeer({ ...cairnPeers()[1]!, holdTime: 12 });
    await waitFor(
      () =>
        events.slice(mark).some((e) => e.type === 'peer-state' && e.peer === UPSTREAM_V6 && e.from === 'Established'),
      {
        what: 'the IPv6 session reset',
      },
    );
    await established('the IPv6 session back with the new hold time');
    expect(speaker.summary().ipv6Unicast!.peers[UPSTREAM_V6]!.negotiatedHoldTime).toBe(9); // min(12, FRR's 9)
    // FRR got a NOTIFICATION (Cease/Other Configuration Change) on the IPv6 session only.
    expect((await frrNeighbor(CAIRN_V6)).notificationsRecv).toBeGreaterThan(v6Before.notificationsRecv);
    expect(await frrNeighbor(CAIRN_V4)).toMatchObject({
      notificationsRecv: v4Before.notificationsRecv,
      connectionsDropped: v4Before.connectionsDropped,
    });
    expect(events.slice(mark).filter((e) => e.type === 'peer-state' && e.peer === UPSTREAM_V4)).toEqual([]);
  });

  it('survives an FRR restart: sessions come back and FRR relearns the announcements', async () => {
    speaker.announce('202.38.80.16/28');
    speaker.announce('2a02:1810:248b::/48', {}, { aggregate: true });
    await frr.stop();
    await waitFor(() => speaker.peerState(UPSTREAM_V4) !== 'Established', { what: 'Cairn to see FRR gone' });
    frr = await startUpstream(net.upstream);
    await established('sessions back after the FRR restart');
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '202.38.80.16/28')).length > 0, {
      what: 'FRR to relearn the /28',
    });
    await waitFor(async () => (await frrPaths(frr, 'ipv6', '2a02:1810:248b::/48')).length === 2, {
      what: 'FRR to relearn the /48',
    });
  });

  it('removing a peer sends Cease/Peer De-configured and withdraws what it learned from it', async () => {
    await waitFor(() => speaker.routes('::/0').some((r) => r.from === UPSTREAM_V6), {
      what: 'the IPv6 default from the IPv6 peer',
    });
    speaker.removePeer(UPSTREAM_V6);
    await waitFor(
      async () => JSON.stringify(await frr.json(`show bgp neighbors ${CAIRN_V6} json`)).includes('Peer De-configured'),
      {
        what: 'FRR to report Cease/Peer De-configured',
      },
    );
    expect(speaker.routes('::/0').filter((r) => r.from === UPSTREAM_V6)).toEqual([]);
    expect(speaker.peers()).toEqual([UPSTREAM_V4]);
    expect(speaker.peerState(UPSTREAM_V4)).toBe('Established');
  });
});
