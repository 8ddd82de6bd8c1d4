// The transport hook of the speaker: where its TCP connections come from (RFC 4271 §8, "TCP
// connection" events). The speaker is given one; the I/O details (TCP-MD5, GTSM, source address,
// network namespace) live behind this interface.
import type { Socket } from 'node:net';

/** Transport settings of one peer. */
export interface TransportPeer {
  /** The peer's address (IPv4 or IPv6). */
  address: string;
  /** Port to connect to (default 179). */
  port?: number;
  /** Source address of outgoing connections. */
  localAddress?: string;
  /** TCP-MD5 key (RFC 2385), at most 80 bytes. */
  password?: string;
  /** GTSM (RFC 5082): accept packets only from at most this many hops away (1 = directly connected). */
  ttlSecurityHops?: number;
}

/** Called for each accepted connection from a configured peer; `peer` is the normalized peer address. */
export type ConnectionHandler = (socket: Socket, peer: string) => void;

export interface BgpTransport {
  /** Starts accepting connections. Connections from addresses not configured with setPeer are refused. */
  listen(onConnection: ConnectionHandler): Promise<void>;
  /** Adds or updates a peer (password, GTSM, source address) without touching other peers. */
  setPeer(peer: TransportPeer): void;
  removePeer(address: string): void;
  /**
   * Opens an outgoing connection to a configured peer; rejects when it fails. Aborting `signal`
   * destroys a connection still being set up (a SYN nobody answers can otherwise linger for minutes).
   */
  connect(address: string, signal?: AbortSignal): Promise<Socket>;
  /** Stops listening. Open connections are the speaker's to close. */
  close(): Promise<void>;
}

/** A transport option this transport cannot provide (e.g. a TCP-MD5 password on the plain TCP transport). */
export class TransportUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportUnsupportedError';
  }
}

/** connect() for an address that was never given to setPeer. */
export class UnknownPeerError extends Error {
  constructor(address: string) {
    super(`no transport settings for peer ${address}: call setPeer() first`);
    this.name = 'UnknownPeerError';
  }
}

export const BGP_PORT = 179;

/** The canonical text of an IP address (lower case, compressed IPv6, IPv4-mapped IPv6 unwrapped). */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  return new URL(`http://[${address.replace(/%.*$/, '')}]/`).hostname.slice(1, -1);
}
