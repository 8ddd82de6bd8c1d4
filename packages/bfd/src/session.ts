// The BFD session state machine of RFC 5880 §6 (asynchronous mode), pure: stepSession(session, event,
// now, random) returns the next session and the actions to carry out. Time is whatever clock the
// caller injects, in milliseconds; intervals are in microseconds as on the wire.

import { BFD_SLOW_TX_US, BfdDiagnostic, BfdState } from './constants.js';
import { BfdConfigError } from './errors.js';
import type { ControlPacket } from './packet.js';

/** What the local system is configured to ask for (RFC 5880 §6.8.1 bfd.* variables it controls). */
export interface BfdSessionParameters {
  /** bfd.LocalDiscr: non-zero, unique among this system's sessions (§6.8.1). */
  localDiscriminator: number;
  /** Configured DesiredMinTxInterval, used once the session is Up (§6.8.3). */
  desiredMinTxUs: number;
  /** bfd.RequiredMinRxInterval. */
  requiredMinRxUs: number;
  /** bfd.DetectMult. */
  detectMultiplier: number;
  /** Passive role (§6.1): do not transmit until the remote discriminator is known. */
  passive?: boolean;
}

export interface BfdCounters {
  controlPacketsIn: number;
  controlPacketsOut: number;
  /** Packets the session refused (wrong discriminator, authentication mismatch). */
  controlPacketsDiscarded: number;
  sessionUpEvents: number;
  sessionDownEvents: number;
}

/** One session's state: the bfd.* variables of RFC 5880 §6.8.1 plus the timers derived from them. */
export interface BfdSession {
  parameters: BfdSessionParameters;
  sessionState: BfdState;
  remoteSessionState: BfdState;
  remoteDiscriminator: number;
  localDiagnostic: BfdDiagnostic;
  remoteDiagnostic: BfdDiagnostic;
  /** bfd.DesiredMinTxInterval as advertised now (≥ 1 s while not Up, §6.8.3). */
  desiredMinTxUs: number;
  /** bfd.RequiredMinRxInterval as advertised now. */
  requiredMinRxUs: number;
  /** The DesiredMinTxInterval that paces transmission: an increase waits for the Poll Sequence (§6.8.3). */
  txPacingUs: number;
  /** The RequiredMinRxInterval used for Detection Time: a decrease waits for the Poll Sequence (§6.8.3). */
  rxDetectionUs: number;
  /** bfd.RemoteMinRxInterval (initially 1, §6.8.1). */
  remoteMinRxUs: number;
  /** Desired Min TX Interval last received, for Detection Time (§6.8.4). */
  remoteDesiredMinTxUs: number;
  remoteDetectMultiplier: number;
  /** bfd.RemoteDemandMode. */
  remoteDemand: boolean;
  /** A Poll Sequence is in progress: every packet carries P until a Final arrives (§6.5). */
  pollActive: boolean;
  /** When the next periodic packet is due, or undefined when periodic transmission is suppressed. */
  nextTransmitAt: number | undefined;
  /** When the Detection Time runs out without a packet (§6.8.4), or undefined. */
  detectionDeadline: number | undefined;
  /** When sessionState last changed. */
  lastStateChangeAt: number;
  counters: BfdCounters;
}

export type BfdSessionEvent =
  /** The caller's timer fired: process detection expiry and periodic transmission due by `now`. */
  | { type: 'timer' }
  /** A control packet that passed the codec's checks was demultiplexed to this session. */
  | { type: 'packet'; packet: ControlPacket }
  /** Administrative control (§6.8.16). */
  | { type: 'admin-down' }
  | { type: 'admin-up' }
  /** New timer parameters (§6.8.3: a Poll Sequence when Up). */
  | { type: 'set-timers'; desiredMinTxUs?: number; requiredMinRxUs?: number; detectMultiplier?: number };

export type BfdSessionAction =
  | { type: 'send'; packet: ControlPacket }
  | { type: 'state-change'; from: BfdState; to: BfdState; diagnostic: BfdDiagnostic }
  | { type: 'discarded'; reason: string };

export interface BfdStep {
  session: BfdSession;
  actions: BfdSessionAction[];
}

function validateParameters(p: BfdSessionParameters): void {
  if (!Number.isInteger(p.localDiscriminator) || p.localDiscriminator < 1 || p.localDiscriminator > 0xffffffff) {
    throw new BfdConfigError(
      `BFD local discriminator must be in 1..2^32-1 (RFC 5880 §6.8.1), got ${p.localDiscriminator}`,
    );
  }
  for (const [name, value] of [
    ['desired min TX', p.desiredMinTxUs],
    ['required min RX', p.requiredMinRxUs],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 0xffffffff) {
      throw new BfdConfigError(`BFD ${name} must be 1..2^32-1 microseconds, got ${value}`);
    }
  }
  if (!Number.isInteger(p.detectMultiplier) || p.detectMultiplier < 1 || p.detectMultiplier > 255) {
    throw new BfdConfigError(`BFD detect multiplier must be 1..255, got ${p.detectMultiplier}`);
  }
}

