import { closeSync, openSync } from 'node:fs';
import koffi from 'koffi';

// setns(2) through libc: moves the calling thread (Node's main thread) into another network namespace.
// Sockets created by the main thread afterwards live in that namespace; libuv's thread pool does not
// move, which is fine because sockets are created on the main thread.
const CLONE_NEWNET = 0x40000000;
let setnsCall: ((fd: number, nstype: number) => number) | undefined;

function setns(fd: number): void {
  setnsCall ??= koffi.load('libc.so.6').func('int setns(int fd, int nstype)') as (fd: number, nstype: number) => number;
  if (setnsCall(fd, CLONE_NEWNET) !== 0) throw new Error('setns(CLONE_NEWNET) failed: are we root?');
}

/** Moves the main thread into namespace `name`; returns a function that moves it back. */
export function enterNetns(name: string): () => void {
  const original = openSync('/proc/thread-self/ns/net', 'r');
  const target = openSync(`/run/netns/${name}`, 'r');
  try {
    setns(target);
  } finally {
    closeSync(target);
  }
  return () => {
    try {
      setns(original);
    } finally {
      closeSync(original);
    }
  };
}

/**
 * Runs `body` with the main thread inside namespace `name`, so the sockets it opens (listeners,
 * connections, raw sockets) belong there. Await everything that creates sockets inside `body`.
 */
export async function withNetns<T>(name: string, body: () => Promise<T> | T): Promise<T> {
  const restore = enterNetns(name);
  try {
    return await body();
  } finally {
    restore();
  }
}
