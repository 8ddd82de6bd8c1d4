import { ipv6FromBytes, ipv6ToBytes } from '../wire/address.js';
import { NativeBuffer, RaSocketError, check, errno, int32 as int, loadLibc } from './libc.js';
import {
  AF_INET6,
  ICMP6_FILTER,
  IPPROTO_ICMPV6,
  IPPROTO_IPV6,
  IPV6_HOPLIMIT,
  IPV6_JOIN_GROUP,
  IPV6_LEAVE_GROUP,
  IPV6_MULTICAST_HOPS,
  IPV6_MULTICAST_LOOP,
  IPV6_PKTINFO,
  IPV6_RECVHOPLIMIT,
  IPV6_RECVPKTINFO,
  IPV6_UNICAST_HOPS,
  SOCK_CLOEXEC,
  SOCK_RAW,
  SOCK_NONBLOCK,
  SOL_SOCKET,
  SO_RCVBUF,
  SO_SNDBUF,
  SO_SNDBUFFORCE,
  F_GETFL,
  F_SETFL,
  F_SETOWN,
  F_SETSIG,
  SIGURG,
  MSG_DONTWAIT,
  O_ASYNC,
} from './socket-constants.js';

/** One ICMPv6 message as the kernel delivered it (checksum already verified by the kernel). */
export interface ReceivedPacket {
  /** The ICMPv6 message, from its type octet on. */
  bytes: Uint8Array;
  source: string;
  /** IPV6_PKTINFO: the destination address and the interface the packet arrived on. */
  destination: string;
  ifindex: number;
  /** IPV6_HOPLIMIT: the hop limit of the IPv6 header (255 for valid ND, RFC 4861 §6.1). */
  hopLimit: number;
}

export interface Icmpv6SocketOptions {
  /** ICMPv6 types to receive (ICMP6_FILTER, RFC 3542 §3.2); empty = receive nothing. */
  receiveTypes: number[];
  /** Loop our own multicast back to us (default false: we do not want to hear our own RAs). */
  multicastLoop?: boolean;
  /** Hop limit of sent packets (default 255, RFC 4861 §6.1; other values only to test receivers). */
  hopLimit?: number;
}

const SOCKADDR_IN6 = 28;
const MSGHDR = 56;
const IOVEC = 16;
const PACKET = 65536;
const CONTROL = 256;

// Parsed destinations: ff02::1 and a few solicitors' addresses are sent to over and over, and parsing
// text addresses is the most expensive step of a send. Bounded: cleared when it grows past 1024.
const destinationBytes = new Map<string, Uint8Array>();

/** struct sockaddr_in6 for `address` with the interface as scope id (needed for link-local destinations). */
export function sockaddrIn6(address: string, ifindex: number): Buffer {
  let bytes = destinationBytes.get(address);
  if (!bytes) {
    if (destinationBytes.size >= 1024) destinationBytes.clear();
    bytes = ipv6ToBytes(address);
    destinationBytes.set(address, bytes);
  }
  const b = Buffer.alloc(SOCKADDR_IN6);
  b.writeUInt16LE(AF_INET6, 0);
  b.set(bytes, 8);
  b.writeUInt32LE(ifindex, 24);
  return b;
}

/**
 * A raw ICMPv6 socket (RFC 3542) in the network namespace of the thread that creates it. The kernel fills
 * in the ICMPv6 checksum on send and verifies it on receive (RFC 3542 §3.1). Received packets are read when
 * the kernel signals their arrival (see `receive`), so the event loop never blocks.
 */
export class Icmpv6Socket {
  readonly fd: number;
  private readonly libc = loadLibc();
  private closed = false;
  private receiver: Receiver | undefined;