/** §6.8.3: DesiredMinTxInterval is at least one second unless the session is Up. */
function advertisedTx(configuredUs: number, state: BfdState): number {
  return state === BfdState.Up ? configuredUs : Math.max(configuredUs, BFD_SLOW_TX_US);
}

/** A new session in state Down (§6.8.1 initial values); its first packet is due at once. */
export function createSession(parameters: BfdSessionParameters, now: number): BfdSession {
  validateParameters(parameters);
  const desired = advertisedTx(parameters.desiredMinTxUs, BfdState.Down);
  return {
    parameters: { ...parameters },
    sessionState: BfdState.Down,
    remoteSessionState: BfdState.Down,
    remoteDiscriminator: 0,
    localDiagnostic: BfdDiagnostic.None,
    remoteDiagnostic: BfdDiagnostic.None,
    desiredMinTxUs: desired,
    requiredMinRxUs: parameters.requiredMinRxUs,
    txPacingUs: desired,
    rxDetectionUs: parameters.requiredMinRxUs,
    remoteMinRxUs: 1,
    remoteDesiredMinTxUs: 0,
    remoteDetectMultiplier: 0,
    remoteDemand: false,
    pollActive: false,
    nextTransmitAt: parameters.passive ? undefined : now,
    detectionDeadline: undefined,
    lastStateChangeAt: now,
    counters: {
      controlPacketsIn: 0,
      controlPacketsOut: 0,
      controlPacketsDiscarded: 0,
      sessionUpEvents: 0,
      sessionDownEvents: 0,
    },
  };
}

/** The earliest time the caller must deliver a 'timer' event, or undefined if nothing is pending. */
export function nextWakeup(session: BfdSession): number | undefined {
  const { nextTransmitAt: tx, detectionDeadline: detect } = session;
  if (tx === undefined) return detect;
  if (detect === undefined) return tx;
  return Math.min(tx, detect);
}

/** §6.8.7: the interval between periodic packets before jitter, in microseconds. */
export function transmitIntervalUs(session: BfdSession): number {
  return Math.max(session.txPacingUs, session.remoteMinRxUs);
}

/** §6.8.4: Detection Time in asynchronous mode, in microseconds (0 while nothing was received). */
export function detectionTimeUs(session: BfdSession): number {
  return session.remoteDetectMultiplier * Math.max(session.rxDetectionUs, session.remoteDesiredMinTxUs);
}

/** §6.8.7: 75–100 % of the interval, 75–90 % when bfd.DetectMult is 1. `random` is uniform in [0, 1). */
export function jitteredIntervalMs(intervalUs: number, detectMultiplier: number, random: number): number {
  const spread = detectMultiplier === 1 ? 0.15 : 0.25;
  return (intervalUs * (0.75 + spread * random)) / 1000;
}

/** §6.8.7: when periodic transmission must not happen at all. */
function periodicSuppressed(s: BfdSession): boolean {
  if (s.remoteMinRxUs === 0) return true;
  if (s.parameters.passive && s.remoteDiscriminator === 0) return true;
  // Demand mode active on the remote system.
  return s.remoteDemand && s.sessionState === BfdState.Up && s.remoteSessionState === BfdState.Up;
}

/** The control packet this session sends now (§6.8.7 field by field). */
export function controlPacketFor(s: BfdSession, flags: { poll?: boolean; final?: boolean } = {}): ControlPacket {
  return {
    diagnostic: s.localDiagnostic,
    state: s.sessionState,
    poll: flags.final ? false : (flags.poll ?? s.pollActive),
    final: flags.final ?? false,
    controlPlaneIndependent: false,
    demand: false,
    detectMultiplier: s.parameters.detectMultiplier,
    myDiscriminator: s.parameters.localDiscriminator,
    yourDiscriminator: s.remoteDiscriminator,
    desiredMinTxUs: s.desiredMinTxUs,
    requiredMinRxUs: s.requiredMinRxUs,
    // No Echo function: a zero Required Min Echo RX Interval says so (§6.8.9).
    requiredMinEchoRxUs: 0,
  };
}

/** Mutable working copy for one step; the caller's session object is never changed. */
class Stepper {
  readonly s: BfdSession;
  readonly actions: BfdSessionAction[] = [];

  constructor(
    session: BfdSession,
    readonly now: number,
    readonly random: () => number,
  ) {
    this.s = { ...session, counters: { ...session.counters } };
  }

