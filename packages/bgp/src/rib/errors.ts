// Typed errors of the RIB layer; each message says what the caller should do.

/** Base class: `code` is stable for programs, `message` is for people. */
export class RibError extends Error {
  constructor(
    readonly code: 'unknown-peer' | 'duplicate-peer' | 'peer-not-up',
    message: string,
  ) {
    super(message);
    this.name = 'RibError';
  }
}

export function unknownPeer(id: string): RibError {
  return new RibError('unknown-peer', `no peer "${id}" in the RIB: call addPeer() first`);
}
