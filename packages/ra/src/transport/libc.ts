// The libc calls the raw ICMPv6 socket needs come from @cairn/sys; this file adds what only the RA
// transport uses: its error type and native buffers for recvmsg.
import { SyscallError, check as checkSyscall } from '@cairn/sys';
import koffi from 'koffi';

export { errno, int32, loadLibc, type Libc } from '@cairn/sys';

/** A failed system call on the ICMPv6 socket, with errno and what to check. */
export class RaSocketError extends SyscallError {
  override name = 'RaSocketError';
}

/** Throws RaSocketError when a libc call returned -1. */
export function check(result: number, call: string, hint = ''): number {
  return checkSyscall(result, call, hint, RaSocketError);
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