  constructor(private readonly options: Icmpv6SocketOptions) {
    const libc = this.libc;
    this.fd = check(
      libc.socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6),
      'socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)',
      'raw sockets need root or CAP_NET_RAW',
    );
    try {
      // RFC 4861 §6.1: ND messages travel with hop limit 255 so receivers can tell they stayed on-link.
      const hopLimit = options.hopLimit ?? 255;
      this.setInt(IPPROTO_IPV6, IPV6_UNICAST_HOPS, hopLimit, 'IPV6_UNICAST_HOPS');
      this.setInt(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, hopLimit, 'IPV6_MULTICAST_HOPS');
      this.setInt(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, options.multicastLoop ? 1 : 0, 'IPV6_MULTICAST_LOOP');
      this.setInt(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, 'IPV6_RECVHOPLIMIT');
      this.setInt(IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, 'IPV6_RECVPKTINFO');
      if (options.receiveTypes.length > 0) this.setInt(SOL_SOCKET, SO_RCVBUF, 1 << 20, 'SO_RCVBUF');
      // The socket is non-blocking: a burst of RAs on a thousand interfaces behind queueing NICs must not
      // hit EAGAIN, so ask for 4 MiB of send buffer (SO_SNDBUFFORCE as root, else up to wmem_max).
      if (libc.setsockopt(this.fd, SOL_SOCKET, SO_SNDBUFFORCE, int(4 << 20), 4) < 0)
        libc.setsockopt(this.fd, SOL_SOCKET, SO_SNDBUF, int(4 << 20), 4);
      // ICMP6_FILTER: a set bit blocks that type (RFC 3542 §3.2, ICMP6_FILTER_SETBLOCKALL/SETPASS).
      const filter = Buffer.alloc(32, 0xff);
      for (const type of options.receiveTypes) {
        const word = (type >> 5) * 4;
        filter.writeUInt32LE((filter.readUInt32LE(word) & ~(1 << (type & 31))) >>> 0, word);
      }
      check(libc.setsockopt(this.fd, IPPROTO_ICMPV6, ICMP6_FILTER, filter, 32), 'setsockopt(ICMP6_FILTER)');
    } catch (error) {
      libc.close(this.fd);
      throw error;
    }
  }

  private setInt(level: number, name: number, value: number, what: string): void {
    check(this.libc.setsockopt(this.fd, level, name, int(value), 4), `setsockopt(${what})`);
  }

  /** Joins (or leaves) a multicast group on one interface (IPV6_JOIN_GROUP, struct ipv6_mreq). */
  membership(join: boolean, group: string, ifindex: number): void {
    const mreq = Buffer.alloc(20);
    mreq.set(ipv6ToBytes(group), 0);
    mreq.writeInt32LE(ifindex, 16);
    const name = join ? 'IPV6_JOIN_GROUP' : 'IPV6_LEAVE_GROUP';
    check(
      this.libc.setsockopt(this.fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, mreq, 20),
      `setsockopt(${name} ${group} on ifindex ${ifindex})`,
      join
        ? 'ENOBUFS/ENOMEM means net.core.optmem_max is too small for this many groups per socket: lower groupsPerSocket'
        : '',
    );
  }

  /** Sends one ICMPv6 message; the kernel picks the interface's link-local address as source. */
  send(bytes: Uint8Array, destination: string, ifindex: number): void {
    const address = sockaddrIn6(destination, ifindex);
    const sent = this.libc.sendto(this.fd, bytes, bytes.length, 0, address, SOCKADDR_IN6);
    if (sent < 0)
      throw new RaSocketError(
        `sendto(${destination}%${ifindex})`,
        errno(),
        'is the interface up with a link-local address?',
      );
  }

  /**
   * Starts delivering received packets to `onPacket` until `close()`. The socket is non-blocking and
   * signal-driven (fcntl(2) O_ASYNC + F_SETSIG): the kernel signals this process when a packet arrives and
   * the main thread drains every receiving socket with recvmsg(MSG_DONTWAIT), so a packet costs one
   * wake-up of the event loop and no thread is parked in a blocking call. The signal is SIGURG, not
   * SIGIO: SIGURG is ignored by default (a late one can never kill the process), and `signal-exit`
   * (used by execa) treats SIGIO as a fatal signal and would kill the process's children on it.
   * While receiving, the socket keeps the process alive.
   */
  receive(onPacket: (packet: ReceivedPacket) => void): void {
    if (this.receiver || this.closed) throw new Error('Icmpv6Socket.receive() was already called');
    const receiver = new Receiver(this.fd, onPacket);
    this.receiver = receiver;
    receivers.add(receiver);
    installSignal();
    const libc = this.libc;
    check(libc.fcntl(this.fd, F_SETOWN, 'int', process.pid), 'fcntl(F_SETOWN)');
    check(libc.fcntl(this.fd, F_SETSIG, 'int', SIGURG), 'fcntl(F_SETSIG, SIGURG)');
    const flags = check(libc.fcntl(this.fd, F_GETFL), 'fcntl(F_GETFL)');
    check(libc.fcntl(this.fd, F_SETFL, 'int', flags | O_ASYNC), 'fcntl(F_SETFL, O_ASYNC)');
    receiver.drain(); // whatever arrived before O_ASYNC was set
  }

  /** Stops receiving and closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.receiver) {
      const flags = this.libc.fcntl(this.fd, F_GETFL);
      if (flags >= 0) this.libc.fcntl(this.fd, F_SETFL, 'int', flags & ~O_ASYNC);
      receivers.delete(this.receiver);
      this.receiver.free();
      this.receiver = undefined;
    }
    this.libc.close(this.fd);
  }
}

/** The native buffers of one receiving socket and the loop that empties it. */
class Receiver {
  private readonly name = new NativeBuffer(SOCKADDR_IN6);
  private readonly data = new NativeBuffer(PACKET);
  private readonly control = new NativeBuffer(CONTROL);
  private readonly iov = new NativeBuffer(IOVEC);
  private readonly header = new NativeBuffer(MSGHDR);
  private readonly libc = loadLibc();
  /** Keeps the event loop alive while receiving, and drains once a second should a signal ever be missed. */
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly fd: number,
    private readonly onPacket: (packet: ReceivedPacket) => void,
  ) {
    this.iov.view.setBigUint64(0, this.data.address, true);
    this.iov.view.setBigUint64(8, BigInt(PACKET), true);
    // struct msghdr (LP64): name, namelen, iov, iovlen, control, controllen, flags.
    this.header.view.setBigUint64(0, this.name.address, true);
    this.header.view.setBigUint64(16, this.iov.address, true);
    this.header.view.setBigUint64(24, 1n, true);
    this.header.view.setBigUint64(32, this.control.address, true);
    this.keepAlive = setInterval(() => this.drain(), 1000);
  }

  /** Reads until the socket is empty (EAGAIN). */
  drain(): void {
    for (;;) {
      this.header.view.setUint32(8, SOCKADDR_IN6, true);
      this.header.view.setBigUint64(40, BigInt(CONTROL), true);
      this.header.view.setInt32(48, 0, true);
      const length = this.libc.recvmsg(this.fd, this.header.pointer, MSG_DONTWAIT);
      if (length < 0) return;
      const packet = parse(
        this.data.bytes.slice(0, length),
        this.name.bytes,
        this.control.view,
        Number(this.header.view.getBigUint64(40, true)),
      );
      if (packet) this.onPacket(packet);
    }
  }

  free(): void {
    clearInterval(this.keepAlive);
    for (const buffer of [this.name, this.data, this.control, this.iov, this.header]) buffer.free();
  }
}

