import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CEASE_SUBCODE as CEASE, NOTIFICATION_CODE as ERROR_CODE } from '../../src/wire/errors.js';
import {
  FSM_ERROR,
  createFsm,
  expiredTimer,
  nextDeadline,
  resolveCollision,
  step,
  type Fsm,
  type FsmAction,
  type FsmConfig,
  type FsmEvent,
} from '../../src/fsm/index.js';

/** Drives a machine with a fake clock: events at the current time, and timers as time passes. */
class Driver {
  now = 0;
  readonly log: { at: number; action: FsmAction }[] = [];
  constructor(public fsm: Fsm) {}

  static start(config: Partial<FsmConfig> = {}, start: FsmEvent = { type: 'ManualStart' }): Driver {
    const driver = new Driver(createFsm(config));
    driver.send(start);
    return driver;
  }

  send(event: FsmEvent): FsmAction[] {
    const { fsm, actions } = step(this.fsm, event, this.now);
    this.fsm = fsm;
    for (const action of actions) this.log.push({ at: this.now, action });
    return actions;
  }

  /** Advances the clock to `until`, firing every timer on its deadline; `onTick` may inject peer traffic. */
  advance(ms: number, onTimer?: (event: FsmEvent) => void): void {
    const until = this.now + ms;
    for (;;) {
      const at = nextDeadline(this.fsm);
      if (at === undefined || at > until) break;
      this.now = Math.max(this.now, at);
      const event = expiredTimer(this.fsm, this.now)!;
      this.send(event);
      onTimer?.(event);
    }
    this.now = until;
  }

  /** Brings a fresh active machine to Established with the given peer hold time. */
  establish(peerHoldTime = 90): this {
    this.send({ type: 'Tcp_CR_Acked' });
    this.send({ type: 'BGPOpen', holdTime: peerHoldTime });
    this.send({ type: 'KeepAliveMsg' });
    expect(this.fsm.state).toBe('Established');
    return this;
  }

  count(type: FsmAction['type'], since = 0): number {
    return this.log.filter((entry) => entry.at >= since && entry.action.type === type).length;
  }
}

const HOUR = 3_600_000;

