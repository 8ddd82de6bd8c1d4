// Socket options Node's dgram does not offer, set through libc (koffi) on a bound dgram socket's fd:
// the RFC 5881 §5 TTL/hop-limit-255 check on receive, and binding a socket to one interface.
//
// Checked on Linux 6.x: IP_MINTTL and IPV6_MINHOPCOUNT are honoured by TCP only, UDP ignores them, so
// GTSM for BFD is a classic BPF socket filter that reads the TTL / hop limit from the network header
// (SKF_NET_OFF) and drops anything that did not arrive with 255.
import type { Socket } from 'node:dgram';
import koffi from 'koffi';

const SOL_SOCKET = 1;
const SO_BINDTODEVICE = 25;
const SO_ATTACH_FILTER = 26;
/** linux/filter.h: negative offsets address the network header in classic BPF loads. */
const SKF_NET_OFF = -0x100000;
const BPF_LD_B_ABS = 0x30;
const BPF_JEQ_K = 0x15;
const BPF_RET_K = 0x06;

interface SocketCalls {
  attachFilter(fd: number, level: number, name: number, program: { len: number; filter: object[] }, size: number): number;
  setString(fd: number, level: number, name: number, value: string, size: number): number;
  ifNameToIndex(name: string): number;
  fprogSize: number;
}

let calls: SocketCalls | undefined;

function libc(): SocketCalls {
  if (calls) return calls;
  const lib = koffi.load('libc.so.6');
  const sockFilter = koffi.struct('cairn_bfd_sock_filter', { code: 'uint16', jt: 'uint8', jf: 'uint8', k: 'uint32' });
  const sockFprog = koffi.struct('cairn_bfd_sock_fprog', { len: 'uint16', filter: koffi.pointer(sockFilter) });
  calls = {
    attachFilter: lib.func('int setsockopt(int, int, int, const cairn_bfd_sock_fprog *, uint32_t)'),
    setString: lib.func('int setsockopt(int, int, int, const char *, uint32_t)'),
    ifNameToIndex: lib.func('unsigned int if_nametoindex(const char *)'),
    fprogSize: koffi.sizeof(sockFprog),
  } as SocketCalls;
  return calls;
}

/** A system call on a socket failed; the message says which and what to check. */
export class BfdSocketError extends Error {
  override readonly name = 'BfdSocketError';
  constructor(
    readonly call: string,
    readonly errno: number,
    hint: string,
  ) {
    super(`${call} failed (errno ${errno}): ${hint}`);
  }
}

/** The file descriptor of a bound dgram socket (Node keeps it in the socket's internal state). */
export function dgramFd(socket: Socket): number {
  const stateKey = Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === 'state symbol');
  const state = stateKey ? (socket as unknown as Record<symbol, { handle?: { fd?: number } }>)[stateKey] : undefined;
  const fd = state?.handle?.fd;
  if (typeof fd !== 'number' || fd < 0) {
    throw new BfdSocketError('dgram fd', 0, 'the socket must be bound first (or this Node version keeps its handle elsewhere)');
  }
  return fd;
}

/**
 * RFC 5881 §5 (GTSM, RFC 5082): drop every datagram whose IPv4 TTL or IPv6 hop limit is not 255,
 * in the kernel, before it reaches the socket.
 */
export function requireTtl255(socket: Socket, family: 4 | 6): void {
  const offset = (SKF_NET_OFF + (family === 4 ? 8 : 7)) >>> 0; // IPv4 TTL is byte 8, IPv6 Hop Limit byte 7
  const filter = [
    { code: BPF_LD_B_ABS, jt: 0, jf: 0, k: offset },
    { code: BPF_JEQ_K, jt: 0, jf: 1, k: 255 },
    { code: BPF_RET_K, jt: 0, jf: 0, k: 0xffffffff }, // accept the whole datagram
    { code: BPF_RET_K, jt: 0, jf: 0, k: 0 }, // drop
  ];
  const c = libc();
  if (c.attachFilter(dgramFd(socket), SOL_SOCKET, SO_ATTACH_FILTER, { len: filter.length, filter }, c.fprogSize) !== 0) {
    throw new BfdSocketError('setsockopt(SO_ATTACH_FILTER)', koffi.errno(), 'needs Linux with classic BPF socket filters');
  }
}

/** SO_BINDTODEVICE: the socket only sends and receives through interface `ifname`. Needs CAP_NET_RAW. */
export function bindToDevice(socket: Socket, ifname: string): void {
  if (libc().setString(dgramFd(socket), SOL_SOCKET, SO_BINDTODEVICE, ifname, Buffer.byteLength(ifname) + 1) !== 0) {
    throw new BfdSocketError(`setsockopt(SO_BINDTODEVICE, ${ifname})`, koffi.errno(), 'check that the interface exists and that the process has CAP_NET_RAW');
  }
}

/**
 * The index of interface `ifname` in the calling thread's network namespace. Scoped addresses are
 * written with it (`fe80::1%4`) because Node resolves a `%name` scope at every send, in whatever
 * namespace the thread is in then.
 */
export function interfaceIndex(ifname: string): number {
  const index = libc().ifNameToIndex(ifname);
  if (index === 0) throw new BfdSocketError(`if_nametoindex(${ifname})`, koffi.errno(), 'no such interface in this network namespace');
  return index;
}
