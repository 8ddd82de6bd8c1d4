import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ACCEPT_ALL } from '../../src/policy/index.js';
import { RibManager } from '../../src/rib/index.js';
import type { Clock } from '../../src/session/clock.js';
import { GracefulRestartHelper } from '../../src/session/graceful-restart.js';
import type { Afi, OpenMessage } from '../../src/wire/types.js';
import { announce } from '../rib/fixtures.js';

// RFC 4724 §4.2 as the receiving speaker: which families stay stale when a peer's session is lost,
// and what the OPEN after its restart does to them.
const PEER = '10.0.0.1';

/** Timers that run only when the test says so. */
class StepClock implements Clock {
  private time = 0;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  };
  clearTimeout = (handle: unknown) => void this.timers.delete(handle as number);
  advance(ms: number): void {
    this.time += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at > this.time) continue;
      this.timers.delete(id);
      timer.callback();
    }
  }
}

/** An OPEN with a Graceful Restart capability listing `families`, each with its Forwarding State bit. */
function openWith(families: { afi: Afi; forwardingPreserved: boolean }[], restartTime = 120): OpenMessage {
  return {
    type: 1,
    version: 4,
    asn: 64999,
    holdTime: 90,
    routerId: PEER,
    capabilities: [
      {
        code: 64,
        restarting: false,
        notification: false,
        restartTime,
        families: families.map((f) => ({ ...f, safi: 1 })),
      },
    ],
  };
}

function setup() {
  const rib = new RibManager({ localAs: 65053, routerId: '10.0.0.100' });
  rib.addPeer({ id: PEER, address: PEER, remoteAs: 64999, importPolicy: ACCEPT_ALL, exportPolicy: ACCEPT_ALL });
  rib.peerUp(PEER, { routerId: PEER, nextHopSelf: {} });
  rib.updateFromPeer(PEER, announce(['198.51.100.0/24', '2001:db8::/32']));
  const clock = new StepClock();
  const helper = new GracefulRestartHelper(PEER, rib, clock, pino({ level: 'silent' }), () => undefined);
  return { rib, clock, helper };
}

const both = new Set<Afi>([1, 2]);

describe('graceful restart helper (RFC 4724 §4.2)', () => {
  it('keeps every family of the capability stale on session loss, even with F=0 (BIRD, GoBGP on a normal start)', () => {
    const { rib, clock, helper } = setup();
    helper.sessionLost(
      openWith([
        { afi: 1, forwardingPreserved: false },
        { afi: 2, forwardingPreserved: false },
      ]),
      both,
      false,
    );
    expect(rib.staleCount(PEER)).toBe(2);
    expect(rib.lookup('198.51.100.0/24').best).toBeDefined();
    expect(rib.lookup('2001:db8::/32').best).toBeDefined();
    clock.advance(119_000);
    expect(rib.staleCount(PEER)).toBe(2);
    clock.advance(1_000); // the Restart Time ran out
    expect(rib.staleCount(PEER)).toBe(0);
    expect(rib.lookup('198.51.100.0/24').best).toBeUndefined();
  });

  it('flushes at once the families missing from the capability', () => {
    const { rib, helper } = setup();
    helper.sessionLost(openWith([{ afi: 1, forwardingPreserved: false }]), both, false);
    expect(rib.lookup('198.51.100.0/24').best).toBeDefined();
    expect(rib.lookup('2001:db8::/32').best).toBeUndefined();
  });

  it('after the restart: families whose F bit is now clear go at once, the others wait for End-of-RIB', () => {
    const { rib, helper } = setup();
    helper.sessionLost(
      openWith([
        { afi: 1, forwardingPreserved: false },
        { afi: 2, forwardingPreserved: false },
      ]),
      both,
      false,
    );
    rib.peerUp(PEER, { routerId: PEER, nextHopSelf: {} });
    helper.established(
      openWith([
        { afi: 1, forwardingPreserved: true },
        { afi: 2, forwardingPreserved: false },
      ]),
      both,
    );
    expect(rib.lookup('2001:db8::/32').best).toBeUndefined();
    expect(rib.lookup('198.51.100.0/24').best).toBeDefined();
    expect(rib.staleCount(PEER)).toBe(1);
    rib.updateFromPeer(PEER, announce(['198.51.100.0/24']));
    expect(rib.staleCount(PEER)).toBe(0); // refreshed
    helper.endOfRib(1);
    expect(rib.lookup('198.51.100.0/24').best).toBeDefined();
  });

  it('removes the routes when the session ended with a NOTIFICATION', () => {
    const { rib, helper } = setup();
    helper.sessionLost(openWith([{ afi: 1, forwardingPreserved: true }]), both, true);
    expect(rib.staleCount(PEER)).toBe(0);
    expect(rib.lookup('198.51.100.0/24').best).toBeUndefined();
  });
});
