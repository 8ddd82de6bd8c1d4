// Typed codec errors. A decode error carries what the speaker must do about it: the NOTIFICATION
// code/subcode/data to send (RFC 4271 §4.5, §6) and the RFC 7606 §2 error-handling action.

/** NOTIFICATION error codes (RFC 4271 §4.5, RFC 7313 §5). */
export const NOTIFICATION_CODE = {
  MESSAGE_HEADER: 1,
  OPEN_MESSAGE: 2,
  UPDATE_MESSAGE: 3,
  HOLD_TIMER_EXPIRED: 4,
  FSM: 5,
  CEASE: 6,
  ROUTE_REFRESH_MESSAGE: 7,
} as const;

/** Message Header Error subcodes (RFC 4271 §6.1). */
export const HEADER_ERROR_SUBCODE = {
  CONNECTION_NOT_SYNCHRONIZED: 1,
  BAD_MESSAGE_LENGTH: 2,
  BAD_MESSAGE_TYPE: 3,
} as const;

/** OPEN Message Error subcodes (RFC 4271 §6.2, RFC 5492 §5, RFC 9234 §4.2). */
export const OPEN_ERROR_SUBCODE = {
  UNSPECIFIC: 0,
  UNSUPPORTED_VERSION_NUMBER: 1,
  BAD_PEER_AS: 2,
  BAD_BGP_IDENTIFIER: 3,
  UNSUPPORTED_OPTIONAL_PARAMETER: 4,
  UNACCEPTABLE_HOLD_TIME: 6,
  UNSUPPORTED_CAPABILITY: 7,
  ROLE_MISMATCH: 11,
} as const;

/** UPDATE Message Error subcodes (RFC 4271 §6.3). */
export const UPDATE_ERROR_SUBCODE = {
  MALFORMED_ATTRIBUTE_LIST: 1,
  UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE: 2,
  MISSING_WELL_KNOWN_ATTRIBUTE: 3,
  ATTRIBUTE_FLAGS_ERROR: 4,
  ATTRIBUTE_LENGTH_ERROR: 5,
  INVALID_ORIGIN_ATTRIBUTE: 6,
  INVALID_NEXT_HOP_ATTRIBUTE: 8,
  OPTIONAL_ATTRIBUTE_ERROR: 9,
  INVALID_NETWORK_FIELD: 10,
  MALFORMED_AS_PATH: 11,
} as const;

/** Cease subcodes (RFC 4486 §4, RFC 8538). */
export const CEASE_SUBCODE = {
  MAXIMUM_PREFIXES_REACHED: 1,
  ADMINISTRATIVE_SHUTDOWN: 2,
  PEER_DECONFIGURED: 3,
  ADMINISTRATIVE_RESET: 4,
  CONNECTION_REJECTED: 5,
  OTHER_CONFIGURATION_CHANGE: 6,
  CONNECTION_COLLISION_RESOLUTION: 7,
  OUT_OF_RESOURCES: 8,
  HARD_RESET: 9,
} as const;

/** ROUTE-REFRESH Message Error subcodes (RFC 7313 §5). */
export const ROUTE_REFRESH_ERROR_SUBCODE = { INVALID_MESSAGE_LENGTH: 1 } as const;

/**
 * RFC 7606 §2: what to do with a malformed message.
 * - `session-reset`: send the NOTIFICATION and close the session (RFC 4271 behaviour).
 * - `treat-as-withdraw`: keep the session, withdraw every prefix the UPDATE carries.
 * - `attribute-discard`: keep the session and the routes, drop the faulty attribute.
 */
export type ErrorAction = 'session-reset' | 'treat-as-withdraw' | 'attribute-discard';

/** Relative severity, used to pick the strongest action when one UPDATE has several errors (RFC 7606 §3). */
export const ACTION_SEVERITY: Record<ErrorAction, number> = {
  'attribute-discard': 1,
  'treat-as-withdraw': 2,
  'session-reset': 3,
};

/**
 * A message that cannot be decoded. The speaker sends NOTIFICATION (`code`, `subcode`, `data`) and
 * acts per `action`; `decodeMessage` only throws this with `action: 'session-reset'`, the milder
 * RFC 7606 outcomes are reported on the returned UpdateMessage instead.
 */
export class BgpDecodeError extends Error {
  override readonly name = 'BgpDecodeError';
  constructor(
    readonly code: number,
    readonly subcode: number,
    message: string,
    readonly data: Uint8Array = new Uint8Array(0),
    readonly action: ErrorAction = 'session-reset',
  ) {
    super(message);
  }
}

/** The caller asked to encode something BGP cannot carry (a value out of range, a message that cannot fit). */
export class BgpEncodeError extends Error {
  override readonly name = 'BgpEncodeError';
}

/** A textual address or prefix that is not valid (bad syntax, host bits set, length out of range). */
export class AddressFormatError extends Error {
  override readonly name = 'AddressFormatError';
}
