// The BGP finite state machine of RFC 4271 §8.2.2, as a pure function of (state, event, now).
// One machine drives one TCP connection's session with a peer; connection collisions (§6.8) are
// resolved above it (see collision.ts), by running a second machine for the second connection.
import { CEASE_SUBCODE as CEASE, NOTIFICATION_CODE as ERROR_CODE } from '../wire/errors.js';
import { FSM_ERROR } from './notification-codes.js';
import {
  DEFAULT_FSM_CONFIG,
  type Fsm,
  type FsmAction,
  type FsmConfig,
  type FsmEvent,
  type FsmTimers,
  type SessionState,
  type Transition,
} from './types.js';

/** RFC 4271 §8.2.2 (OpenSent): "set the HoldTimer to a large value ... A HoldTimer value of 4 minutes is suggested." */
export const OPEN_SENT_HOLD_TIME = 240;

/** A machine in Idle, not started. */
export function createFsm(config: Partial<FsmConfig> = {}): Fsm {
  const full = { ...DEFAULT_FSM_CONFIG, ...config };
  return {
    config: full,
    state: 'Idle',
    timers: {},
    connectRetryCounter: 0,
    currentIdleHoldTime: full.idleHoldTime,
    adminDown: false,
  };
}

/** Changes the settings of a machine; they take effect at the next timer start or negotiation. */
export function reconfigure(fsm: Fsm, config: Partial<FsmConfig>): Fsm {
  return { ...fsm, config: { ...fsm.config, ...config } };
}

/** The keepalive interval for a negotiated hold time: a third of it, at most the configured one (RFC 4271 §4.4, §10). */
export function keepaliveInterval(config: FsmConfig, negotiatedHoldTime: number): number {
  if (negotiatedHoldTime === 0) return 0;
  return Math.max(1, Math.min(config.keepaliveTime, Math.floor(negotiatedHoldTime / 3)));
}

interface IdleOptions {
  reason: string;
  notification?: { code: number; subcode: number; data?: Uint8Array; shutdownMessage?: string };
  /** ManualStop zeroes the ConnectRetryCounter; errors increment it (RFC 4271 §8.2.2). */
  counter: 'reset' | 'increment' | 'keep';
  /** ManualStop: no automatic restart. */
  manual?: boolean;
}

/** Every error path of §8.2.2 ends the same way: optional NOTIFICATION, release, drop, Idle. */
function toIdle(fsm: Fsm, now: number, options: IdleOptions): Transition {
  const actions: FsmAction[] = [];
  if (options.notification) actions.push({ type: 'send-notification', ...options.notification });
  actions.push({ type: 'release', deleteRoutes: fsm.state === 'Established', reason: options.reason });
  actions.push({ type: 'drop-connection' });
  const { config } = fsm;
  const counter =
    options.counter === 'reset'
      ? 0
      : options.counter === 'increment'
        ? fsm.connectRetryCounter + 1
        : fsm.connectRetryCounter;
  const timers: FsmTimers = {};
  let currentIdleHoldTime = fsm.currentIdleHoldTime;
  if (!options.manual && config.allowAutomaticStart) {
    // §8.1.1 DampPeerOscillations: a peer that keeps failing waits longer each time; one whose session
    // stayed up for stableTime starts again from the initial IdleHold time.
    const stable = fsm.establishedAt !== undefined && now - fsm.establishedAt >= config.stableTime * 1000;
    const wait = stable ? config.idleHoldTime : currentIdleHoldTime;
    timers.idleHold = now + wait * 1000;
    currentIdleHoldTime = config.dampPeerOscillations
      ? Math.min(wait * 2, config.maxIdleHoldTime)
      : config.idleHoldTime;
  }
  const next: Fsm = {
    ...fsm,
    state: 'Idle',
    timers,
    connectRetryCounter: counter,
    currentIdleHoldTime,
    adminDown: options.manual ? true : fsm.adminDown,
    lastError: options.reason,
    negotiatedHoldTime: undefined,
    establishedAt: undefined,
  };
  return { fsm: next, actions };
}

function go(
  fsm: Fsm,
  state: SessionState,
  timers: FsmTimers,
  actions: FsmAction[],
  extra: Partial<Fsm> = {},
): Transition {
  return { fsm: { ...fsm, ...extra, state, timers }, actions };
}

function stay(fsm: Fsm): Transition {
  return { fsm, actions: [] };
}

const seconds = (now: number, s: number) => now + s * 1000;

