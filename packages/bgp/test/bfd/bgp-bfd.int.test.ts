import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrrInstance, Lab, frrNeighborState, waitFor } from '@cairn/harness';
import { BfdService } from '@cairn/bfd';
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
  type ReferenceLab,
  upstreamConfig,
} from '../speaker/lab.js';

// RFC 5882 with FRR 8.4 bgpd + bfdd (`neighbor X bfd`): the reference scenario (CloudStack routed
// mode, TCP-MD5) with Cairn's BgpSpeaker using BfdService as the liveness source of both peers.
// FRR runs BFD for the IPv4 session only, so Cairn's BFD session for the IPv6 peer never comes Up.

interface FrrBfdPeer {
  peer: string;
  status: string;
  diagnostic: string;
  'remote-receive-interval': number;
  'remote-transmit-interval': number;
  'remote-detect-multiplier': number;
}

const GUEST = '202.38.80.16/28';
const LOSS =
  'nft add table inet loss; nft add chain inet loss in "{ type filter hook input priority 0; policy drop; }"; nft add chain inet loss out "{ type filter hook output priority 0; policy drop; }"';

describe('BGP session liveness from BFD against FRR bgpd + bfdd (RFC 5882)', () => {
  const lab = Lab.create('bgp-bfd');
  let net: ReferenceLab;
  let frr: FrrInstance;
  let speaker: BgpSpeaker;
  let bfd: BfdService;
  const events: (SpeakerEvent & { at: number })[] = [];

  const frrBfd = async (peer: string) =>
    (await frr.json<FrrBfdPeer[]>('show bfd peers json')).find((p) => p.peer === peer);
  const established = async () =>
    speaker.peerState(UPSTREAM_V4) === 'Established' &&
    speaker.peerState(UPSTREAM_V6) === 'Established' &&
    (await frrNeighborState(frr, CAIRN_V4)) === 'Established' &&
    (await frrNeighborState(frr, CAIRN_V6)) === 'Established';
  const frrHasGuestRoute = async () => (await frrPaths(frr, 'ipv4', GUEST)).some((p) => p.valid);

  beforeAll(async () => {
    net = await referenceLab(lab);
    frr = await FrrInstance.start(net.upstream, {
      daemons: ['zebra', 'bfdd', 'bgpd'],
      config: upstreamConfig({ extra: [` neighbor ${CAIRN_V4} bfd`] }),
    });
    const logger = pino({ level: process.env.CAIRN_TEST_LOG ?? 'silent' });
    bfd = new BfdService({ logger, netns: net.vr.name });
    speaker = cairnSpeaker(net.vr);
    for (const peer of cairnPeers({ liveness: bfd })) speaker.addPeer(peer);
    void (async () => {
      for await (const event of speaker.events()) events.push({ ...event, at: performance.now() });
    })();
    speaker.announce(GUEST);
    await speaker.start();
  });

  afterAll(async () => {
    await speaker?.stop();
    await bfd?.close();
    await frr?.stop();
    await lab.destroy();
  });

  it('brings BGP up with BFD 300 ms × 3 on the IPv4 session, and BGP on IPv6 although its BFD session never comes Up', async () => {
    await waitFor(established, { what: 'both BGP sessions Established on both sides', timeoutMs: 60_000 });
    await waitFor(async () => (await frrBfd(CAIRN_V4))?.status === 'up' && bfd.state({ peer: UPSTREAM_V4 }) === 'up', {
      what: 'BFD Up for 10.200.0.1 on both sides',
      timeoutMs: 30_000,
    });
    expect(await frrBfd(CAIRN_V4)).toMatchObject({
      'remote-receive-interval': 300,
      'remote-transmit-interval': 300,
      'remote-detect-multiplier': 3,
    });
    // RFC 5882 §3.2: a BFD session that never came Up does not hold BGP down.
    expect(bfd.state({ peer: UPSTREAM_V6 })).toBe('down');
    expect(speaker.peerState(UPSTREAM_V6)).toBe('Established');
    await waitFor(frrHasGuestRoute, { what: `FRR has ${GUEST} from Cairn` });
  });

  it('tears BGP down as soon as BFD goes down, well before the 9 s hold time; FRR withdraws the routes; both come back', async () => {
    await waitFor(
      async () => (await established()) && (await frrHasGuestRoute()) && bfd.state({ peer: UPSTREAM_V4 }) === 'up',
      {
        what: 'BGP Established, BFD Up and the guest route at FRR',
        timeoutMs: 60_000,
      },
    );
    const cutAt = performance.now();
    await Promise.all([net.vr.sh(LOSS), net.upstream.sh(LOSS)]);
    // Cairn: BFD detection (900 ms) → the IPv4 BGP session leaves Established.
    const left = await waitFor(
      () =>
        events.find(
          (e) => e.type === 'peer-state' && e.peer === UPSTREAM_V4 && e.from === 'Established' && e.at >= cutAt,
        ),
      { what: 'Cairn IPv4 session to leave Established', timeoutMs: 15_000, intervalMs: 20 },
    );
    const cairnDownMs = left.at - cutAt;
    // FRR: its bfdd tells bgpd, which drops the session and Cairn's route.
    await waitFor(async () => !(await frrHasGuestRoute()), {
      what: `FRR to withdraw ${GUEST}`,
      timeoutMs: 15_000,
      intervalMs: 50,
    });
    const frrWithdrawMs = performance.now() - cutAt;
    expect(await frrNeighborState(frr, CAIRN_V4)).not.toBe('Established');
    expect((await frrBfd(CAIRN_V4))?.diagnostic).toBe('control detection time expired');
    expect(left.type === 'peer-state' && left.reason).toMatch(/liveness|BFD/i);
    // Hold time is 9 s: anything under 5 s even on a loaded 2-core machine can only be BFD (detect time 0.9 s).
    expect(cairnDownMs).toBeLessThan(5_000);
    expect(frrWithdrawMs).toBeLessThan(5_000);
    console.log(
      `BFD-driven teardown: Cairn ${cairnDownMs.toFixed(0)} ms, FRR withdrew the route after ${frrWithdrawMs.toFixed(0)} ms`,
    );

    await Promise.all([net.vr.sh('nft delete table inet loss'), net.upstream.sh('nft delete table inet loss')]);
    await waitFor(async () => bfd.state({ peer: UPSTREAM_V4 }) === 'up' && (await frrBfd(CAIRN_V4))?.status === 'up', {
      what: 'BFD Up again',
      timeoutMs: 30_000,
    });
    // Back through the normal FSM (Idle → Connect/Active → OpenSent → OpenConfirm → Established).
    await waitFor(established, { what: 'BGP Established again', timeoutMs: 60_000 });
    await waitFor(frrHasGuestRoute, { what: `FRR to have ${GUEST} again`, timeoutMs: 30_000 });
    expect(
      events.some((e) => e.type === 'peer-state' && e.peer === UPSTREAM_V4 && e.to === 'OpenSent' && e.at > cutAt),
    ).toBe(true);
  });

  it('publishes the sessions like `show bfd peers json`', () => {
    const rows = bfd.bfdPeersSnapshot();
    expect(rows.find((r) => r.peer === UPSTREAM_V4)).toMatchObject({
      status: 'up',
      'detect-multiplier': 3,
      'receive-interval': 300,
      'transmit-interval': 300,
      'session-down': 1,
    });
    expect(rows.find((r) => r.peer === UPSTREAM_V6)).toMatchObject({ status: 'down', 'session-up': 0 });
  });
});
