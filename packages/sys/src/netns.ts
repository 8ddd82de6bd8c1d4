// Network namespaces by name (/run/netns/<name>, as `ip netns` makes them). setns(2) moves only the
// calling thread — Node's main thread — and a socket keeps the namespace it was created in, so a
// process can hold sockets in many namespaces at once.
import { closeSync, openSync } from 'node:fs';
import { SyscallError, errno, loadLibc } from './libc.js';

const CLONE_NEWNET = 0x40000000;

/** Moves the calling thread into namespace `name`; returns the function that moves it back. */
export function enterNetns(name: string): () => void {
  const libc = loadLibc();
  const original = openSync('/proc/thread-self/ns/net', 'r');
  const target = openSync(`/run/netns/${name}`, 'r');
  try {
    if (libc.setns(target, CLONE_NEWNET) !== 0) {
      closeSync(original);
      throw new SyscallError(`setns(${name})`, errno(), 'does the namespace exist, and are we root?');
    }
  } finally {
    closeSync(target);
  }
  return () => {
    try {
      if (libc.setns(original, CLONE_NEWNET) !== 0)
        throw new SyscallError('setns(back)', errno(), 'could not return to the original namespace');
    } finally {
      closeSync(original);
    }
  };
}

/**
 * Runs `body` synchronously with this thread in namespace `name` (or where it is when `name` is
 * undefined), then moves back. Sockets created inside stay in that namespace.
 */
export function inNetns<T>(name: string | undefined, body: () => T): T {
  if (!name) return body();
  const restore = enterNetns(name);
  try {
    return body();
  } finally {
    restore();
  }
}
