import { describe, expect, it } from 'vitest';
import { BFD_SLOW_TX_US, BfdDiagnostic, BfdState } from '../src/constants.js';
import { BfdConfigError } from '../src/errors.js';
import type { ControlPacket } from '../src/packet.js';
import {
  type BfdSessionParameters,
  createSession,
  detectionTimeUs,
  jitteredIntervalMs,
  stepSession,
  transmitIntervalUs,
} from '../src/session.js';
import { SimulatedLink, seededRandom } from './simulated-link.js';

const fast = (localDiscriminator: number, overrides: Partial<BfdSessionParameters> = {}): BfdSessionParameters => ({
  localDiscriminator,
  desiredMinTxUs: 300_000,
  requiredMinRxUs: 300_000,
  detectMultiplier: 3,
  ...overrides,
});

function upLink(a = fast(0x1111), b = fast(0x2222)): SimulatedLink {
  const link = new SimulatedLink(createSession(a, 0), createSession(b, 0));
  link.runUntil(5_000);
  return link;
}

/** Gaps between consecutive periodic packets (Final replies and state-change packets excluded). */
function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

describe('BFD session state machine (RFC 5880 §6)', () => {
  it('brings two sessions Up through Down → Init → Up (§6.2, §6.8.6) and learns discriminators', () => {
    const link = upLink();
    expect(link.a.sessionState).toBe(BfdState.Up);
    expect(link.b.sessionState).toBe(BfdState.Up);
    expect(link.a.remoteDiscriminator).toBe(0x2222);
    expect(link.b.remoteDiscriminator).toBe(0x1111);
    const pathA = link.changes.filter((c) => c.side === 'a').map((c) => c.to);
    const pathB = link.changes.filter((c) => c.side === 'b').map((c) => c.to);
    // One side sees Down first (→ Init), the other then sees Init (→ Up directly).
    expect([pathA, pathB]).toContainEqual([BfdState.Init, BfdState.Up]);
    expect([...pathA, ...pathB].every((s) => s === BfdState.Init || s === BfdState.Up)).toBe(true);
    expect(link.a.counters.sessionUpEvents).toBe(1);
  });

  it('transmits at most once a second while not Up, advertising DesiredMinTx ≥ 1 s (§6.8.3)', () => {
    // The peer never answers: the session stays Down.
    const link = new SimulatedLink(createSession(fast(1), 0), createSession(fast(2, { passive: true }), 0));
    link.linkUp = false;
    link.runUntil(20_000);
    const sent = link.sentBy('a');
    expect(sent.length).toBeGreaterThan(15);
    expect(sent.every((s) => s.packet.state === BfdState.Down && s.packet.desiredMinTxUs === BFD_SLOW_TX_US)).toBe(
      true,
    );
    for (const gap of gaps(sent.map((s) => s.at))) {
      expect(gap).toBeGreaterThanOrEqual(750);
      expect(gap).toBeLessThanOrEqual(1000);
    }
  });

  it('moves to the configured 300 ms once Up through a Poll Sequence answered by a Final (§6.5, §6.8.3)', () => {
    const link = upLink();
    const upAt = link.changes.find((c) => c.side === 'a' && c.to === BfdState.Up)!.at;
    const polls = link.sentBy('a').filter((s) => s.packet.poll);
    expect(polls.length).toBeGreaterThan(0);
    expect(polls[0]!.packet).toMatchObject({ state: BfdState.Up, desiredMinTxUs: 300_000 });
    expect(link.sentBy('b').some((s) => s.packet.final && !s.packet.poll)).toBe(true);
    expect(link.a.pollActive).toBe(false);
    expect(transmitIntervalUs(link.a)).toBe(300_000);
    // §6.8.4: Detection Time = remote Detect Mult × max(RequiredMinRx, remote DesiredMinTx) = 900 ms.
    expect(detectionTimeUs(link.a)).toBe(900_000);
    const periodic = link
      .sentBy('a', upAt + 500)
      .filter((s) => !s.packet.final)
      .map((s) => s.at);
    expect(periodic.length).toBeGreaterThan(10);
    for (const gap of gaps(periodic)) {
      // §6.8.7 jitter: 75–100 % of 300 ms.
      expect(gap).toBeGreaterThanOrEqual(225);
      expect(gap).toBeLessThanOrEqual(300);
    }
  });

  it('keeps jitter within 75–90 % when Detect Mult is 1 (§6.8.7)', () => {
    const random = seededRandom(3);
    const samples = Array.from({ length: 1000 }, () => jitteredIntervalMs(300_000, 1, random()));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(225);
    expect(Math.max(...samples)).toBeLessThanOrEqual(270);
    expect(Math.max(...samples)).toBeGreaterThan(265);
    const three = Array.from({ length: 1000 }, () => jitteredIntervalMs(300_000, 3, random()));
    expect(Math.max(...three)).toBeGreaterThan(290);
  });

  it('goes Down with diagnostic 1 when the Detection Time passes without a packet (§6.8.4)', () => {
    const link = upLink();
    const cutAt = link.now;
    link.linkUp = false;
    link.runUntil(cutAt + 2_000);
    for (const side of ['a', 'b'] as const) {
      const down = link.changes.find((c) => c.side === side && c.to === BfdState.Down)!;
      expect(down.diagnostic).toBe(BfdDiagnostic.ControlDetectionTimeExpired);
      // The last packet arrived at most one TX interval before the cut; detection is 900 ms after it.
      expect(down.at - cutAt).toBeGreaterThan(900 - 300);
      expect(down.at - cutAt).toBeLessThanOrEqual(900);
    }
    expect(link.a.remoteDiscriminator).toBe(0);
    expect(link.a.desiredMinTxUs).toBe(BFD_SLOW_TX_US);
    expect(link.a.counters.sessionDownEvents).toBe(1);
    // Restored, the sessions come back Up on their own.
    link.linkUp = true;
    link.runUntil(link.now + 6_000);
    expect(link.a.sessionState).toBe(BfdState.Up);
    expect(link.b.sessionState).toBe(BfdState.Up);
  });

  it('follows the remote AdminDown to Down with diagnostic 3 and stays there until it is enabled (§6.8.6, §6.8.16)', () => {
    const link = upLink();
    link.deliver('b', { type: 'admin-down' });
    expect(link.b.sessionState).toBe(BfdState.AdminDown);
    expect(link.b.localDiagnostic).toBe(BfdDiagnostic.AdministrativelyDown);
    link.runUntil(link.now + 5_000);
    expect(link.a.sessionState).toBe(BfdState.Down);
    expect(link.a.localDiagnostic).toBe(BfdDiagnostic.NeighborSignaledSessionDown);
    expect(link.a.remoteDiagnostic).toBe(BfdDiagnostic.AdministrativelyDown);
    link.deliver('b', { type: 'admin-up' });
    link.runUntil(link.now + 5_000);
    expect(link.a.sessionState).toBe(BfdState.Up);
    expect(link.b.sessionState).toBe(BfdState.Up);
  });

  it('goes Down with diagnostic 3 when the remote system signals Down while Up (§6.8.6)', () => {
    const link = upLink();
    const remote: ControlPacket = {
      diagnostic: BfdDiagnostic.ControlDetectionTimeExpired,
      state: BfdState.Down,
      poll: false,
      final: false,
      controlPlaneIndependent: false,
      demand: false,
      detectMultiplier: 3,
      myDiscriminator: 0x2222,
      yourDiscriminator: 0,
      desiredMinTxUs: BFD_SLOW_TX_US,
      requiredMinRxUs: 300_000,
      requiredMinEchoRxUs: 0,
    };
    const actions = link.deliver('a', { type: 'packet', packet: remote });
    expect(actions).toContainEqual({
      type: 'state-change',
      from: BfdState.Up,
      to: BfdState.Down,
      diagnostic: BfdDiagnostic.NeighborSignaledSessionDown,
    });
    // The new state is sent at once, and the remote system's state is remembered.
    expect(actions.find((a) => a.type === 'send')).toMatchObject({ packet: { state: BfdState.Down, diagnostic: 3 } });
    expect(link.a.remoteDiagnostic).toBe(BfdDiagnostic.ControlDetectionTimeExpired);
  });

  it('answers a Poll with a Final at once and P clear (§6.5)', () => {
    const link = upLink();
    const poll: ControlPacket = { ...sampleFrom(link, 'b'), poll: true };
    const actions = link.deliver('a', { type: 'packet', packet: poll });
    const sends = actions.filter((a) => a.type === 'send');
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({ packet: { final: true, poll: false, state: BfdState.Up } });
  });

  it('defers a slower TX interval until the Final, and carries P on every packet meanwhile (§6.8.3)', () => {
    const link = upLink();
    link.linkUp = false; // hold the Final back
    link.deliver('a', { type: 'set-timers', desiredMinTxUs: 600_000 });
    expect(link.a.pollActive).toBe(true);
    expect(link.a.desiredMinTxUs).toBe(600_000);
    expect(transmitIntervalUs(link.a)).toBe(300_000);
    const from = link.now;
    link.runUntil(from + 500);
    expect(link.sentBy('a', from).every((s) => s.packet.poll)).toBe(true);
    link.linkUp = true;
    link.runUntil(link.now + 2_000);
    expect(link.a.pollActive).toBe(false);
    expect(transmitIntervalUs(link.a)).toBe(600_000);
    // The peer's detection time follows our new Desired Min TX: 3 × 600 ms.
    expect(detectionTimeUs(link.b)).toBe(1_800_000);
    expect(link.a.sessionState).toBe(BfdState.Up);
  });

  it('keeps the longer detection time until the Final when RequiredMinRx shrinks (§6.8.3)', () => {
    const link = upLink(fast(1, { requiredMinRxUs: 1_000_000 }), fast(2));
    expect(detectionTimeUs(link.a)).toBe(3_000_000);
    link.linkUp = false;
    link.deliver('a', { type: 'set-timers', requiredMinRxUs: 300_000 });
    expect(detectionTimeUs(link.a)).toBe(3_000_000);
    link.linkUp = true;
    link.runUntil(link.now + 1_500);
    expect(link.a.sessionState).toBe(BfdState.Up);
    expect(detectionTimeUs(link.a)).toBe(900_000);
  });

  it('discards packets with a foreign Your Discriminator or an authentication section (§6.8.6)', () => {
    const link = upLink();
    const good = sampleFrom(link, 'b');
    const wrong = link.deliver('a', { type: 'packet', packet: { ...good, yourDiscriminator: 999 } });
    expect(wrong).toEqual([expect.objectContaining({ type: 'discarded' })]);
    const authed = link.deliver('a', {
      type: 'packet',
      packet: { ...good, authentication: { type: 1, keyId: 1, password: new Uint8Array([1]) } },
    });
    expect(authed).toEqual([expect.objectContaining({ type: 'discarded' })]);
    expect(link.a.counters.controlPacketsDiscarded).toBe(2);
  });

  it('in the passive role sends nothing until it hears the remote system (§6.1)', () => {
    const link = new SimulatedLink(createSession(fast(1, { passive: true }), 0), createSession(fast(2), 0));
    link.linkUp = false;
    link.runUntil(10_000);
    expect(link.sentBy('a')).toHaveLength(0);
    expect(link.sentBy('b').length).toBeGreaterThan(5);
    link.linkUp = true;
    link.runUntil(15_000);
    expect(link.a.sessionState).toBe(BfdState.Up);
  });

  it('stops periodic transmission when the remote system asks for a zero RX interval (§6.8.7)', () => {
    const link = upLink();
    const silent = { ...sampleFrom(link, 'b'), requiredMinRxUs: 0 };
    link.deliver('a', { type: 'packet', packet: silent });
    expect(link.a.nextTransmitAt).toBeUndefined();
  });

  it('never changes the session it was given (pure step)', () => {
    const session = createSession(fast(1), 0);
    const copy = structuredClone(session);
    stepSession(session, { type: 'timer' }, 10);
    stepSession(session, { type: 'admin-down' }, 10);
    expect(session).toEqual(copy);
  });

  it('rejects parameters outside the protocol ranges with BfdConfigError', () => {
    expect(() => createSession(fast(0), 0)).toThrow(BfdConfigError);
    expect(() => createSession(fast(1, { detectMultiplier: 0 }), 0)).toThrow(BfdConfigError);
    expect(() => createSession(fast(1, { desiredMinTxUs: 0 }), 0)).toThrow(BfdConfigError);
  });
});

function sampleFrom(link: SimulatedLink, side: 'a' | 'b'): ControlPacket {
  const last = link
    .sentBy(side)
    .filter((s) => !s.packet.final && !s.packet.poll)
    .at(-1);
  if (!last) throw new Error(`no plain packet from ${side}`);
  return last.packet;
}