describe('BGP FSM (RFC 4271 §8)', () => {
  it('walks Idle → Connect → OpenSent → OpenConfirm → Established with the right actions', () => {
    const d = new Driver(createFsm());
    expect(d.send({ type: 'ManualStart' })).toEqual([{ type: 'connect' }]);
    expect(d.fsm.state).toBe('Connect');
    expect(d.send({ type: 'Tcp_CR_Acked' })).toEqual([{ type: 'send-open' }]);
    expect(d.fsm.state).toBe('OpenSent');
    expect(d.fsm.timers.hold).toBe(240_000); // §8.2.2: large hold value (4 minutes) in OpenSent
    expect(d.send({ type: 'BGPOpen', holdTime: 30 })).toEqual([{ type: 'send-keepalive' }]);
    expect(d.fsm.state).toBe('OpenConfirm');
    expect(d.fsm.negotiatedHoldTime).toBe(30); // min(90, 30), §4.2
    expect(d.send({ type: 'KeepAliveMsg' })).toEqual([{ type: 'established' }]);
    expect(d.fsm.state).toBe('Established');
  });

  it('keeps a session up for 6 hours of protocol time: keepalive every hold/3, hold timer reset by the peer', () => {
    const d = Driver.start({ holdTime: 90, keepaliveTime: 30 }).establish(30);
    // The peer sends a KEEPALIVE every 10 s (its own hold/3): we answer nothing, the session stays.
    for (let t = 0; t < 6 * HOUR; t += 10_000) {
      d.advance(10_000);
      d.send({ type: 'KeepAliveMsg' });
    }
    expect(d.fsm.state).toBe('Established');
    // Our keepalive interval is min(30, 30/3) = 10 s: 6 h / 10 s keepalives.
    expect(d.count('send-keepalive', 1)).toBe((6 * HOUR) / 10_000);
    expect(d.count('send-notification')).toBe(0);
  });

  it('declares the peer dead when nothing arrives for the negotiated hold time, then restarts after IdleHold', () => {
    const d = Driver.start({ holdTime: 9, idleHoldTime: 5 }).establish(90);
    d.advance(8_999);
    expect(d.fsm.state).toBe('Established');
    d.advance(1);
    expect(d.fsm.state).toBe('Idle');
    const notifications = d.log.filter((e) => e.action.type === 'send-notification').map((e) => e.action);
    expect(notifications).toEqual([{ type: 'send-notification', code: ERROR_CODE.HOLD_TIMER_EXPIRED, subcode: 0 }]);
    expect(d.log.some((e) => e.action.type === 'release' && e.action.deleteRoutes)).toBe(true);
    expect(d.fsm.lastError).toBe('hold timer expired');
    // §8.1.1 AllowAutomaticStart: IdleHoldTimer, then a new connection attempt.
    d.advance(4_999);
    expect(d.fsm.state).toBe('Idle');
    d.advance(1);
    expect(d.fsm.state).toBe('Connect');
    expect(d.log.at(-1)?.action).toEqual({ type: 'connect' });
  });

  it('negotiated hold time 0 runs no timers at all: hours pass without a KEEPALIVE or an expiry', () => {
    const d = Driver.start({ holdTime: 0 }).establish(90);
    expect(d.fsm.timers).toEqual({});
    expect(nextDeadline(d.fsm)).toBeUndefined();
    const before = d.log.length;
    d.advance(10 * HOUR);
    expect(d.fsm.state).toBe('Established');
    expect(d.log.length).toBe(before);
  });

  it('a passive peer listens in Active and never connects, for hours, until a connection arrives', () => {
    const d = Driver.start({ passive: true });
    expect(d.fsm.state).toBe('Active');
    d.advance(5 * HOUR);
    expect(d.count('connect')).toBe(0);
    expect(d.fsm.state).toBe('Active');
    expect(d.send({ type: 'TcpConnectionConfirmed' })).toEqual([{ type: 'send-open' }]);
    expect(d.fsm.state).toBe('OpenSent');
  });

  it('retries the connection on every ConnectRetryTimer expiry while in Connect', () => {
    const d = Driver.start({ connectRetryTime: 30 });
    d.advance(3 * 30_000);
    expect(d.fsm.state).toBe('Connect');
    expect(d.count('connect')).toBe(4); // initial + 3 retries
    expect(d.count('drop-connection')).toBe(3);
  });

  it('OpenSent: passive start with a connect retry falls back to Active on TCP failure (§8.2.2 Event 18)', () => {
    const d = Driver.start({}, { type: 'AutomaticStart_with_PassiveTcpEstablishment' });
    expect(d.fsm.state).toBe('Active');
    expect(d.fsm.timers.connectRetry).toBe(30_000);
    d.send({ type: 'TcpConnectionConfirmed' });
    d.send({ type: 'TcpConnectionFails', reason: 'reset' });
    expect(d.fsm.state).toBe('Active');
    d.advance(30_000);
    expect(d.fsm.state).toBe('Connect');
  });

  it('OpenSent hold timer (4 minutes) expires when the peer never sends its OPEN', () => {
    const d = Driver.start();
    d.send({ type: 'Tcp_CR_Acked' });
    d.advance(239_999);
    expect(d.fsm.state).toBe('OpenSent');
    d.advance(1);
    expect(d.fsm.state).toBe('Idle');
    expect(d.log.find((e) => e.action.type === 'send-notification')?.action).toMatchObject({
      code: ERROR_CODE.HOLD_TIMER_EXPIRED,
    });
  });

  it('backs off a flapping peer: IdleHold doubles up to the maximum, and resets after a stable session', () => {
    const d = Driver.start({ idleHoldTime: 5, maxIdleHoldTime: 120, stableTime: 60 });
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      d.send({ type: 'TcpConnectionFails', reason: 'connection refused' });
      expect(d.fsm.state).toBe('Idle');
      const wait = nextDeadline(d.fsm)! - d.now;
      waits.push(wait / 1000);
      d.advance(wait);
      expect(d.fsm.state).toBe('Connect');
    }
    expect(waits).toEqual([5, 10, 20, 40, 80, 120, 120, 120]);
    // A session that stays up longer than stableTime resets the back-off.
    d.establish();
    d.advance(61_000, (event) => event.type === 'KeepaliveTimer_Expires' && d.send({ type: 'KeepAliveMsg' }));
    d.send({ type: 'NotifMsg', code: 6, subcode: 4 });
    expect(d.fsm.timers.idleHold).toBe(d.now + 5_000);
  });

  it('ManualStop in Established sends Cease/Administrative Shutdown with the RFC 9003 message and stays down', () => {
    const d = Driver.start().establish();
    const actions = d.send({
      type: 'ManualStop',
      reason: 'maintenance',
      shutdownMessage: 'upgrade to 2.0, back at 05:00',
    });
    expect(actions).toEqual([
      {
        type: 'send-notification',
        code: ERROR_CODE.CEASE,
        subcode: CEASE.ADMINISTRATIVE_SHUTDOWN,
        shutdownMessage: 'upgrade to 2.0, back at 05:00',
      },
      { type: 'release', deleteRoutes: true, reason: 'maintenance' },
      { type: 'drop-connection' },
    ]);
    expect(d.fsm.adminDown).toBe(true);
    d.advance(24 * HOUR);
    expect(d.fsm.state).toBe('Idle');
    expect(d.send({ type: 'AutomaticStart' })).toEqual([]);
    expect(d.send({ type: 'ManualStart' })).toEqual([{ type: 'connect' }]);
  });

  it('ManualStop with another Cease subcode (Peer De-configured) sends no shutdown message (RFC 9003 is for subcodes 2 and 4)', () => {
    const d = Driver.start().establish();
    expect(
      d.send({ type: 'ManualStop', reason: 'removed', shutdownMessage: 'bye', subcode: CEASE.PEER_DECONFIGURED })[0],
    ).toEqual({
      type: 'send-notification',
      code: ERROR_CODE.CEASE,
      subcode: CEASE.PEER_DECONFIGURED,
    });
  });

  it('DelayOpen: waits for the peer’s OPEN, answers it with OPEN and KEEPALIVE (Event 20)', () => {
    const d = Driver.start({ delayOpenTime: 5 });
    expect(d.send({ type: 'Tcp_CR_Acked' })).toEqual([]);
    expect(d.fsm.state).toBe('Connect');
    expect(d.fsm.timers).toEqual({ delayOpen: 5_000 });
    expect(d.send({ type: 'BGPOpen', holdTime: 30 })).toEqual([{ type: 'send-open' }, { type: 'send-keepalive' }]);
    expect(d.fsm.state).toBe('OpenConfirm');
    expect(d.fsm.negotiatedHoldTime).toBe(30);
    d.send({ type: 'KeepAliveMsg' });
    expect(d.fsm.state).toBe('Established');
  });

  it('DelayOpen: sends its OPEN when the DelayOpenTimer expires (Event 12); a TCP failure meanwhile goes to Active', () => {
    const d = Driver.start({ delayOpenTime: 5, passive: true });
    d.send({ type: 'TcpConnectionConfirmed' });
    expect(d.fsm.state).toBe('Active');
    d.advance(4_999);
    expect(d.count('send-open')).toBe(0);
    d.advance(1);
    expect(d.fsm.state).toBe('OpenSent');
    expect(d.count('send-open')).toBe(1);

    const e = Driver.start({ delayOpenTime: 5 });
    e.send({ type: 'Tcp_CR_Acked' });
    e.send({ type: 'TcpConnectionFails', reason: 'reset' });
    expect(e.fsm.state).toBe('Active');
    expect(e.fsm.timers.delayOpen).toBeUndefined();
    // A KEEPALIVE before any OPEN is an error: Idle, without a NOTIFICATION (no OPEN was sent).
    const f = Driver.start({ delayOpenTime: 5 });
    f.send({ type: 'Tcp_CR_Acked' });
    expect(f.send({ type: 'KeepAliveMsg' }).map((a) => a.type)).toEqual(['release', 'drop-connection']);
    expect(f.fsm.state).toBe('Idle');
  });

  it('answers unexpected messages with the RFC 6608 FSM error subcode of the state', () => {
    const inOpenSent = Driver.start();
    inOpenSent.send({ type: 'Tcp_CR_Acked' });
    expect(inOpenSent.send({ type: 'UpdateMsg' })[0]).toMatchObject({
      code: ERROR_CODE.FSM,
      subcode: FSM_ERROR.UNEXPECTED_IN_OPENSENT,
    });

    const inOpenConfirm = Driver.start();
    inOpenConfirm.send({ type: 'Tcp_CR_Acked' });
    inOpenConfirm.send({ type: 'BGPOpen', holdTime: 90 });
    expect(inOpenConfirm.send({ type: 'UpdateMsg' })[0]).toMatchObject({
      code: ERROR_CODE.FSM,
      subcode: FSM_ERROR.UNEXPECTED_IN_OPENCONFIRM,
    });

    const inEstablished = Driver.start().establish();
    expect(inEstablished.send({ type: 'BGPOpen', holdTime: 90 })[0]).toMatchObject({
      code: ERROR_CODE.FSM,
      subcode: FSM_ERROR.UNEXPECTED_IN_ESTABLISHED,
    });
    expect(inEstablished.fsm.state).toBe('Idle');
  });

  it('an UPDATE error sends that NOTIFICATION and deletes the routes; a received NOTIFICATION sends none', () => {
    const d = Driver.start().establish();
    expect(d.send({ type: 'UpdateMsgErr', code: 3, subcode: 1 })).toEqual([
      { type: 'send-notification', code: 3, subcode: 1 },
      { type: 'release', deleteRoutes: true, reason: 'UpdateMsgErr 3/1' },
      { type: 'drop-connection' },
    ]);
    const e = Driver.start().establish();
    expect(e.send({ type: 'NotifMsg', code: 6, subcode: 2, message: 'bye' }).map((a) => a.type)).toEqual([
      'release',
      'drop-connection',
    ]);
    expect(e.fsm.lastError).toContain('"bye"');
  });

  it('OpenCollisionDump closes with Cease/Connection Collision Resolution', () => {
    const d = Driver.start();
    d.send({ type: 'Tcp_CR_Acked' });
    d.send({ type: 'BGPOpen', holdTime: 90 });
    expect(d.send({ type: 'OpenCollisionDump' })[0]).toMatchObject({
      code: ERROR_CODE.CEASE,
      subcode: CEASE.CONNECTION_COLLISION_RESOLUTION,
    });
  });

  it('resolves collisions by keeping the connection initiated by the higher BGP Identifier (§6.8)', () => {
    expect(resolveCollision('10.200.0.101', '10.200.0.1')).toBe('locally-initiated');
    expect(resolveCollision('10.200.0.1', '10.200.0.101')).toBe('remotely-initiated');
    // compared as unsigned 32-bit numbers, not strings
    expect(resolveCollision('9.0.0.1', '10.0.0.1')).toBe('remotely-initiated');
    expect(resolveCollision('200.0.0.1', '10.0.0.1')).toBe('locally-initiated');
  });

  it('random event sequences keep the machine consistent (property)', () => {
    const events: FsmEvent[] = [
      { type: 'ManualStart' },
      { type: 'ManualStop' },
      { type: 'AutomaticStart' },
      { type: 'AutomaticStart_with_PassiveTcpEstablishment' },
      { type: 'AutomaticStop', reason: 'policy' },
      { type: 'Tcp_CR_Acked' },
      { type: 'TcpConnectionConfirmed' },
      { type: 'TcpConnectionFails', reason: 'rst' },
      { type: 'BGPOpen', holdTime: 0 },
      { type: 'BGPOpen', holdTime: 3 },
      { type: 'BGPOpen', holdTime: 180 },
      { type: 'BGPHeaderErr', code: 1, subcode: 2 },
      { type: 'BGPOpenMsgErr', code: 2, subcode: 6 },
      { type: 'OpenCollisionDump' },
      { type: 'NotifMsgVerErr' },
      { type: 'NotifMsg', code: 6, subcode: 2 },
      { type: 'KeepAliveMsg' },
      { type: 'UpdateMsg' },
      { type: 'UpdateMsgErr', code: 3, subcode: 1 },
      { type: 'RouteRefreshMsg' },
    ];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...events), fc.integer({ min: 0, max: 600_000 })), { maxLength: 80 }),
        fc.constantFrom(0, 3),
        (script, delay) => {
          const d = new Driver(createFsm({ idleHoldTime: 1, connectRetryTime: 5, delayOpenTime: delay }));
          for (const [event, wait] of script) {
            const stateBefore = d.fsm.state;
            const actions = d.send(event);
            const stateAfter = d.fsm.state;
            d.advance(wait);
            // A NOTIFICATION is only sent on a connection with an OPEN exchange under way (§8.2.2).
            if (actions.some((a) => a.type === 'send-notification')) {
              expect(['OpenSent', 'OpenConfirm', 'Established']).toContain(stateBefore);
            }
            // Leaving a session for Idle always releases and drops the connection.
            if (stateBefore !== 'Idle' && stateAfter === 'Idle') {
              expect(actions.map((a) => a.type)).toContain('drop-connection');
            }
            // Timers: no deadline lies in the past once time has been advanced.
            const next = nextDeadline(d.fsm);
            if (next !== undefined) expect(next).toBeGreaterThan(d.now);
            if (d.fsm.state === 'Established' && (d.fsm.negotiatedHoldTime ?? 0) > 0)
              expect(d.fsm.timers.hold).toBeDefined();
            if (d.fsm.state === 'Idle') expect(d.fsm.timers.hold).toBeUndefined();
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
