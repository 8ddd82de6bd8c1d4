// Connection collision detection (RFC 4271 §6.8): when two connections to the same peer both
// reach the point where the peer's BGP Identifier is known, one of them is closed.

/** Which connection of a colliding pair to keep. */
export type CollisionWinner = 'locally-initiated' | 'remotely-initiated';

function idToNumber(routerId: string): number {
  const parts = routerId.split('.').map(Number);
  return (((parts[0] ?? 0) << 24) >>> 0) + ((parts[1] ?? 0) << 16) + ((parts[2] ?? 0) << 8) + (parts[3] ?? 0);
}

/**
 * RFC 4271 §6.8: "If the value of the local BGP Identifier is less than the remote one, the local
 * system closes the BGP connection that already exists (the one that is already in the OpenConfirm
 * state), and accepts the BGP connection initiated by the remote system" — i.e. the connection
 * initiated by the speaker with the higher BGP Identifier survives. Identifiers compare as
 * 32-bit unsigned integers.
 */
export function resolveCollision(localRouterId: string, remoteRouterId: string): CollisionWinner {
  return idToNumber(localRouterId) < idToNumber(remoteRouterId) ? 'remotely-initiated' : 'locally-initiated';
}
