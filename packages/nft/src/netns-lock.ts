// One applier at a time per network namespace, across processes: an exclusive flock(2) on a file named
// by the namespace's identity (the nsfs inode of /run/netns/<name> or /proc/thread-self/ns/net). The
// kernel drops the lock when its holder dies, however it dies, so a crash never blocks the next apply.
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SyscallError, errno, loadLibc } from '@cairn/sys';
import { NftLockError } from './errors.js';

const LOCK_EX = 2;
const LOCK_NB = 4;
const EWOULDBLOCK = 11;
const EINTR = 4;

/** The lock directory when none is configured. */
export const DEFAULT_LOCK_DIRECTORY = '/run/cairn/nft';

/** The lock file for the namespace `namespacePath` refers to (`netns-<inode>.lock`). */
export function lockFileFor(directory: string, namespacePath: string): string {
  return join(directory, `netns-${statSync(namespacePath).ino}.lock`);
}

/** A held lock: `release` gives it up (closing the file does; so does the holder's death). */
export interface HeldLock {
  path: string;
  /** The locked file's descriptor: a child that inherits it holds the lock too, until it exits. */
  fd: number;
  release(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the lock of `namespacePath`'s namespace, waiting up to `timeoutMs` for another holder (polling:
 * a blocking flock would stop the event loop). The holder's pid is written into the file for errors.
 */
export async function lockNetns(directory: string, namespacePath: string, timeoutMs: number): Promise<HeldLock> {
  const fail = (path: string, what: string, error: unknown, hint = ''): NftLockError => {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return new NftLockError(path, `cannot ${what} ${path} (${code})${hint}; nothing was applied`);
  };
  let path: string;
  try {
    path = lockFileFor(directory, namespacePath);
  } catch (error) {
    throw fail(namespacePath, 'find the network namespace', error);
  }
  let fd: number;
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    fd = openSync(path, 'a+', 0o600);
  } catch (error) {
    throw fail(path, 'open the nft lock file', error, ': set lockDirectory to a writable directory');
  }
  const deadline = Date.now() + timeoutMs;
  try {
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      if (loadLibc().flock(fd, LOCK_EX | LOCK_NB) === 0) break;
      const code = errno();
      if (code !== EWOULDBLOCK && code !== EINTR) throw new SyscallError(`flock(${path})`, code);
      if (Date.now() >= deadline) throw NftLockError.timedOut(path, timeoutMs, holderOf(path));
      await sleep(wait);
    }
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  ftruncateSync(fd, 0);
  writeSync(fd, `${process.pid}\n`);
  return { path, fd, release: () => closeSync(fd) };
}

function holderOf(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}
