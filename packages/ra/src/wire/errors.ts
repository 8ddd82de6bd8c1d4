/** Why a Neighbor Discovery message could not be decoded. */
export type NdDecodeReason =
  | 'truncated' // fewer bytes than the fixed header or an option announces
  | 'zero-length-option' // RFC 4861 §4.6: an option of length 0 makes the whole packet invalid
  | 'bad-option-length' // an option's length does not fit its type (e.g. an MTU option that is not 8 octets)
  | 'bad-option-value' // a field inside an option is out of range (prefix length > 128, bad DNS label, …)
  | 'unsupported-message'; // the ICMPv6 type is neither a Router Solicitation nor a Router Advertisement

/**
 * A Router Solicitation or Advertisement that cannot be decoded. RFC 4861 §6.1 says such a packet is
 * silently discarded: callers drop it, count it and go on; it never carries state.
 */
export class NdDecodeError extends Error {
  override readonly name = 'NdDecodeError';
  constructor(
    readonly reason: NdDecodeReason,
    message: string,
    /** Octet offset in the ICMPv6 message where the problem was found. */
    readonly offset: number,
  ) {
    super(`${message} (at octet ${offset}; the packet is discarded as RFC 4861 §6.1 requires)`);
  }
}

/** A value handed to an encoder that the wire format cannot carry. Fix the value at its source. */
export class NdEncodeError extends Error {
  override readonly name = 'NdEncodeError';
  constructor(
    /** The field that is out of range, e.g. `prefix-information.prefixLength`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
