// The Linux transport: sockets created through libc so that TCP-MD5 (RFC 2385) and GTSM (RFC 5082)
// can be set before the first SYN, and so that they can live in a given network namespace.
import { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { PeerTable, whenConnected } from './base.js';
import {
  AF_INET,
  AF_INET6,
  type Libc,
  check,
  familyOf,
  inNetns,
  int32 as int,
  loadLibc,
  sockaddr,
  writeSockaddr,
} from '@cairn/sys';
import {
  BGP_PORT,
  type BgpTransport,
  type ConnectionHandler,
  type TransportPeer,
  TransportUnsupportedError,
} from './types.js';

const SOCK_STREAM = 1;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const IPPROTO_IP = 0;
const IPPROTO_TCP = 6;
const IPPROTO_IPV6 = 41;
const IP_TTL = 2;
const IP_MINTTL = 21;
const IPV6_UNICAST_HOPS = 16;
const IPV6_V6ONLY = 26;
const IPV6_MINHOPCOUNT = 73;
const TCP_MD5SIG = 14;

/** struct tcp_md5sig (linux/tcp.h): sockaddr_storage, flags, prefixlen, keylen at 130, ifindex, key[80] at 136. */
const TCP_MD5SIG_SIZE = 216;
const TCP_MD5SIG_MAXKEYLEN = 80;

export interface LinuxTransportOptions {
  /** Addresses to listen on (default 0.0.0.0 and ::, the latter IPv6-only); an empty list listens nowhere. */
  listenAddresses?: string[];
  port?: number;
  /**
   * A network namespace (a name under /run/netns) in which every socket of this transport is created,
   * like a VRF: the speaker itself may run in another namespace.
   */
  netns?: string;
  logger?: Logger;
}

/** Sets (or with an empty key, removes) the RFC 2385 key for `peer` on socket `fd`. */
function setMd5Key(libc: Libc, fd: number, peer: string, key: string): void {
  const keyBytes = Buffer.from(key, 'utf8');
  if (keyBytes.length > TCP_MD5SIG_MAXKEYLEN) {
    throw new TransportUnsupportedError(`TCP-MD5 key for ${peer} is ${keyBytes.length} bytes; Linux allows at most 80`);
  }
  const sig = Buffer.alloc(TCP_MD5SIG_SIZE);
  writeSockaddr(sig, peer, 0);
  sig.writeUInt16LE(keyBytes.length, 130);
  keyBytes.copy(sig, 136);
  check(
    libc.setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, sig, TCP_MD5SIG_SIZE),
    `setsockopt(TCP_MD5SIG) for ${peer}`,
    'Is the kernel built with CONFIG_TCP_MD5SIG, and is the key valid?',
  );
}

function setOutgoingTtl(libc: Libc, fd: number, family: number): void {
  if (family === AF_INET) check(libc.setsockopt(fd, IPPROTO_IP, IP_TTL, int(255), 4), 'setsockopt(IP_TTL)');
  else check(libc.setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, int(255), 4), 'setsockopt(IPV6_UNICAST_HOPS)');
}

/** RFC 5082 §3: send with TTL 255 and accept only packets with TTL >= 256 - hops. */
function setGtsm(libc: Libc, fd: number, family: number, hops: number): void {
  const minimum = 256 - hops;
  setOutgoingTtl(libc, fd, family);
  if (family === AF_INET) check(libc.setsockopt(fd, IPPROTO_IP, IP_MINTTL, int(minimum), 4), 'setsockopt(IP_MINTTL)');
  else check(libc.setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, int(minimum), 4), 'setsockopt(IPV6_MINHOPCOUNT)');
}