/** Idle: only start events do anything (RFC 4271 §8.2.2 Idle state). */
function idle(fsm: Fsm, event: FsmEvent, now: number): Transition {
  let passive: boolean;
  switch (event.type) {
    case 'ManualStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
      passive = fsm.config.passive || event.type === 'ManualStart_with_PassiveTcpEstablishment';
      fsm = { ...fsm, adminDown: false, currentIdleHoldTime: fsm.config.idleHoldTime };
      break;
    case 'AutomaticStart':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'IdleHoldTimer_Expires':
      if (fsm.adminDown) return stay(fsm);
      passive = fsm.config.passive || event.type === 'AutomaticStart_with_PassiveTcpEstablishment';
      break;
    default:
      // "Any other event ... the local system ... does not change state." Incoming connections are refused.
      return stay(fsm);
  }
  if (passive) {
    // A purely passive peer (config.passive) never connects, so no ConnectRetryTimer runs in Active.
    const timers: FsmTimers = fsm.config.passive ? {} : { connectRetry: seconds(now, fsm.config.connectRetryTime) };
    return go(fsm, 'Active', timers, [], { connectRetryCounter: 0 });
  }
  return go(fsm, 'Connect', { connectRetry: seconds(now, fsm.config.connectRetryTime) }, [{ type: 'connect' }], {
    connectRetryCounter: 0,
  });
}

/**
 * TCP is up (either direction), §8.2.2 Connect/Active Events 16/17: with DelayOpen, start the
 * DelayOpenTimer and wait in the same state for the peer's OPEN; otherwise send OPEN, HoldTimer to
 * 4 minutes, OpenSent.
 */
function tcpUp(fsm: Fsm, now: number): Transition {
  if (fsm.config.delayOpenTime > 0)
    return go(fsm, fsm.state, { delayOpen: seconds(now, fsm.config.delayOpenTime) }, []);
  return go(fsm, 'OpenSent', { hold: seconds(now, OPEN_SENT_HOLD_TIME) }, [{ type: 'send-open' }]);
}

/** The hold and keepalive timers for a negotiated hold time (none when it is 0, RFC 4271 §4.2). */
function sessionTimers(fsm: Fsm, peerHoldTime: number, now: number): { negotiated: number; timers: FsmTimers } {
  const negotiated = Math.min(fsm.config.holdTime, peerHoldTime);
  const keepalive = keepaliveInterval(fsm.config, negotiated);
  return {
    negotiated,
    timers: negotiated === 0 ? {} : { hold: seconds(now, negotiated), keepalive: seconds(now, keepalive) },
  };
}

/** Events of Connect and Active while the DelayOpenTimer runs (§8.2.2, DelayOpen paths); undefined otherwise. */
function delayOpenEvent(fsm: Fsm, event: FsmEvent, now: number): Transition | undefined {
  if (fsm.timers.delayOpen === undefined) return undefined;
  switch (event.type) {
    case 'DelayOpenTimer_Expires':
      // Event 12: send OPEN, HoldTimer to a large value, OpenSent.
      return go(fsm, 'OpenSent', { hold: seconds(now, OPEN_SENT_HOLD_TIME) }, [{ type: 'send-open' }]);
    case 'BGPOpen': {
      // Event 20: the peer's OPEN came first: send OPEN and KEEPALIVE, OpenConfirm.
      const { negotiated, timers } = sessionTimers(fsm, event.holdTime, now);
      return go(fsm, 'OpenConfirm', timers, [{ type: 'send-open' }, { type: 'send-keepalive' }], {
        negotiatedHoldTime: negotiated,
      });
    }
    case 'TcpConnectionFails': {
      // Event 18 with the DelayOpenTimer running, in Connect: restart the ConnectRetryTimer, stop
      // DelayOpen, Active. (In Active it goes to Idle as without DelayOpen.)
      if (fsm.state !== 'Connect') return undefined;
      const timers: FsmTimers = fsm.config.passive ? {} : { connectRetry: seconds(now, fsm.config.connectRetryTime) };
      return go(fsm, 'Active', timers, [{ type: 'drop-connection' }], {
        lastError: `TCP connection failed: ${event.reason}`,
      });
    }
    case 'NotifMsgVerErr':
      // Event 24 with the DelayOpenTimer running: no increment of the ConnectRetryCounter.
      return toIdle(fsm, now, { reason: 'peer sent a version error', counter: 'keep' });
    default:
      return undefined;
  }
}