const receivers = new Set<Receiver>();
let signalInstalled = false;

/** One SIGURG listener for the process (see `receive`), installed once. */
function installSignal(): void {
  if (signalInstalled) return;
  signalInstalled = true;
  process.on('SIGURG', () => {
    for (const receiver of receivers) receiver.drain();
  });
}

function parse(
  bytes: Uint8Array,
  name: Uint8Array,
  control: DataView,
  controlLength: number,
): ReceivedPacket | undefined {
  const source = ipv6FromBytes(name, 8);
  let destination = '::';
  let ifindex = 0;
  let hopLimit = -1;
  // struct cmsghdr (LP64): len u64, level i32, type i32, data; each aligned to 8 (CMSG_NXTHDR).
  for (let at = 0; at + 16 <= controlLength;) {
    const length = Number(control.getBigUint64(at, true));
    if (length < 16) break;
    const level = control.getInt32(at + 8, true);
    const type = control.getInt32(at + 12, true);
    if (level === IPPROTO_IPV6 && type === IPV6_PKTINFO) {
      destination = ipv6FromBytes(new Uint8Array(control.buffer, control.byteOffset + at + 16, 16));
      ifindex = control.getUint32(at + 32, true);
    } else if (level === IPPROTO_IPV6 && type === IPV6_HOPLIMIT) {
      hopLimit = control.getInt32(at + 16, true);
    }
    at += (length + 7) & ~7;
  }
  if (ifindex === 0 || hopLimit < 0) return undefined;
  return { bytes, source, destination, ifindex, hopLimit };
}
