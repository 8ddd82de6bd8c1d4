// RFC 5881 single-hop UDP transport: control packets to port 3784 from a source port in 49152–65535,
// TTL / hop limit 255 on send, and only TTL / hop limit 255 accepted on receive (§4, §5). RFC 5883
// multihop: port 4784, TTL 255 on send, a configurable minimum TTL on receive.
import type { Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import {
  BFD_MULTIHOP_MIN_TTL,
  BFD_MULTIHOP_PORT,
  BFD_SINGLE_HOP_PORT,
  BFD_SOURCE_PORT_MAX,
  BFD_SOURCE_PORT_MIN,
  BFD_TTL,
} from './constants.js';
import { AddressInUseError, interfaceIndex, openUdpSocket } from './socket-options.js';

/** Where a datagram came from. */
export interface BfdDatagramSource {
  address: string;
  port: number;
  family: 4 | 6;
  /** The interface it arrived on, when the receiving socket is bound to one or the address is scoped. */
  interface?: string;
  /** Arrived on the multihop port (RFC 5883). */
  multihop: boolean;
}

/** The two ends of one single-hop session. */
export interface BfdPath {
  peer: string;
  local?: string;
  interface?: string;
  /** RFC 5883 multihop session (port 4784); needs `local`. */
  multihop?: boolean;
}

export interface BfdUdpTransportOptions {
  logger: Logger;
  onDatagram: (bytes: Uint8Array, source: BfdDatagramSource) => void;
  /** Lowest TTL / hop limit accepted on multihop sessions (default 254). */
  multihopMinimumTtl?: number;
  /** Network namespace (name under /run/netns) to open every socket in; default: where the thread is. */
  netns?: string;
}

/** A session's sending socket. */
export interface BfdSender {
  send(bytes: Uint8Array): void;
  close(): void;
}

function familyOf(address: string): 4 | 6 {
  return isIPv6(address) ? 6 : 4;
}

/**
 * Receiving sockets are shared: one per (address family, interface or any, single hop or multihop),
 * bound to port 3784 or 4784 with
 * SO_REUSEADDR so an interface-bound socket and a wildcard one coexist (the kernel prefers the
 * interface-bound one). Each session sends from its own socket (§4: one source port per session).
 */
export class BfdUdpTransport {
  private readonly receivers = new Map<string, { socket: Socket; users: number }>();
  private readonly sourcePorts = new Set<number>();
  constructor(private readonly options: BfdUdpTransportOptions) {}

  /** Opens (or shares) the receiving socket a session on `path` needs; returns its release function. */
  async acquireReceiver(path: BfdPath): Promise<() => void> {
    const family = familyOf(path.peer);
    const multihop = path.multihop ?? false;
    const key = `${family}|${path.interface ?? ''}|${multihop ? 'multihop' : 'single-hop'}`;
    let entry = this.receivers.get(key);
    if (!entry) {
      const socket = await openUdpSocket({
        family,
        address: family === 6 ? '::' : '0.0.0.0',
        port: multihop ? BFD_MULTIHOP_PORT : BFD_SINGLE_HOP_PORT,
        reuseAddress: true,
        minimumTtl: multihop ? (this.options.multihopMinimumTtl ?? BFD_MULTIHOP_MIN_TTL) : BFD_TTL,
        ...(path.interface ? { device: path.interface } : {}),
        ...(this.options.netns ? { netns: this.options.netns } : {}),
      });
      socket.on('error', (error) =>
        this.options.logger.error({ err: error, receiver: key }, 'BFD receive socket error'),
      );
      socket.on('message', (message, rinfo) => {
        // A scope in rinfo is named in the thread's namespace, which may not be the socket's: use the
        // receiver's own interface when it has one.
        const [address = rinfo.address, scope] = rinfo.address.split('%');
        const ifname = path.interface ?? scope;
        this.options.onDatagram(message, {
          address,
          port: rinfo.port,
          family,
          multihop,
          ...(ifname ? { interface: ifname } : {}),
        });
      });
      const raced = this.receivers.get(key);
      if (raced) {
        socket.close();
        entry = raced;
      } else {
        entry = { socket, users: 0 };
        this.receivers.set(key, entry);
      }
    }
    entry.users++;
    const current = entry;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--current.users === 0) {
        this.receivers.delete(key);
        current.socket.close();
      }
    };
  }

  /** Opens a session's sending socket: source port 49152–65535, TTL 255, bound to the path's interface. */
  async openSender(path: BfdPath): Promise<BfdSender> {
    const family = familyOf(path.peer);
    const span = BFD_SOURCE_PORT_MAX - BFD_SOURCE_PORT_MIN + 1;
    const first = Math.floor(Math.random() * span);
    const address = path.local ?? (family === 6 ? '::' : '0.0.0.0');
    let socket: Socket | undefined;
    let sourcePort = 0;
    for (let attempt = 0; !socket; attempt++) {
      sourcePort = BFD_SOURCE_PORT_MIN + ((first + attempt) % span);
      // RFC 5881 §4: the source port SHOULD be unique among all BFD sessions on the system.
      if (this.sourcePorts.has(sourcePort)) continue;
      try {
        socket = await openUdpSocket({
          family,
          address,
          port: sourcePort,
          sendTtl: BFD_TTL,
          ...(path.interface ? { device: path.interface } : {}),
          ...(this.options.netns ? { netns: this.options.netns } : {}),
        });
      } catch (error) {
        if (!(error instanceof AddressInUseError) || attempt >= 1024) throw error;
      }
    }
    this.sourcePorts.add(sourcePort);
    // Sending fails while the link is down (ENETUNREACH…); BFD's answer to that is its detection timer.
    socket.on('error', (error) => this.options.logger.debug({ err: error, peer: path.peer }, 'BFD send failed'));
    // Node resolves a `%name` scope at every send in the thread's namespace: use the index, resolved here.
    const scoped = family === 6 && /^fe80:/i.test(path.peer) && path.interface;
    const destination = scoped ? `${path.peer}%${interfaceIndex(path.interface!, this.options.netns)}` : path.peer;
    const port = path.multihop ? BFD_MULTIHOP_PORT : BFD_SINGLE_HOP_PORT;
    const bound = socket;
    // close() waits for queued sends, so the AdminDown sent when a session is removed goes out (§6.8.16).
    let pending = 0;
    let closing = false;
    let closed = false;
    const closeIfIdle = () => {
      if (!closing || pending > 0 || closed) return;
      closed = true;
      bound.close();
      this.sourcePorts.delete(sourcePort);
    };
    return {
      send: (bytes) => {
        if (closing) return;
        pending++;
        bound.send(bytes, port, destination, (error) => {
          if (error) this.options.logger.debug({ err: error, peer: path.peer }, 'BFD send failed');
          pending--;
          closeIfIdle();
        });
      },
      close: () => {
        closing = true;
        closeIfIdle();
      },
    };
  }

  close(): void {
    for (const { socket } of this.receivers.values()) socket.close();
    this.receivers.clear();
  }
}
