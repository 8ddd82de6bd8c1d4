// Typed errors of the BFD module.

/** Why a received control packet is discarded (RFC 5880 §6.8.6 reception checks, §4 format). */
export type BfdPacketProblem =
  | 'truncated'
  | 'bad-version'
  | 'bad-length'
  | 'zero-detect-mult'
  | 'multipoint'
  | 'poll-and-final'
  | 'zero-my-discriminator'
  | 'zero-your-discriminator'
  | 'bad-auth-section';

/**
 * A received BFD control packet that RFC 5880 §6.8.6 says to discard. The receiver drops it and
 * counts it; nothing is sent back (BFD has no error messages).
 */
export class BfdPacketError extends Error {
  override readonly name = 'BfdPacketError';
  constructor(
    readonly problem: BfdPacketProblem,
    detail: string,
  ) {
    super(`BFD control packet discarded (${problem}): ${detail}`);
  }
}

/** A packet or session parameter that cannot be encoded or configured; fix the caller's values. */
export class BfdConfigError extends Error {
  override readonly name = 'BfdConfigError';
}
