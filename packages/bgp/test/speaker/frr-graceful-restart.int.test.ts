import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrrInstance, Lab, waitFor } from '@cairn/harness';
import type { BgpSpeaker, SpeakerEvent } from '../../src/speaker/index.js';
import {
  UPSTREAM_V4,
  cairnPeers,
  cairnSpeaker,
  frrPaths,
  referenceLab,
  startUpstream,
  upstreamConfig,
  type ReferenceLab,
} from './lab.js';

// Cairn as graceful-restart helper (RFC 4724 §4.2) for FRR with `bgp graceful-restart` and
// forwarding state preserved: when bgpd dies without a NOTIFICATION, FRR's routes stay (stale)
// until it is back and sends End-of-RIB; if it does not come back within its Restart Time they go.
describe('graceful restart helper against FRR 8.4', () => {
  const lab = Lab.create('speaker-gr');
  let net: ReferenceLab;
  let frr: FrrInstance;
  let speaker: BgpSpeaker;
  const events: SpeakerEvent[] = [];
  // A generous Restart Time while FRR restarts (a loaded CI machine may take seconds to start it), a
  // short one to watch it run out.
  const config = upstreamConfig({ gracefulRestart: true });
  const shortRestart = config.replace('restart-time 60', 'restart-time 5');

  beforeAll(async () => {
    net = await referenceLab(lab);
    frr = await startUpstream(net.upstream, config);
    speaker = cairnSpeaker(net.vr);
    speaker.addPeer({ ...cairnPeers()[0]!, families: ['ipv4'] });
    void (async () => {
      for await (const event of speaker.events()) events.push(event);
    })();
    await speaker.start();
    speaker.announce('202.38.80.16/28');
  });
  afterAll(async () => {
    await speaker?.stop();
    await frr?.stop();
    await lab.destroy();
  });

  const defaultFromFrr = () => speaker.routes('0.0.0.0/0').find((r) => r.from === UPSTREAM_V4);

  it('keeps the restarting peer’s routes while it is away and until its End-of-RIB', async () => {
    await waitFor(() => defaultFromFrr(), { what: "FRR's default route", timeoutMs: 60_000 });
    const mark = events.length;
    frr.signal('bgpd', 'SIGKILL'); // no NOTIFICATION: a restart as RFC 4724 means it
    await waitFor(() => speaker.peerState(UPSTREAM_V4) !== 'Established', { what: 'Cairn to see the session drop' });
    expect(defaultFromFrr()).toBeDefined();
    expect(speaker.rib.staleCount(UPSTREAM_V4)).toBeGreaterThan(0);
    await frr.stop();
    frr = await startUpstream(net.upstream, config);
    await waitFor(() => speaker.peerState(UPSTREAM_V4) === 'Established', {
      what: 'the session back',
      timeoutMs: 60_000,
    });
    await waitFor(async () => (await frrPaths(frr, 'ipv4', '202.38.80.16/28')).length > 0, {
      what: 'FRR to relearn the /28',
    });
    // FRR's End-of-RIB after the restart ends the stale state; the refreshed route stays.
    await waitFor(() => speaker.rib.staleCount(UPSTREAM_V4) === 0, {
      what: "FRR's End-of-RIB to clear the stale routes",
    });
    expect(defaultFromFrr()).toBeDefined();
    // The default route never left the Loc-RIB during the restart.
    const lost = events.slice(mark).filter((e) => e.type === 'best-path' && e.prefix === '0.0.0.0/0' && !e.best);
    expect(lost).toEqual([]);
  });

  it('removes the stale routes when the peer does not come back within its Restart Time', async () => {
    // FRR with a 5 s Restart Time in its OPEN (a clean stop first: Cease, so the routes go and come back).
    await frr.stop();
    frr = await startUpstream(net.upstream, shortRestart);
    await waitFor(() => speaker.peerState(UPSTREAM_V4) === 'Established' && defaultFromFrr(), {
      what: 'the session with the 5 s Restart Time',
      timeoutMs: 60_000,
    });
    frr.signal('bgpd', 'SIGKILL');
    await waitFor(() => speaker.peerState(UPSTREAM_V4) !== 'Established', { what: 'Cairn to see the session drop' });
    expect(defaultFromFrr()).toBeDefined();
    await waitFor(() => !defaultFromFrr(), {
      what: 'the stale default route to go after the 5 s restart time',
      timeoutMs: 30_000,
    });
    await frr.stop();
  });
});