  send(flags: { poll?: boolean; final?: boolean } = {}): void {
    if (this.s.parameters.passive && this.s.remoteDiscriminator === 0) {
      this.schedulePeriodic(); // §6.8.7, passive role: silent (and no periodic timer) until the remote speaks
      return;
    }
    this.actions.push({ type: 'send', packet: controlPacketFor(this.s, flags) });
    this.s.counters.controlPacketsOut++;
    this.schedulePeriodic();
  }

  schedulePeriodic(): void {
    const s = this.s;
    s.nextTransmitAt = periodicSuppressed(s)
      ? undefined
      : this.now + jitteredIntervalMs(transmitIntervalUs(s), s.parameters.detectMultiplier, this.random());
  }

  /** §6.8.7: a shorter interval takes effect at once rather than after the old, longer one. */
  rescheduleIfSooner(): void {
    const s = this.s;
    if (periodicSuppressed(s)) {
      s.nextTransmitAt = undefined;
      return;
    }
    const candidate =
      this.now + jitteredIntervalMs(transmitIntervalUs(s), s.parameters.detectMultiplier, this.random());
    if (s.nextTransmitAt === undefined || candidate < s.nextTransmitAt) s.nextTransmitAt = candidate;
  }

  /** §6.8.3: a change of either advertised interval while Up starts a Poll Sequence (§6.5). */
  setAdvertised(desiredMinTxUs: number, requiredMinRxUs: number): void {
    const s = this.s;
    const changed = desiredMinTxUs !== s.desiredMinTxUs || requiredMinRxUs !== s.requiredMinRxUs;
    if (!changed) return;
    const up = s.sessionState === BfdState.Up;
    // An increase of the TX interval and a decrease of the RX interval wait for the Final (§6.8.3).
    s.txPacingUs = up && desiredMinTxUs > s.txPacingUs ? s.txPacingUs : desiredMinTxUs;
    s.rxDetectionUs = up && requiredMinRxUs < s.rxDetectionUs ? s.rxDetectionUs : requiredMinRxUs;
    s.desiredMinTxUs = desiredMinTxUs;
    s.requiredMinRxUs = requiredMinRxUs;
    if (up) s.pollActive = true;
  }

  changeState(to: BfdState, diagnostic: BfdDiagnostic): void {
    const s = this.s;
    const from = s.sessionState;
    if (from === to) return;
    s.sessionState = to;
    s.localDiagnostic = diagnostic;
    s.lastStateChangeAt = this.now;
    if (to === BfdState.Up) {
      s.counters.sessionUpEvents++;
      // Now Up: move from the 1 s floor to the configured interval through a Poll Sequence (§6.8.3).
      this.setAdvertised(s.parameters.desiredMinTxUs, s.parameters.requiredMinRxUs);
    } else {
      if (from === BfdState.Up) s.counters.sessionDownEvents++;
      // Leaving Up: back to at least 1 s at once; a Poll Sequence only concerns an Up session.
      s.pollActive = false;
      s.desiredMinTxUs = advertisedTx(s.parameters.desiredMinTxUs, to);
      s.txPacingUs = s.desiredMinTxUs;
      s.requiredMinRxUs = s.parameters.requiredMinRxUs;
      s.rxDetectionUs = s.requiredMinRxUs;
    }
    this.actions.push({ type: 'state-change', from, to, diagnostic });
  }

  /** §6.8.1: what the session forgets about the remote system when it is no longer heard. */
  forgetRemote(): void {
    const s = this.s;
    s.remoteDiscriminator = 0;
    s.remoteSessionState = BfdState.Down;
    s.remoteMinRxUs = 1;
    s.remoteDemand = false;
    s.detectionDeadline = undefined;
  }

  timer(): void {
    const s = this.s;
    if (s.detectionDeadline !== undefined && this.now >= s.detectionDeadline) {
      // §6.8.4: no valid packet within Detection Time.
      if (s.sessionState === BfdState.Init || s.sessionState === BfdState.Up) {
        this.changeState(BfdState.Down, BfdDiagnostic.ControlDetectionTimeExpired);
      }
      this.forgetRemote();
      this.send();
    }
    if (s.nextTransmitAt !== undefined && this.now >= s.nextTransmitAt) this.send();
  }

