// UDP sockets made through libc (koffi) and handed to Node's dgram, for what dgram does not offer:
// creating them in another network namespace, SO_BINDTODEVICE before bind, and the RFC 5881 §5
// minimum TTL / hop limit check on receive (255 for single hop).
//
// Checked on Linux 6.x: IP_MINTTL and IPV6_MINHOPCOUNT are honoured by TCP only, UDP ignores them, so
// GTSM for BFD is a classic BPF socket filter that reads the TTL / hop limit from the network header
// (SKF_NET_OFF) and drops anything that arrived with less.
import { type Socket, createSocket } from 'node:dgram';
import {
  AF_INET,
  AF_INET6,
  SyscallError,
  attachSocketFilter,
  errno,
  inNetns,
  int32,
  loadLibc,
  sockaddr,
} from '@cairn/sys';

const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0x800;
const SOCK_CLOEXEC = 0x80000;
const IPPROTO_IPV6 = 41;
const IPV6_V6ONLY = 26;
const SO_REUSEADDR = 2;
const IPPROTO_IP = 0;
const IP_TTL = 2;
const IPV6_UNICAST_HOPS = 16;
const EADDRINUSE = 98;
const SOL_SOCKET = 1;
const SO_BINDTODEVICE = 25;
/** linux/filter.h: negative offsets address the network header in classic BPF loads. */
const SKF_NET_OFF = -0x100000;
const BPF_LD_B_ABS = 0x30;
const BPF_JGE_K = 0x35;
const BPF_RET_K = 0x06;

/** A system call on a BFD socket failed; the message says which and what to check. */
export class BfdSocketError extends SyscallError {
  override name = 'BfdSocketError';
}

export interface UdpSocketSpec {
  family: 4 | 6;
  address: string;
  port: number;
  /** SO_REUSEADDR, so several sockets share port 3784 (one per interface). */
  reuseAddress?: boolean;
  /** SO_BINDTODEVICE before bind. */
  device?: string;
  /** TTL / unicast hop limit of what the socket sends (libuv's setTTL only knows the family of sockets it bound itself). */
  sendTtl?: number;
  /** Attach the minimum TTL / hop limit filter before bind, so not one datagram slips through (RFC 5881 §5: 255). */
  minimumTtl?: number;
  netns?: string;
}

/** Thrown by openUdpSocket when the port is taken (the caller may try another). */
export class AddressInUseError extends BfdSocketError {}

/**
 * A dgram socket whose file descriptor was created and bound through libc, in `spec.netns` if given
 * (so it works for a library whose thread is in another namespace), then handed to Node.
 */
export async function openUdpSocket(spec: UdpSocketSpec): Promise<Socket> {
  const c = loadLibc();
  const fd = inNetns(spec.netns, () => {
    const created = c.socket(spec.family === 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (created < 0) throw new BfdSocketError('socket(SOCK_DGRAM)', errno(), 'out of file descriptors?');
    return created;
  });
  try {
    const one = int32(1);
    if (spec.reuseAddress && c.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, one, 4) !== 0)
      throw new BfdSocketError('setsockopt(SO_REUSEADDR)', errno(), '');
    if (spec.family === 6 && c.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, one, 4) !== 0)
      throw new BfdSocketError('setsockopt(IPV6_V6ONLY)', errno(), '');
    if (
      spec.device &&
      c.setsockopt(
        fd,
        SOL_SOCKET,
        SO_BINDTODEVICE,
        Buffer.from(`${spec.device}\0`),
        Buffer.byteLength(spec.device) + 1,
      ) !== 0
    ) {
      throw new BfdSocketError(
        `setsockopt(SO_BINDTODEVICE, ${spec.device})`,
        errno(),
        'check that the interface exists in the namespace and that the process has CAP_NET_RAW',
      );
    }
    if (spec.sendTtl !== undefined) {
      const [level, name] = spec.family === 6 ? [IPPROTO_IPV6, IPV6_UNICAST_HOPS] : [IPPROTO_IP, IP_TTL];
      if (c.setsockopt(fd, level, name, int32(spec.sendTtl), 4) !== 0)
        throw new BfdSocketError('setsockopt(IP_TTL / IPV6_UNICAST_HOPS)', errno(), '');
    }
    if (spec.minimumTtl !== undefined) requireMinimumTtl(fd, spec.family, spec.minimumTtl);
    const address = sockaddr(spec.address, spec.port);
    if (c.bind(fd, address, address.length) !== 0) {
      const code = errno();
      const where = `bind(${spec.address} port ${spec.port})`;
      if (code === EADDRINUSE) throw new AddressInUseError(where, code, 'the port is in use');
      throw new BfdSocketError(where, code, 'is the address configured on an interface of the namespace?');
    }
  } catch (error) {
    c.close(fd);
    throw error;
  }
  const socket = createSocket({ type: spec.family === 6 ? 'udp6' : 'udp4' });
  await new Promise<void>((resolve) => socket.bind({ fd }, () => resolve()));
  return socket;
}

/**
 * GTSM (RFC 5082) in the kernel: drop every datagram whose IPv4 TTL or IPv6 hop limit is below
 * `minimum` before it reaches the socket (RFC 5881 §5: 255 for single hop; RFC 5883 §5: configured).
 */
export function requireMinimumTtl(fd: number, family: 4 | 6, minimum: number): void {
  const offset = (SKF_NET_OFF + (family === 4 ? 8 : 7)) >>> 0; // IPv4 TTL is byte 8, IPv6 Hop Limit byte 7
  const filter = [
    { code: BPF_LD_B_ABS, jt: 0, jf: 0, k: offset },
    { code: BPF_JGE_K, jt: 0, jf: 1, k: minimum },
    { code: BPF_RET_K, jt: 0, jf: 0, k: 0xffffffff }, // accept the whole datagram
    { code: BPF_RET_K, jt: 0, jf: 0, k: 0 }, // drop
  ];
  if (attachSocketFilter(fd, filter) !== 0) {
    throw new BfdSocketError('setsockopt(SO_ATTACH_FILTER)', errno(), 'needs Linux with classic BPF socket filters');
  }
}

/**
 * The index of interface `ifname` in the calling thread's network namespace. Scoped addresses are
 * written with it (`fe80::1%4`) because Node resolves a `%name` scope at every send, in whatever
 * namespace the thread is in then.
 */
export function interfaceIndex(ifname: string, netns?: string): number {
  const index = inNetns(netns, () => loadLibc().if_nametoindex(ifname));
  if (index === 0)
    throw new BfdSocketError(`if_nametoindex(${ifname})`, errno(), 'no such interface in this network namespace');
  return index;
}
