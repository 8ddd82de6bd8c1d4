// One daemon per control socket: before listening, a socket path that answers means another instance
// runs (refuse to start); one that refuses connections (ECONNREFUSED) was left by a process that died
// and is removed. Nothing else is ever unlinked.
import { lstatSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';

/** Another instance of the daemon answers on the control socket. */
export class AlreadyRunningError extends Error {
  override name = 'AlreadyRunningError';
}

type Probe = 'answers' | 'refused' | 'absent' | { error: string };

function probe(path: string): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve('answers');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') resolve('refused');
      else if (error.code === 'ENOENT') resolve('absent');
      else resolve({ error: error.message });
    });
  });
}

/**
 * Makes `path` free for a new listener, or throws AlreadyRunningError when a daemon answers there (and
 * an Error when the path is something else). Call it before opening any protocol socket.
 */
export async function claimSocketPath(path: string, daemon: string): Promise<void> {
  try {
    if (!lstatSync(path).isSocket())
      throw new Error(`${path} exists and is not a socket: remove it or choose another --socket`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const seen = await probe(path);
  if (seen === 'answers') {
    throw new AlreadyRunningError(
      `${daemon} is already running: its control socket ${path} answers (stop it first, or use another socket)`,
    );
  }
  if (seen === 'refused') {
    unlinkSync(path); // nobody listens: left by a daemon that was killed
    return;
  }
  if (seen !== 'absent') throw new Error(`cannot check the control socket ${path}: ${seen.error}`);
}
