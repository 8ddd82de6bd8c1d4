// The few libc socket calls Node does not offer (struct socket options, sockets created in a given
// network namespace), through koffi. Linux only; loaded on first use.
import koffi from 'koffi';

export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, length: number): number;
  bind(fd: number, address: Buffer, length: number): number;
  listen(fd: number, backlog: number): number;
  close(fd: number): number;
  setns(fd: number, nstype: number): number;
  strerror(errnum: number): string;
}

let libc: Libc | undefined;

export function loadLibc(): Libc {
  if (libc) return libc;
  const lib = koffi.load('libc.so.6');
  libc = {
    socket: lib.func('int socket(int, int, int)'),
    setsockopt: lib.func('int setsockopt(int, int, int, const void *, uint32_t)'),
    bind: lib.func('int bind(int, const void *, uint32_t)'),
    listen: lib.func('int listen(int, int)'),
    close: lib.func('int close(int)'),
    setns: lib.func('int setns(int, int)'),
    strerror: lib.func('const char *strerror(int)'),
  } as Libc;
  return libc;
}

/** A failed system call, with errno and what to check. */
export class SocketCallError extends Error {
  constructor(
    readonly call: string,
    readonly errno: number,
    hint: string,
  ) {
    super(`${call} failed: ${loadLibc().strerror(errno)} (errno ${errno}). ${hint}`);
    this.name = 'SocketCallError';
  }
}

/** Throws SocketCallError when a libc call returned -1. */
export function check(result: number, call: string, hint = ''): number {
  if (result < 0) throw new SocketCallError(call, koffi.errno(), hint);
  return result;
}