function connectState(fsm: Fsm, event: FsmEvent, now: number): Transition {
  const delayed = delayOpenEvent(fsm, event, now);
  if (delayed) return delayed;
  switch (event.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
      return stay(fsm);
    case 'ManualStop':
      return toIdle(fsm, now, { reason: event.reason ?? 'administratively stopped', counter: 'reset', manual: true });
    case 'ConnectRetryTimer_Expires':
      // Drop the attempt, restart the ConnectRetryTimer and try again.
      return go(fsm, 'Connect', { connectRetry: seconds(now, fsm.config.connectRetryTime) }, [
        { type: 'drop-connection' },
        { type: 'connect' },
      ]);
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return tcpUp(fsm, now);
    case 'TcpConnectionFails':
      return toIdle(fsm, now, { reason: `TCP connection failed: ${event.reason}`, counter: 'keep' });
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return toIdle(fsm, now, { reason: 'message error before OPEN', counter: 'increment' });
    case 'NotifMsgVerErr':
      return toIdle(fsm, now, { reason: 'peer sent a version error', counter: 'increment' });
    default:
      return toIdle(fsm, now, { reason: `unexpected ${event.type} in Connect`, counter: 'increment' });
  }
}

function activeState(fsm: Fsm, event: FsmEvent, now: number): Transition {
  const delayed = delayOpenEvent(fsm, event, now);
  if (delayed) return delayed;
  switch (event.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
      return stay(fsm);
    case 'ManualStop':
      return toIdle(fsm, now, { reason: event.reason ?? 'administratively stopped', counter: 'reset', manual: true });
    case 'ConnectRetryTimer_Expires':
      return go(fsm, 'Connect', { connectRetry: seconds(now, fsm.config.connectRetryTime) }, [{ type: 'connect' }]);
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return tcpUp(fsm, now);
    case 'TcpConnectionFails':
      return toIdle(fsm, now, { reason: `TCP connection failed: ${event.reason}`, counter: 'increment' });
    case 'NotifMsgVerErr':
      return toIdle(fsm, now, { reason: 'peer sent a version error', counter: 'increment' });
    default:
      return toIdle(fsm, now, { reason: `unexpected ${event.type} in Active`, counter: 'increment' });
  }
}

function cease(subcode: number, shutdownMessage?: string) {
  return { code: ERROR_CODE.CEASE, subcode, ...(shutdownMessage !== undefined ? { shutdownMessage } : {}) };
}

/** Events every state from OpenSent on answers the same way (RFC 4271 §8.2.2, OpenSent/OpenConfirm/Established). */
function commonSessionEvent(fsm: Fsm, event: FsmEvent, now: number): Transition | undefined {
  switch (event.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'IdleHoldTimer_Expires':
      return stay(fsm);
    case 'ManualStop': {
      // RFC 9003: an administrative shutdown may carry a message for the peer's operator.
      const reason = event.reason ?? 'administratively stopped';
      const subcode = event.subcode ?? CEASE.ADMINISTRATIVE_SHUTDOWN;
      const carriesMessage = subcode === CEASE.ADMINISTRATIVE_SHUTDOWN || subcode === CEASE.ADMINISTRATIVE_RESET;
      return toIdle(fsm, now, {
        reason,
        notification: cease(subcode, carriesMessage ? event.shutdownMessage : undefined),
        counter: 'reset',
        manual: true,
      });
    }
    case 'AutomaticStop':
      return toIdle(fsm, now, {
        reason: event.reason,
        notification: {
          ...cease(event.subcode ?? CEASE.ADMINISTRATIVE_RESET),
          ...(event.data ? { data: event.data } : {}),
        },
        counter: 'increment',
      });
    case 'HoldTimer_Expires':
      return toIdle(fsm, now, {
        reason: 'hold timer expired',
        notification: { code: ERROR_CODE.HOLD_TIMER_EXPIRED, subcode: 0 },
        counter: 'increment',
      });
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
    case 'UpdateMsgErr':
      return toIdle(fsm, now, {
        reason: `${event.type} ${event.code}/${event.subcode}`,
        notification: { code: event.code, subcode: event.subcode, ...(event.data ? { data: event.data } : {}) },
        counter: 'increment',
      });
    case 'OpenCollisionDump':
      return toIdle(fsm, now, {
        reason: 'connection collision resolution',
        notification: cease(CEASE.CONNECTION_COLLISION_RESOLUTION),
        counter: 'increment',
      });
    case 'NotifMsgVerErr':
      return toIdle(fsm, now, { reason: 'peer sent a version error', counter: 'increment' });
    case 'NotifMsg':
      return toIdle(fsm, now, {
        reason: `peer sent NOTIFICATION ${event.code}/${event.subcode}${event.message ? ` "${event.message}"` : ''}`,
        counter: 'increment',
      });
    case 'TcpConnectionFails':
      if (fsm.state === 'OpenSent') {
        // §8.2.2 OpenSent Event 18: close, restart the ConnectRetryTimer, listen: Active.
        const timers: FsmTimers = fsm.config.passive ? {} : { connectRetry: seconds(now, fsm.config.connectRetryTime) };
        return go(fsm, 'Active', timers, [{ type: 'drop-connection' }], {
          lastError: `TCP connection failed: ${event.reason}`,
        });
      }
      return toIdle(fsm, now, { reason: `TCP connection failed: ${event.reason}`, counter: 'increment' });
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      // A second connection: collision handling above the machine (§6.8) owns it; this one is unchanged.
      return stay(fsm);
    default:
      return undefined;
  }
}

