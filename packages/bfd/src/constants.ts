// Protocol constants of BFD (RFC 5880 §4.1, RFC 5881 §4).

/** Session states, as carried in the Sta field (RFC 5880 §4.1). */
export const BfdState = {
  AdminDown: 0,
  Down: 1,
  Init: 2,
  Up: 3,
} as const;
export type BfdState = (typeof BfdState)[keyof typeof BfdState];

export type BfdStateName = 'admin-down' | 'down' | 'init' | 'up';

export const bfdStateName: Record<BfdState, BfdStateName> = {
  0: 'admin-down',
  1: 'down',
  2: 'init',
  3: 'up',
};

/** Diagnostic codes (RFC 5880 §4.1, "Diag"). */
export const BfdDiagnostic = {
  None: 0,
  ControlDetectionTimeExpired: 1,
  EchoFunctionFailed: 2,
  NeighborSignaledSessionDown: 3,
  ForwardingPlaneReset: 4,
  PathDown: 5,
  ConcatenatedPathDown: 6,
  AdministrativelyDown: 7,
  ReverseConcatenatedPathDown: 8,
} as const;
export type BfdDiagnostic = (typeof BfdDiagnostic)[keyof typeof BfdDiagnostic];

/** Diagnostic names in the words FRR's `show bfd peers json` uses. */
export const bfdDiagnosticName: Record<number, string> = {
  0: 'ok',
  1: 'control detection time expired',
  2: 'echo function failed',
  3: 'neighbor signaled session down',
  4: 'forwarding plane reset',
  5: 'path down',
  6: 'concatenated path down',
  7: 'administratively down',
  8: 'reverse concatenated path down',
};

/** Authentication types (RFC 5880 §4.1, "Auth Type"). */
export const BfdAuthType = {
  SimplePassword: 1,
  KeyedMd5: 2,
  MeticulousKeyedMd5: 3,
  KeyedSha1: 4,
  MeticulousKeyedSha1: 5,
} as const;
export type BfdAuthType = (typeof BfdAuthType)[keyof typeof BfdAuthType];

/** RFC 5880 §4.1: the protocol version this implementation speaks. */
export const BFD_VERSION = 1;
/** RFC 5880 §4.1: the mandatory section is 24 bytes. */
export const BFD_HEADER_LENGTH = 24;
/** RFC 5881 §4: single-hop control packets go to UDP port 3784. */
export const BFD_SINGLE_HOP_PORT = 3784;
/** RFC 5883 §5: multihop control packets go to UDP port 4784. */
export const BFD_MULTIHOP_PORT = 4784;
/** Lowest TTL accepted on multihop sessions by default (FRR's `minimum-ttl` default, RFC 5883 §5 leaves it to configuration). */
export const BFD_MULTIHOP_MIN_TTL = 254;
/** RFC 5881 §4: the source port MUST be in the range 49152 through 65535. */
export const BFD_SOURCE_PORT_MIN = 49152;
export const BFD_SOURCE_PORT_MAX = 65535;
/** RFC 5881 §5: TTL / hop limit 255 on send, checked on receive (GTSM, RFC 5082). */
export const BFD_TTL = 255;
/** RFC 5880 §6.8.3: while not Up, DesiredMinTxInterval is at least one second (in microseconds). */
export const BFD_SLOW_TX_US = 1_000_000;
