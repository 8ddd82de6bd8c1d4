// A session's state in the shape of FRR's `show bfd peers json` (plus the counters of
// `show bfd peers counters json`), so operators and tests read Cairn and FRR the same way.
import { BfdState, bfdDiagnosticName } from './constants.js';
import type { BfdSession } from './session.js';
import type { BfdPath } from './udp-transport.js';

export interface BfdPeerSnapshot {
  multihop: boolean;
  peer: string;
  local?: string;
  interface?: string;
  vrf: 'default';
  id: number;
  'remote-id': number;
  'passive-mode': boolean;
  status: 'up' | 'down' | 'init' | 'shutdown';
  /** Seconds Up (present while up). */
  uptime?: number;
  /** Seconds not Up (present otherwise). */
  downtime?: number;
  diagnostic: string;
  'remote-diagnostic': string;
  /** Configured intervals, in milliseconds as FRR prints them. */
  'receive-interval': number;
  'transmit-interval': number;
  'echo-receive-interval': 0;
  'echo-transmit-interval': 0;
  'detect-multiplier': number;
  'remote-receive-interval': number;
  'remote-transmit-interval': number;
  'remote-echo-receive-interval': 0;
  'remote-detect-multiplier': number;
  /** Cairn additions: what is in effect now (§6.8.7 TX interval, §6.8.4 detection time), in ms. */
  'negotiated-transmit-interval': number;
  'detection-time': number;
  'control-packet-input': number;
  'control-packet-output': number;
  'control-packet-discarded': number;
  'session-up': number;
  'session-down': number;
}

const STATUS: Record<BfdState, BfdPeerSnapshot['status']> = {
  [BfdState.AdminDown]: 'shutdown',
  [BfdState.Down]: 'down',
  [BfdState.Init]: 'init',
  [BfdState.Up]: 'up',
};

const ms = (us: number) => Math.round(us / 1000);

export function peerSnapshot(
  path: BfdPath,
  s: BfdSession,
  now: number,
  negotiatedTxUs: number,
  detectionUs: number,
): BfdPeerSnapshot {
  const since = Math.floor((now - s.lastStateChangeAt) / 1000);
  return {
    multihop: path.multihop ?? false,
    peer: path.peer,
    ...(path.local ? { local: path.local } : {}),
    ...(path.interface ? { interface: path.interface } : {}),
    vrf: 'default',
    id: s.parameters.localDiscriminator,
    'remote-id': s.remoteDiscriminator,
    'passive-mode': s.parameters.passive ?? false,
    status: STATUS[s.sessionState],
    ...(s.sessionState === BfdState.Up ? { uptime: since } : { downtime: since }),
    diagnostic: bfdDiagnosticName[s.localDiagnostic] ?? `diagnostic ${s.localDiagnostic}`,
    'remote-diagnostic': bfdDiagnosticName[s.remoteDiagnostic] ?? `diagnostic ${s.remoteDiagnostic}`,
    'receive-interval': ms(s.parameters.requiredMinRxUs),
    'transmit-interval': ms(s.parameters.desiredMinTxUs),
    'echo-receive-interval': 0,
    'echo-transmit-interval': 0,
    'detect-multiplier': s.parameters.detectMultiplier,
    'remote-receive-interval': ms(s.remoteMinRxUs),
    'remote-transmit-interval': ms(s.remoteDesiredMinTxUs),
    'remote-echo-receive-interval': 0,
    'remote-detect-multiplier': s.remoteDetectMultiplier,
    'negotiated-transmit-interval': ms(negotiatedTxUs),
    'detection-time': ms(detectionUs),
    'control-packet-input': s.counters.controlPacketsIn,
    'control-packet-output': s.counters.controlPacketsOut,
    'control-packet-discarded': s.counters.controlPacketsDiscarded,
    'session-up': s.counters.sessionUpEvents,
    'session-down': s.counters.sessionDownEvents,
  };
}
