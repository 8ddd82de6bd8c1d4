import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BFD_SLOW_TX_US, BfdState } from '../src/constants.js';
import type { ControlPacket } from '../src/packet.js';
import {
  type BfdSessionEvent,
  createSession,
  detectionTimeUs,
  nextWakeup,
  stepSession,
  transmitIntervalUs,
} from '../src/session.js';
import { SimulatedLink, seededRandom } from './simulated-link.js';

// Random event sequences (remote packets in any state and flag combination, timers, admin changes,
// timer changes) against the invariants RFC 5880 states as MUSTs.

const LOCAL = 0x0a0b0c0d;

const remotePacket: fc.Arbitrary<ControlPacket> = fc
  .record({
    state: fc.constantFrom(BfdState.AdminDown, BfdState.Down, BfdState.Init, BfdState.Up),
    pf: fc.constantFrom<[boolean, boolean]>([false, false], [true, false], [false, true]),
    demand: fc.boolean(),
    detectMultiplier: fc.integer({ min: 1, max: 10 }),
    ours: fc.boolean(),
    desiredMinTxUs: fc.constantFrom(0, 50_000, 300_000, 1_000_000),
    requiredMinRxUs: fc.constantFrom(0, 1, 100_000, 300_000, 1_000_000),
    diagnostic: fc.integer({ min: 0, max: 8 }),
  })
  .map(({ state, pf, ours, diagnostic, ...rest }) => ({
    ...rest,
    state,
    diagnostic: diagnostic as ControlPacket['diagnostic'],
    poll: pf[0],
    final: pf[1],
    controlPlaneIndependent: false,
    myDiscriminator: 77,
    // The codec only lets Your Discriminator 0 through in Down and AdminDown (§6.8.6).
    yourDiscriminator: ours || (state !== BfdState.Down && state !== BfdState.AdminDown) ? LOCAL : 0,
    requiredMinEchoRxUs: 0,
  }));

const event: fc.Arbitrary<{ advanceMs: number; event: BfdSessionEvent }> = fc.record({
  advanceMs: fc.integer({ min: 0, max: 3000 }),
  event: fc.oneof(
    { weight: 5, arbitrary: remotePacket.map((packet): BfdSessionEvent => ({ type: 'packet', packet })) },
    { weight: 1, arbitrary: fc.constantFrom<BfdSessionEvent>({ type: 'admin-down' }, { type: 'admin-up' }) },
    {
      weight: 1,
      arbitrary: fc
        .record({
          desiredMinTxUs: fc.constantFrom(100_000, 300_000, 2_000_000),
          requiredMinRxUs: fc.constantFrom(100_000, 300_000, 2_000_000),
        })
        .map((t): BfdSessionEvent => ({ type: 'set-timers', ...t })),
    },
  ),
});

describe('BFD session invariants under random event sequences (RFC 5880 §6.8)', () => {
  it('holds every MUST after every step', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: 5 }),
        fc.array(event, { maxLength: 60 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (passive, detectMultiplier, events, r) => {
          let now = 0;
          let session = createSession(
            { localDiscriminator: LOCAL, desiredMinTxUs: 300_000, requiredMinRxUs: 300_000, detectMultiplier, passive },
            now,
          );
          const check = (actions: ReturnType<typeof stepSession>['actions']) => {
            for (const action of actions) {
              if (action.type !== 'send') continue;
              const p = action.packet;
              expect(p.poll && p.final).toBe(false); // §4.1
              expect(p.myDiscriminator).toBe(LOCAL);
              expect(p.detectMultiplier).toBe(session.parameters.detectMultiplier);
              expect(p.demand).toBe(false); // we never ask for Demand mode
              expect(p.requiredMinEchoRxUs).toBe(0); // no Echo function (§6.8.9)
              if (passive) expect(session.remoteDiscriminator).not.toBe(0); // §6.8.7, passive role
            }
            // §6.8.3: at least one second while not Up.
            if (session.sessionState !== BfdState.Up)
              expect(session.desiredMinTxUs).toBeGreaterThanOrEqual(BFD_SLOW_TX_US);
            // §6.8.4: an Up session always has a Detection Time running.
            if (session.sessionState === BfdState.Up) expect(session.detectionDeadline).toBeGreaterThan(now - 1e-6);
            // A Poll Sequence only runs while Up.
            if (session.pollActive) expect(session.sessionState).toBe(BfdState.Up);
            // §6.8.7: the next periodic packet is due within one (jittered) interval, never in the past.
            if (session.nextTransmitAt !== undefined) {
              expect(session.nextTransmitAt).toBeGreaterThanOrEqual(now);
              expect(session.nextTransmitAt - now).toBeLessThanOrEqual(
                Math.max(transmitIntervalUs(session), session.desiredMinTxUs) / 1000 + 1e-6,
              );
            }
            // §6.8.7: no periodic transmission towards a remote system that asked for none.
            if (session.remoteMinRxUs === 0) expect(session.nextTransmitAt).toBeUndefined();
          };
          for (const { advanceMs, event: e } of events) {
            // Timers fire when the session asked, as the service delivers them, before the next event.
            const target = now + advanceMs;
            let firings = 0;
            for (let wake = nextWakeup(session); wake !== undefined && wake <= target; wake = nextWakeup(session)) {
              // A timer that does not move its own deadline would spin the service's event loop.
              if (++firings > 1000) throw new Error(`timer stuck at ${wake} ms: ${JSON.stringify(session)}`);
              now = Math.max(now, wake);
              const step = stepSession(session, { type: 'timer' }, now, () => r);
              session = step.session;
              check(step.actions);
            }
            now = target;
            const step = stepSession(session, e, now, () => r);
            session = step.session;
            check(step.actions);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('two sessions converge to Up with the configured timers after any stretch of loss, delay and jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 30_000 }),
        fc.integer({ min: 0, max: 50 }),
        fc.constantFrom(1, 3, 5),
        (seed, lossRate, lossyMs, latencyMs, detectMultiplier) => {
          const random = seededRandom(seed);
          const params = (id: number) => ({
            localDiscriminator: id,
            desiredMinTxUs: 300_000,
            requiredMinRxUs: 300_000,
            detectMultiplier,
          });
          const link = new SimulatedLink(createSession(params(1), 0), createSession(params(2), 0), latencyMs, random);
          link.drop = () => random() < lossRate;
          link.runUntil(lossyMs);
          link.drop = () => false;
          // Down → Init → Up takes a few 1 s slow intervals at most once packets flow again.
          link.runUntil(lossyMs + 10_000);
          for (const session of [link.a, link.b]) {
            expect(session.sessionState).toBe(BfdState.Up);
            expect(session.pollActive).toBe(false);
            expect(transmitIntervalUs(session)).toBe(300_000);
            expect(detectionTimeUs(session)).toBe(detectMultiplier * 300_000);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
