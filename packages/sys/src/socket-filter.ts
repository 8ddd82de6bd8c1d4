// Classic BPF socket filters (SO_ATTACH_FILTER, linux/filter.h): setsockopt takes a struct sock_fprog that
// holds a pointer to the instructions, so it needs a prototype of its own on the one libc handle.
import koffi from 'koffi';
import { libcLibrary } from './libc.js';

/** One classic BPF instruction (struct sock_filter). */
export interface SocketFilterInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

const SOL_SOCKET = 1;
const SO_ATTACH_FILTER = 26;

interface FilterCall {
  attach(
    fd: number,
    level: number,
    name: number,
    program: { len: number; filter: SocketFilterInstruction[] },
    size: number,
  ): number;
  programSize: number;
}

let call: FilterCall | undefined;

function filterCall(): FilterCall {
  if (call) return call;
  const instruction = koffi.struct('cairn_sock_filter', { code: 'uint16', jt: 'uint8', jf: 'uint8', k: 'uint32' });
  const program = koffi.struct('cairn_sock_fprog', { len: 'uint16', filter: koffi.pointer(instruction) });
  call = {
    attach: libcLibrary().func('int setsockopt(int, int, int, const cairn_sock_fprog *, uint32_t)'),
    programSize: koffi.sizeof(program),
  } as FilterCall;
  return call;
}

/** Attaches `instructions` to socket `fd`; returns setsockopt's result (-1 with errno set on failure). */
export function attachSocketFilter(fd: number, instructions: SocketFilterInstruction[]): number {
  const c = filterCall();
  return c.attach(fd, SOL_SOCKET, SO_ATTACH_FILTER, { len: instructions.length, filter: instructions }, c.programSize);
}
