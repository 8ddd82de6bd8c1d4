// Who is at the other end of a unix socket: SO_PEERCRED (socket(7)), the credentials the kernel
// recorded when the peer called connect(2); they cannot be forged by the peer.
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { check, loadLibc } from '../libc.js';

const SOL_SOCKET = 1;
const SO_PEERCRED = 17;

/** struct ucred of socket(7). */
export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

/** The file descriptor under a connected net.Socket (Node keeps it on the libuv handle). */
function socketFd(socket: Socket): number {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new Error('the control connection has no file descriptor');
  return fd;
}

/** SO_PEERCRED of an accepted unix socket connection. */
export function peerCredentials(socket: Socket): PeerCredentials {
  const ucred = Buffer.alloc(12);
  const length = new Uint32Array([ucred.length]);
  check(loadLibc().getsockopt(socketFd(socket), SOL_SOCKET, SO_PEERCRED, ucred, length), 'getsockopt(SO_PEERCRED)');
  return { pid: ucred.readInt32LE(0), uid: ucred.readUInt32LE(4), gid: ucred.readUInt32LE(8) };
}

/** The peer's supplementary groups (proc(5) "Groups:"), empty when the process is gone. */
export function supplementaryGroups(pid: number): number[] {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Groups:(.*)$/m)?.[1] ?? '';
    return line.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
