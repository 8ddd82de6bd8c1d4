import { enterNetns } from '@cairn/sys';

export { enterNetns };

/**
 * Runs `body` with the main thread inside namespace `name`, so the sockets it opens (listeners,
 * connections, raw sockets) belong there. Await everything that creates sockets inside `body`:
 * setns(2) moves only the calling thread, and a socket keeps the namespace it was created in.
 */
export async function withNetns<T>(name: string, body: () => Promise<T> | T): Promise<T> {
  const restore = enterNetns(name);
  try {
    return await body();
  } finally {
    restore();
  }
}
