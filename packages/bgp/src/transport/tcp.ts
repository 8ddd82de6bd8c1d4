// The default transport: plain TCP through Node's net module. No TCP-MD5, no GTSM (Node cannot set
// those socket options); use LinuxTransport for them.
import { type Server, type Socket, connect, createServer } from 'node:net';
import type { Logger } from 'pino';
import { PeerTable, whenConnected } from './base.js';
import {
  BGP_PORT,
  type BgpTransport,
  type ConnectionHandler,
  type TransportPeer,
  TransportUnsupportedError,
} from './types.js';

export interface TcpTransportOptions {
  /** Addresses to listen on (default both wildcards, 0.0.0.0 and ::); an empty list listens nowhere. */
  listenAddresses?: string[];
  port?: number;
  logger?: Logger;
}

export class TcpTransport extends PeerTable implements BgpTransport {
  private readonly servers: Server[] = [];

  constructor(private readonly options: TcpTransportOptions = {}) {
    super(options.logger);
  }

  async listen(onConnection: ConnectionHandler): Promise<void> {
    for (const host of this.options.listenAddresses ?? ['0.0.0.0', '::']) {
      const server = createServer((socket) => this.accept(socket, onConnection));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port: this.options.port ?? BGP_PORT, ipv6Only: host.includes(':') }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.servers.push(server);
    }
  }

  setPeer(peer: TransportPeer): void {
    if (peer.password)
      throw new TransportUnsupportedError(`peer ${peer.address}: TCP-MD5 needs LinuxTransport, not TcpTransport`);
    if (peer.ttlSecurityHops)
      throw new TransportUnsupportedError(`peer ${peer.address}: GTSM needs LinuxTransport, not TcpTransport`);
    this.store(peer);
  }

  removePeer(address: string): void {
    this.forget(address);
  }

  connect(address: string, signal?: AbortSignal): Promise<Socket> {
    const peer = this.lookup(address);
    const socket = connect({
      host: peer.address,
      port: peer.port ?? BGP_PORT,
      ...(peer.localAddress ? { localAddress: peer.localAddress } : {}),
    });
    return whenConnected(socket, signal);
  }

  async close(): Promise<void> {
    // Stop accepting without waiting for open connections (server.close's callback would): those
    // belong to the speaker's sessions.
    for (const server of this.servers) server.close();
    await new Promise((resolve) => setImmediate(resolve));
    this.servers.length = 0;
  }
}
