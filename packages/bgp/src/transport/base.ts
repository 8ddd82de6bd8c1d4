// What every transport shares: the table of configured peers and the refusal of unknown sources.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { type ConnectionHandler, type TransportPeer, UnknownPeerError, normalizeAddress } from './types.js';

export abstract class PeerTable {
  protected readonly peers = new Map<string, TransportPeer>();

  constructor(protected readonly logger?: Logger) {}

  protected lookup(address: string): TransportPeer {
    const peer = this.peers.get(normalizeAddress(address));
    if (!peer) throw new UnknownPeerError(address);
    return peer;
  }

  protected store(peer: TransportPeer): { previous: TransportPeer | undefined; peer: TransportPeer } {
    const normalized = { ...peer, address: normalizeAddress(peer.address) };
    const previous = this.peers.get(normalized.address);
    this.peers.set(normalized.address, normalized);
    return { previous, peer: normalized };
  }

  protected forget(address: string): TransportPeer | undefined {
    const key = normalizeAddress(address);
    const peer = this.peers.get(key);
    this.peers.delete(key);
    return peer;
  }

  /** Hands an accepted socket to the speaker if it comes from a configured peer; refuses it otherwise. */
  protected accept(socket: Socket, onConnection: ConnectionHandler): TransportPeer | undefined {
    const remote = socket.remoteAddress ? normalizeAddress(socket.remoteAddress) : undefined;
    const peer = remote === undefined ? undefined : this.peers.get(remote);
    if (!peer) {
      this.logger?.warn({ remote }, 'refused a connection from an address that is not a configured peer');
      socket.destroy();
      return undefined;
    }
    onConnection(socket, peer.address);
    return peer;
  }
}

/** Resolves once `socket` connects; rejects (and destroys it) on error or when `signal` aborts first. */
export function whenConnected(socket: Socket, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      socket.off('connect', onConnect);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onError = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = () => onError(new Error('connection attempt abandoned'));
    const onConnect = () => {
      cleanup();
      resolve(socket);
    };
    if (signal?.aborted) return onAbort();
    socket.once('error', onError);
    socket.once('connect', onConnect);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
