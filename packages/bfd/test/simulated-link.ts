// A discrete-event simulation of two BFD sessions joined by a link, driving the pure state machine
// with protocol time only (no real timers): a test runs minutes of BFD in milliseconds.
import type { BfdState } from '../src/constants.js';
import { decodeControlPacket, encodeControlPacket, type ControlPacket } from '../src/packet.js';
import {
  type BfdSession,
  type BfdSessionAction,
  type BfdSessionEvent,
  nextWakeup,
  stepSession,
} from '../src/session.js';

export interface Sent {
  at: number;
  from: 'a' | 'b';
  packet: ControlPacket;
}

export interface StateChange {
  at: number;
  side: 'a' | 'b';
  from: BfdState;
  to: BfdState;
  diagnostic: number;
}

/** A deterministic pseudo-random source (xorshift), so jitter is reproducible. */
export function seededRandom(seed = 1): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

export class SimulatedLink {
  now = 0;
  readonly sent: Sent[] = [];
  readonly changes: StateChange[] = [];
  /** While false, packets in both directions are lost. */
  linkUp = true;
  /** Loses individual packets (called once per packet sent). */
  drop: () => boolean = () => false;
  private inFlight: { at: number; to: 'a' | 'b'; bytes: Uint8Array }[] = [];

  constructor(
    public a: BfdSession,
    public b: BfdSession,
    readonly latencyMs = 1,
    readonly random = seededRandom(7),
  ) {}

  session(side: 'a' | 'b'): BfdSession {
    return side === 'a' ? this.a : this.b;
  }

  /** Delivers one event to one side now and carries out its actions. */
  deliver(side: 'a' | 'b', event: BfdSessionEvent): BfdSessionAction[] {
    const step = stepSession(this.session(side), event, this.now, this.random);
    if (side === 'a') this.a = step.session;
    else this.b = step.session;
    for (const action of step.actions) {
      if (action.type === 'send') {
        this.sent.push({ at: this.now, from: side, packet: action.packet });
        // Through the real codec, as on the wire.
        if (this.linkUp && !this.drop())
          this.inFlight.push({
            at: this.now + this.latencyMs,
            to: side === 'a' ? 'b' : 'a',
            bytes: encodeControlPacket(action.packet),
          });
      } else if (action.type === 'state-change') {
        this.changes.push({ at: this.now, side, from: action.from, to: action.to, diagnostic: action.diagnostic });
      }
    }
    return step.actions;
  }

  /** Runs the simulation until protocol time `until` (ms). */
  runUntil(until: number): void {
    for (;;) {
      const wakeA = nextWakeup(this.a);
      const wakeB = nextWakeup(this.b);
      const packet = this.inFlight.reduce<(typeof this.inFlight)[number] | undefined>(
        (min, p) => (!min || p.at < min.at ? p : min),
        undefined,
      );
      const candidates = [wakeA, wakeB, packet?.at].filter((t): t is number => t !== undefined);
      const next = Math.min(...candidates);
      if (candidates.length === 0 || next > until) {
        this.now = until;
        return;
      }
      this.now = Math.max(this.now, next);
      if (packet && packet.at === next) {
        this.inFlight = this.inFlight.filter((p) => p !== packet);
        if (this.linkUp) this.deliver(packet.to, { type: 'packet', packet: decodeControlPacket(packet.bytes) });
      } else if (wakeA === next) {
        this.deliver('a', { type: 'timer' });
      } else {
        this.deliver('b', { type: 'timer' });
      }
    }
  }

  /** Packets one side sent in [from, to). */
  sentBy(side: 'a' | 'b', from = 0, to = Infinity): Sent[] {
    return this.sent.filter((s) => s.from === side && s.at >= from && s.at < to);
  }
}
