// Types of the BGP finite state machine (RFC 4271 §8). The machine is pure: a transition takes the
// current state, one event and the current time, and returns the next state plus the actions the
// I/O layer must carry out, in order. Timers are deadlines (milliseconds of the injected clock)
// kept in the state; the driver turns deadlines that have passed into timer events.

/** Session states (RFC 4271 §8.2.2). */
export type SessionState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

/**
 * FSM events (RFC 4271 §8.1.2-§8.1.5), named as in the RFC. Event 20 (BGPOpen with the DelayOpenTimer
 * running) is `BGPOpen` while `timers.delayOpen` is set. The damping start events (6, 7) are the
 * automatic starts with `dampPeerOscillations` set; events 14/15 (TcpConnection_Valid/Invalid) are the
 * transport's (it refuses unknown sources). `RouteRefreshMsg` is RFC 2918's message, which keeps an
 * Established session alive like an UPDATE.
 */
export type FsmEvent =
  | { type: 'ManualStart' } // 1
  /** `subcode`: the Cease subcode to send (default 2, Administrative Shutdown; 3 for a removed peer, RFC 4486). */
  | { type: 'ManualStop'; reason?: string; shutdownMessage?: string; subcode?: number } // 2
  | { type: 'AutomaticStart' } // 3
  | { type: 'ManualStart_with_PassiveTcpEstablishment' } // 4
  | { type: 'AutomaticStart_with_PassiveTcpEstablishment' } // 5
  | { type: 'AutomaticStop'; reason: string; subcode?: number; data?: Uint8Array } // 8
  | { type: 'ConnectRetryTimer_Expires' } // 9
  | { type: 'HoldTimer_Expires' } // 10
  | { type: 'KeepaliveTimer_Expires' } // 11
  | { type: 'DelayOpenTimer_Expires' } // 12
  | { type: 'IdleHoldTimer_Expires' } // 13
  | { type: 'Tcp_CR_Acked' } // 16: our outgoing connection completed
  | { type: 'TcpConnectionConfirmed' } // 17: an incoming connection was accepted
  | { type: 'TcpConnectionFails'; reason: string } // 18
  | { type: 'BGPOpen'; holdTime: number } // 19: a valid OPEN; holdTime is the peer's proposal
  | { type: 'BGPHeaderErr'; code: number; subcode: number; data?: Uint8Array } // 21
  | { type: 'BGPOpenMsgErr'; code: number; subcode: number; data?: Uint8Array } // 22
  | { type: 'OpenCollisionDump' } // 23
  | { type: 'NotifMsgVerErr' } // 24
  | { type: 'NotifMsg'; code: number; subcode: number; message?: string } // 25
  | { type: 'KeepAliveMsg' } // 26
  | { type: 'UpdateMsg' } // 27
  | { type: 'UpdateMsgErr'; code: number; subcode: number; data?: Uint8Array } // 28
  | { type: 'RouteRefreshMsg' };

export type FsmEventType = FsmEvent['type'];

/** What the I/O layer must do after a transition, in order. */
export type FsmAction =
  | { type: 'connect' }
  | { type: 'drop-connection' }
  | { type: 'send-open' }
  | { type: 'send-keepalive' }
  | { type: 'send-notification'; code: number; subcode: number; data?: Uint8Array; shutdownMessage?: string }
  /** The session reached Established: exchange routes (RFC 4271 §9). */
  | { type: 'established' }
  /** Leaving a state that had a session: release its resources; `deleteRoutes` when it was Established (RFC 4271 §8.2.2). */
  | { type: 'release'; deleteRoutes: boolean; reason: string };

/** Per-peer FSM settings (RFC 4271 §8.1.1 session attributes). Times in seconds. */
export interface FsmConfig {
  /** Our proposed hold time; 0 disables hold and keepalive timers once both agree (RFC 4271 §4.2). */
  holdTime: number;
  /** Upper bound for the keepalive interval; the interval used is min(this, negotiated hold / 3). */
  keepaliveTime: number;
  connectRetryTime: number;
  /** PassiveTcpEstablishment: listen only, never connect (like FRR's `neighbor passive`). */
  passive: boolean;
  /** AllowAutomaticStart: after an error the session restarts on its own after the IdleHold time. */
  allowAutomaticStart: boolean;
  /** DampPeerOscillations: the IdleHold time doubles for a peer that keeps failing (RFC 4271 §8.1.1). */
  dampPeerOscillations: boolean;
  idleHoldTime: number;
  maxIdleHoldTime: number;
  /** A session that stayed Established this long counts as stable: the IdleHold back-off resets. */
  stableTime: number;
  /** DelayOpen (RFC 4271 §8.1.1): wait this long for the peer's OPEN before sending ours; 0 = off. */
  delayOpenTime: number;
}

export const DEFAULT_FSM_CONFIG: FsmConfig = {
  holdTime: 90,
  keepaliveTime: 30,
  connectRetryTime: 30,
  passive: false,
  allowAutomaticStart: true,
  dampPeerOscillations: true,
  idleHoldTime: 5,
  maxIdleHoldTime: 120,
  stableTime: 60,
  delayOpenTime: 0,
};

/** Timer deadlines in milliseconds of the injected clock; absent when the timer is stopped. */
export interface FsmTimers {
  connectRetry?: number;
  hold?: number;
  keepalive?: number;
  idleHold?: number;
  delayOpen?: number;
}

export interface Fsm {
  readonly config: FsmConfig;
  readonly state: SessionState;
  readonly timers: FsmTimers;
  readonly connectRetryCounter: number;
  /** Negotiated hold time in seconds once an OPEN was accepted (RFC 4271 §4.2). */
  readonly negotiatedHoldTime?: number;
  /** The IdleHold time (seconds) the next automatic restart waits. */
  readonly currentIdleHoldTime: number;
  /** When the session last reached Established (clock ms). */
  readonly establishedAt?: number;
  /** Set by ManualStop: no automatic restart until the next ManualStart. */
  readonly adminDown: boolean;
  /** Why the session last left Established or failed to reach it. */
  readonly lastError?: string;
}

export interface Transition {
  fsm: Fsm;
  actions: FsmAction[];
}