  packet(p: ControlPacket): void {
    const s = this.s;
    // §6.8.6: a non-zero Your Discriminator must be ours (the demultiplexer may have used addresses).
    if (p.yourDiscriminator !== 0 && p.yourDiscriminator !== s.parameters.localDiscriminator) {
      this.discard(`Your Discriminator ${p.yourDiscriminator} is not ours (${s.parameters.localDiscriminator})`);
      return;
    }
    // §6.8.6: the A bit with no authentication in use means discard (this implementation does not authenticate).
    if (p.authentication) {
      this.discard(`authentication type ${p.authentication.type} is not configured on this session`);
      return;
    }
    s.counters.controlPacketsIn++;
    s.remoteDiscriminator = p.myDiscriminator;
    s.remoteSessionState = p.state;
    s.remoteDiagnostic = p.diagnostic;
    s.remoteDemand = p.demand;
    s.remoteMinRxUs = p.requiredMinRxUs;
    s.remoteDesiredMinTxUs = p.desiredMinTxUs;
    s.remoteDetectMultiplier = p.detectMultiplier;
    // §6.5: a Final ends the Poll Sequence; the deferred intervals now apply (§6.8.3).
    if (p.final && s.pollActive) {
      s.pollActive = false;
      s.txPacingUs = s.desiredMinTxUs;
      s.rxDetectionUs = s.requiredMinRxUs;
    }
    if (s.sessionState === BfdState.AdminDown) {
      s.detectionDeadline = undefined;
      this.rescheduleIfSooner(); // the remote fields above still govern transmission (§6.8.7)
      return; // §6.8.6: no state change in AdminDown
    }
    // §6.8.6 state transitions.
    if (p.state === BfdState.AdminDown) {
      if (s.sessionState !== BfdState.Down) this.changeState(BfdState.Down, BfdDiagnostic.NeighborSignaledSessionDown);
    } else if (s.sessionState === BfdState.Down) {
      if (p.state === BfdState.Down) this.changeState(BfdState.Init, BfdDiagnostic.None);
      else if (p.state === BfdState.Init) this.changeState(BfdState.Up, BfdDiagnostic.None);
    } else if (s.sessionState === BfdState.Init) {
      if (p.state === BfdState.Init || p.state === BfdState.Up) this.changeState(BfdState.Up, BfdDiagnostic.None);
    } else if (p.state === BfdState.Down) {
      this.changeState(BfdState.Down, BfdDiagnostic.NeighborSignaledSessionDown);
    }
    // §6.8.4: the Detection Time restarts with every valid packet.
    s.detectionDeadline = this.now + detectionTimeUs(s) / 1000;
    const changed = this.actions.some((a) => a.type === 'state-change');
    if (p.poll) {
      // §6.5: answer a Poll with a Final as soon as practicable, P clear.
      this.send({ final: true });
      if (changed) this.send(); // our new state (and our own Poll, if one started) follows at once
    } else if (changed) {
      this.send();
    } else {
      this.rescheduleIfSooner();
    }
  }

  discard(reason: string): void {
    this.s.counters.controlPacketsDiscarded++;
    this.actions.push({ type: 'discarded', reason });
  }

  adminDown(): void {
    if (this.s.sessionState === BfdState.AdminDown) return;
    // §6.8.16: AdminDown with diagnostic 7, still sending so the remote system learns it.
    this.changeState(BfdState.AdminDown, BfdDiagnostic.AdministrativelyDown);
    this.s.detectionDeadline = undefined;
    this.send();
  }

  adminUp(): void {
    if (this.s.sessionState !== BfdState.AdminDown) return;
    this.changeState(BfdState.Down, BfdDiagnostic.None);
    this.forgetRemote();
    this.send();
  }

  setTimers(e: Extract<BfdSessionEvent, { type: 'set-timers' }>): void {
    const s = this.s;
    const parameters = {
      ...s.parameters,
      desiredMinTxUs: e.desiredMinTxUs ?? s.parameters.desiredMinTxUs,
      requiredMinRxUs: e.requiredMinRxUs ?? s.parameters.requiredMinRxUs,
      detectMultiplier: e.detectMultiplier ?? s.parameters.detectMultiplier,
    };
    validateParameters(parameters);
    const multiplierChanged = parameters.detectMultiplier !== s.parameters.detectMultiplier;
    s.parameters = parameters;
    this.setAdvertised(advertisedTx(parameters.desiredMinTxUs, s.sessionState), parameters.requiredMinRxUs);
    if (s.pollActive || multiplierChanged) this.send();
    else this.rescheduleIfSooner(); // §6.8.7: the interval is recalculated when DesiredMinTx changes
  }
}

/** One step of the state machine. `random` supplies the jitter (uniform in [0, 1)). */
export function stepSession(
  session: BfdSession,
  event: BfdSessionEvent,
  now: number,
  random: () => number = Math.random,
): BfdStep {
  const step = new Stepper(session, now, random);
  switch (event.type) {
    case 'timer':
      step.timer();
      break;
    case 'packet':
      step.packet(event.packet);
      break;
    case 'admin-down':
      step.adminDown();
      break;
    case 'admin-up':
      step.adminUp();
      break;
    case 'set-timers':
      step.setTimers(event);
      break;
  }
  return { session: step.s, actions: step.actions };
}
