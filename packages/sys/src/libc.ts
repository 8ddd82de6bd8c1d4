// The libc calls Node does not offer (struct socket options, raw sockets, sockets created in another
// network namespace), through koffi. Linux, LP64. Bound once, on first use.
import koffi from 'koffi';

export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array, length: number): number;
  /** getsockopt(2); `length` is a one-element Uint32Array holding the buffer size in, the option size out. */
  getsockopt(fd: number, level: number, name: number, value: Uint8Array, length: Uint32Array): number;
  bind(fd: number, address: Uint8Array, length: number): number;
  listen(fd: number, backlog: number): number;
  close(fd: number): number;
  setns(fd: number, nstype: number): number;
  sendto(
    fd: number,
    data: Uint8Array,
    length: number,
    flags: number,
    address: Uint8Array,
    addressLength: number,
  ): number;
  recvmsg(fd: number, message: unknown, flags: number): number;
  /** fcntl(2), variadic: `fcntl(fd, F_GETFL)` or `fcntl(fd, F_SETFL, 'int', flags)`. */
  fcntl(fd: number, command: number, ...rest: unknown[]): number;
  /** flock(2): `LOCK_EX | LOCK_NB` (2 | 4) to take an advisory lock without blocking, `LOCK_UN` (8). */
  flock(fd: number, operation: number): number;
  if_nametoindex(name: string): number;
  strerror(errnum: number): string;
}

let libc: Libc | undefined;
let library: ReturnType<typeof koffi.load> | undefined;

/** The one koffi handle of libc, for bindings whose prototypes need struct types of their own. */
export function libcLibrary(): ReturnType<typeof koffi.load> {
  library ??= koffi.load('libc.so.6');
  return library;
}

export function loadLibc(): Libc {
  if (libc) return libc;
  const lib = libcLibrary();
  libc = {
    socket: lib.func('int socket(int, int, int)'),
    setsockopt: lib.func('int setsockopt(int, int, int, const void *, uint32_t)'),
    getsockopt: lib.func('int getsockopt(int, int, int, void *, void *)'),
    bind: lib.func('int bind(int, const void *, uint32_t)'),
    listen: lib.func('int listen(int, int)'),
    close: lib.func('int close(int)'),
    setns: lib.func('int setns(int, int)'),
    sendto: lib.func('long sendto(int, const void *, size_t, int, const void *, uint32_t)'),
    recvmsg: lib.func('long recvmsg(int, void *, int)'),
    fcntl: lib.func('int fcntl(int, int, ...)'),
    flock: lib.func('int flock(int, int)'),
    if_nametoindex: lib.func('uint32_t if_nametoindex(const char *)'),
    strerror: lib.func('const char *strerror(int)'),
  } as Libc;
  return libc;
}

/** errno of the last libc call made through koffi on this thread. */
export function errno(): number {
  return koffi.errno();
}

/** A failed system call: which call, errno with its text, and what to check. */
export class SyscallError extends Error {
  override name = 'SyscallError';
  constructor(
    readonly call: string,
    readonly errno: number,
    hint = '',
  ) {
    super(`${call} failed: ${loadLibc().strerror(errno)} (errno ${errno})${hint ? `. ${hint}` : ''}`);
  }
}

export type SyscallErrorClass = new (call: string, errno: number, hint?: string) => SyscallError;

/**
 * Returns `result`, or throws `errorClass` (a SyscallError, or a package's own subclass of it) with
 * errno when a libc call returned -1.
 */
export function check(result: number, call: string, hint = '', errorClass: SyscallErrorClass = SyscallError): number {
  if (result < 0) throw new errorClass(call, errno(), hint);
  return result;
}

/** A 4-byte native int, the value of most socket options. */
export function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(value);
  return buffer;
}