function fdOf(handleOwner: Server | Socket): number {
  const fd = (handleOwner as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (fd === undefined || fd < 0) throw new Error('socket has no file descriptor (closed?)');
  return fd;
}

interface Listener {
  server: Server;
  fd: number;
  family: number;
}

export class LinuxTransport extends PeerTable implements BgpTransport {
  private readonly libc = loadLibc();
  private readonly listeners: Listener[] = [];

  constructor(private readonly options: LinuxTransportOptions = {}) {
    super(options.logger);
  }

  /** socket(2) in the transport's namespace, non-blocking, close-on-exec. */
  private openSocket(family: number): number {
    // setns(2) moves only this thread; the socket keeps the namespace it was created in.
    return inNetns(this.options.netns, () =>
      check(this.libc.socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), 'socket()'),
    );
  }

  async listen(onConnection: ConnectionHandler): Promise<void> {
    const port = this.options.port ?? BGP_PORT;
    for (const address of this.options.listenAddresses ?? ['0.0.0.0', '::']) {
      const family = familyOf(address);
      const fd = this.openSocket(family);
      try {
        check(this.libc.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, int(1), 4), 'setsockopt(SO_REUSEADDR)');
        if (family === AF_INET6)
          check(this.libc.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, int(1), 4), 'setsockopt(IPV6_V6ONLY)');
        // RFC 5082 §3: a GTSM peer checks our SYN-ACK too, which the listening socket sends: TTL 255.
        setOutgoingTtl(this.libc, fd, family);
        const where = sockaddr(address, port);
        check(
          this.libc.bind(fd, where, where.length),
          `bind(${address} port ${port})`,
          'Is another BGP speaker listening there?',
        );
        check(this.libc.listen(fd, 128), 'listen()');
      } catch (error) {
        this.libc.close(fd);
        throw error;
      }
      const server = new Server((socket) => {
        const peer = this.accept(socket, onConnection);
        if (peer?.ttlSecurityHops) setGtsm(this.libc, fdOf(socket), family, peer.ttlSecurityHops);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ fd }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const listener = { server, fd, family };
      this.listeners.push(listener);
      // RFC 2385 on the passive side: the listening socket carries one key per peer.
      for (const peer of this.peers.values()) {
        if (peer.password && familyOf(peer.address) === family) setMd5Key(this.libc, fd, peer.address, peer.password);
      }
    }
  }

  setPeer(peer: TransportPeer): void {
    const { previous, peer: stored } = this.store(peer);
    const family = familyOf(stored.address);
    for (const listener of this.listeners.filter((l) => l.family === family)) {
      if (stored.password) setMd5Key(this.libc, listener.fd, stored.address, stored.password);
      else if (previous?.password) setMd5Key(this.libc, listener.fd, stored.address, '');
    }
  }

  removePeer(address: string): void {
    const peer = this.forget(address);
    if (!peer?.password) return;
    for (const listener of this.listeners.filter((l) => l.family === familyOf(peer.address))) {
      setMd5Key(this.libc, listener.fd, peer.address, '');
    }
  }

  connect(address: string, signal?: AbortSignal): Promise<Socket> {
    const peer = this.lookup(address);
    const family = familyOf(peer.address);
    const fd = this.openSocket(family);
    try {
      if (peer.password) setMd5Key(this.libc, fd, peer.address, peer.password);
      if (peer.ttlSecurityHops) setGtsm(this.libc, fd, family, peer.ttlSecurityHops);
      if (peer.localAddress) {
        const local = sockaddr(peer.localAddress, 0);
        check(
          this.libc.bind(fd, local, local.length),
          `bind(${peer.localAddress})`,
          'Is the source address configured on an interface?',
        );
      }
    } catch (error) {
      this.libc.close(fd);
      return Promise.reject(error);
    }
    const socket = new Socket({ fd, readable: true, writable: true });
    socket.connect({ host: peer.address, port: peer.port ?? BGP_PORT });
    return whenConnected(socket, signal);
  }

  async close(): Promise<void> {
    // Stop accepting without waiting for open connections (server.close's callback would): those
    // belong to the speaker's sessions.
    for (const { server } of this.listeners) server.close();
    await new Promise((resolve) => setImmediate(resolve));
    this.listeners.length = 0;
  }
}
