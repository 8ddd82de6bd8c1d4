// Timer deadlines of the pure FSM: which one fires next, and the event it raises (RFC 4271 §8.1.3).
import type { Fsm, FsmEvent, FsmTimers } from './types.js';

const TIMER_EVENTS: [keyof FsmTimers, FsmEvent][] = [
  ['hold', { type: 'HoldTimer_Expires' }],
  ['keepalive', { type: 'KeepaliveTimer_Expires' }],
  ['connectRetry', { type: 'ConnectRetryTimer_Expires' }],
  ['idleHold', { type: 'IdleHoldTimer_Expires' }],
  ['delayOpen', { type: 'DelayOpenTimer_Expires' }],
];

/** The earliest running timer's deadline, or undefined when no timer runs. */
export function nextDeadline(fsm: Fsm): number | undefined {
  let earliest: number | undefined;
  for (const [name] of TIMER_EVENTS) {
    const at = fsm.timers[name];
    if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
  }
  return earliest;
}

/**
 * The event of the earliest timer whose deadline is at or before `now`, or undefined. When two
 * expire together, the hold timer goes first: a dead peer is declared dead before we keep it alive.
 */
export function expiredTimer(fsm: Fsm, now: number): FsmEvent | undefined {
  let best: { at: number; event: FsmEvent } | undefined;
  for (const [name, event] of TIMER_EVENTS) {
    const at = fsm.timers[name];
    if (at !== undefined && at <= now && (best === undefined || at < best.at)) best = { at, event };
  }
  return best?.event;
}