const UNEXPECTED: Record<'OpenSent' | 'OpenConfirm' | 'Established', number> = {
  OpenSent: FSM_ERROR.UNEXPECTED_IN_OPENSENT,
  OpenConfirm: FSM_ERROR.UNEXPECTED_IN_OPENCONFIRM,
  Established: FSM_ERROR.UNEXPECTED_IN_ESTABLISHED,
};

function fsmError(fsm: Fsm, event: FsmEvent, now: number): Transition {
  const state = fsm.state as 'OpenSent' | 'OpenConfirm' | 'Established';
  return toIdle(fsm, now, {
    reason: `unexpected ${event.type} in ${state}`,
    notification: { code: ERROR_CODE.FSM, subcode: UNEXPECTED[state] },
    counter: 'increment',
  });
}

function openSent(fsm: Fsm, event: FsmEvent, now: number): Transition {
  const common = commonSessionEvent(fsm, event, now);
  if (common) return common;
  if (event.type === 'BGPOpen') {
    // RFC 4271 §4.2: the hold time is the smaller of ours and the peer's; 0 means no timers.
    const { negotiated, timers } = sessionTimers(fsm, event.holdTime, now);
    return go(fsm, 'OpenConfirm', timers, [{ type: 'send-keepalive' }], { negotiatedHoldTime: negotiated });
  }
  return fsmError(fsm, event, now);
}

function openConfirm(fsm: Fsm, event: FsmEvent, now: number): Transition {
  const common = commonSessionEvent(fsm, event, now);
  if (common) return common;
  const hold = fsm.negotiatedHoldTime ?? 0;
  switch (event.type) {
    case 'KeepaliveTimer_Expires':
      return go(fsm, 'OpenConfirm', { ...fsm.timers, keepalive: seconds(now, keepaliveInterval(fsm.config, hold)) }, [
        { type: 'send-keepalive' },
      ]);
    case 'KeepAliveMsg':
      return go(
        fsm,
        'Established',
        hold === 0 ? {} : { ...fsm.timers, hold: seconds(now, hold) },
        [{ type: 'established' }],
        {
          establishedAt: now,
          lastError: undefined,
        },
      );
    default:
      return fsmError(fsm, event, now);
  }
}

function established(fsm: Fsm, event: FsmEvent, now: number): Transition {
  const common = commonSessionEvent(fsm, event, now);
  if (common) return common;
  const hold = fsm.negotiatedHoldTime ?? 0;
  switch (event.type) {
    case 'KeepaliveTimer_Expires':
      return go(fsm, 'Established', { ...fsm.timers, keepalive: seconds(now, keepaliveInterval(fsm.config, hold)) }, [
        { type: 'send-keepalive' },
      ]);
    case 'KeepAliveMsg':
    case 'UpdateMsg':
    case 'RouteRefreshMsg':
      // §8.2.2 Established Events 26/27: restart the HoldTimer if the negotiated hold time is non-zero.
      return hold === 0 ? stay(fsm) : go(fsm, 'Established', { ...fsm.timers, hold: seconds(now, hold) }, []);
    default:
      return fsmError(fsm, event, now);
  }
}

/** One transition of the machine: the next state and the actions to carry out, in order. */
export function step(fsm: Fsm, event: FsmEvent, now: number): Transition {
  switch (fsm.state) {
    case 'Idle':
      return idle(fsm, event, now);
    case 'Connect':
      return connectState(fsm, event, now);
    case 'Active':
      return activeState(fsm, event, now);
    case 'OpenSent':
      return openSent(fsm, event, now);
    case 'OpenConfirm':
      return openConfirm(fsm, event, now);
    case 'Established':
      return established(fsm, event, now);
  }
}
