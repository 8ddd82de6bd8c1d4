// The libc calls Node does not offer for raw ICMPv6 sockets, through koffi (Linux, x86-64/arm64 LP64).
import koffi from 'koffi';

export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, length: number): number;
  sendto(fd: number, data: Uint8Array, length: number, flags: number, address: Buffer, addressLength: number): number;
  recvmsg(fd: number, message: unknown, flags: number): number;
  /** fcntl(2), variadic: `fcntl(fd, F_GETFL)` or `fcntl(fd, F_SETFL, 'int', flags)`. */
  fcntl(fd: number, command: number, ...rest: unknown[]): number;
  close(fd: number): number;
  if_nametoindex(name: string): number;
  strerror(errnum: number): string;
}

let libc: Libc | undefined;

export function loadLibc(): Libc {
  if (libc) return libc;
  const lib = koffi.load('libc.so.6');
  libc = {
    socket: lib.func('int socket(int, int, int)'),
    setsockopt: lib.func('int setsockopt(int, int, int, const void *, uint32_t)'),
    sendto: lib.func('long sendto(int, const void *, size_t, int, const void *, uint32_t)'),
    recvmsg: lib.func('long recvmsg(int, void *, int)'),
    close: lib.func('int close(int)'),
    fcntl: lib.func('int fcntl(int, int, ...)'),
    if_nametoindex: lib.func('uint32_t if_nametoindex(const char *)'),
    strerror: lib.func('const char *strerror(int)'),
  } as Libc;
  return libc;
}

export function errno(): number {
  return koffi.errno();
}

/** A failed system call on the ICMPv6 socket, with errno and what to check. */
export class RaSocketError extends Error {
  override readonly name = 'RaSocketError';
  constructor(
    readonly call: string,
    readonly errno: number,
    hint: string,
  ) {
    super(`${call} failed: ${loadLibc().strerror(errno)} (errno ${errno})${hint ? `. ${hint}` : ''}`);
  }
}

/** Throws RaSocketError when a libc call returned -1. */
export function check(result: number, call: string, hint = ''): number {
  if (result < 0) throw new RaSocketError(call, koffi.errno(), hint);
  return result;
}

/** Native memory that does not move, for the buffers `recvmsg` fills through pointers in a msghdr. */
export class NativeBuffer {
  readonly pointer: unknown;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly address: bigint;
  constructor(readonly length: number) {
    this.pointer = koffi.alloc('uint8_t', length);
    const buffer = koffi.view(this.pointer, length) as ArrayBuffer;
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
    this.address = koffi.address(this.pointer) as bigint;
  }
  free(): void {
    koffi.free(this.pointer);
  }
}
