// Real-traffic probes for integration tests: TCP/UDP clients and servers opened inside a namespace
// (the harness moves this thread into it while the probe runs), and a Firewall driving nft there.
import { type AddressInfo, type Server, connect, createServer } from 'node:net';
import { type Socket as UdpSocket, createSocket } from 'node:dgram';
import pino from 'pino';
import type { Namespace } from '@cairn/harness';
import { Firewall, type FirewallOptions, nftBinary } from '../src/index.js';

export function firewallIn(ns: Namespace, options: Omit<FirewallOptions, 'logger' | 'runner'> = {}): Firewall {
  return new Firewall({ logger: pino({ level: 'silent' }), runner: nftBinary({ netns: ns.name }), ...options });
}

/** `nft <args>` in the namespace, stdout. */
export async function nft(ns: Namespace, ...args: string[]): Promise<string> {
  return (await ns.exec('nft', args)).stdout;
}

/** A TCP server that answers every connection with "hello <port>" and closes. */
export async function tcpServer(ns: Namespace, host: string, port: number): Promise<Server> {
  return ns.enter(
    () =>
      new Promise<Server>((resolve, reject) => {
        const server = createServer((socket) => socket.end(`hello ${port}`));
        server.once('error', reject);
        server.listen({ host, port, ipv6Only: host.includes(':') }, () => resolve(server));
      }),
  );
}

export type TcpOutcome = 'connected' | 'timeout' | string;

/**
 * Connects from `ns` (optionally from `localAddress`) and reads the greeting. Returns 'connected',
 * the errno code of a failure (EHOSTUNREACH for ICMP admin-prohibited, EACCES for its ICMPv6 twin,
 * ECONNREFUSED for a TCP reset), or 'timeout' after `timeoutMs` without an answer (a silent drop).
 */
export function tcpProbe(
  ns: Namespace,
  host: string,
  port: number,
  options: { localAddress?: string; timeoutMs?: number } = {},
): Promise<TcpOutcome> {
  return ns.enter(
    () =>
      new Promise<TcpOutcome>((resolve) => {
        const socket = connect({ host, port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
        let data = '';
        const timer = setTimeout(() => {
          socket.destroy();
          resolve('timeout');
        }, options.timeoutMs ?? 10_000);
        socket.on('data', (chunk) => (data += chunk.toString()));
        socket.on('end', () => {
          clearTimeout(timer);
          socket.destroy();
          resolve(data === `hello ${port}` ? 'connected' : `bad greeting: ${data}`);
        });
        socket.on('error', (error: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          resolve(error.code ?? error.message);
        });
      }),
  );
}

/** A UDP server that echoes every datagram back to its sender. */
export async function udpEcho(ns: Namespace, host: string, port: number): Promise<UdpSocket> {
  return ns.enter(
    () =>
      new Promise<UdpSocket>((resolve, reject) => {
        const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', ipv6Only: host.includes(':') });
        socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
        socket.once('error', reject);
        socket.bind(port, host, () => resolve(socket));
      }),
  );
}

/**
 * Sends one datagram of `size` bytes from a connected UDP socket and waits for the echo. Returns
 * 'reply', the errno code the kernel reported for an ICMP error, or 'timeout'.
 */
export function udpProbe(
  ns: Namespace,
  host: string,
  port: number,
  options: { localAddress?: string; localPort?: number; size?: number; timeoutMs?: number } = {},
): Promise<string> {
  return ns.enter(
    () =>
      new Promise<string>((resolve) => {
        const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
        const finish = (outcome: string) => {
          clearTimeout(timer);
          socket.close();
          resolve(outcome);
        };
        const timer = setTimeout(() => finish('timeout'), options.timeoutMs ?? 5_000);
        socket.on('message', () => finish('reply'));
        socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
        socket.bind(options.localPort ?? 0, options.localAddress, () => {
          socket.connect(port, host, () => socket.send(Buffer.alloc(options.size ?? 32, 0x61)));
        });
      }),
  );
}

export function closeAll(...servers: { close(): unknown }[]): void {
  for (const server of servers) server.close();
}

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}
