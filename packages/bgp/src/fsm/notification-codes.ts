// NOTIFICATION subcodes the FSM needs beyond the codec's tables (wire/errors.ts holds the error
// codes and the RFC 4486 Cease subcodes).

/** RFC 6608 §3 subcodes of the Finite State Machine Error. */
export const FSM_ERROR = {
  UNSPECIFIED: 0,
  UNEXPECTED_IN_OPENSENT: 1,
  UNEXPECTED_IN_OPENCONFIRM: 2,
  UNEXPECTED_IN_ESTABLISHED: 3,
} as const;

/** RFC 9384 §3: Cease subcode "BFD Down", sent when a liveness source takes the session down. */
export const CEASE_BFD_DOWN = 10;
