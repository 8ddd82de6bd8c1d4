// The client side of the control protocol (control-protocol.ts), for the CLIs and for programs that
// drive a daemon without shelling out. Replies are read as they arrive: a long list is handed over
// part by part, and the next part is read only when the caller asks for it (backpressure).
import { type Socket, connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ControlError, type ControlReply } from './control-protocol.js';

export interface ControlClientOptions {
  /** The daemon's name, for messages (default "the daemon"). */
  daemon?: string;
}

const unreachable = (path: string, daemon: string, error: Error) =>
  new ControlError(`cannot reach ${daemon} at ${path}: ${error.message}. Is the daemon running?`);

/** A connection to the socket; a full listen backlog (EAGAIN) is retried a few times. */
async function connected(path: string, daemon: string): Promise<Socket> {
  for (let attempt = 0; ; attempt++) {
    const socket = connect(path);
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      socket.once('connect', () => resolve(undefined));
      socket.once('error', resolve);
    });
    if (!error) return socket;
    socket.destroy();
    if (error.code !== 'EAGAIN' || attempt >= 50) throw unreachable(path, daemon, error);
    await delay(20 + attempt * 10);
  }
}

/** Reply lines of one request, as they arrive. */
async function* replies(path: string, request: unknown, options: ControlClientOptions): AsyncGenerator<ControlReply> {
  const daemon = options.daemon ?? 'the daemon';
  const socket = await connected(path, daemon);
  try {
    socket.write(`${JSON.stringify(request)}\n`);
    let pending = '';
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const text = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        let reply: ControlReply;
        try {
          reply = JSON.parse(text) as ControlReply;
        } catch {
          throw new ControlError(`${daemon} sent a reply that is not JSON: ${text.slice(0, 80)}`);
        }
        yield reply;
        if (!reply.ok || !('items' in reply) || !reply.more) return;
      }
    }
    throw new ControlError(`${daemon} closed the control connection before answering`);
  } catch (error) {
    if (error instanceof ControlError) throw error;
    throw new ControlError(`lost the control connection to ${daemon} at ${path}: ${(error as Error).message}`);
  } finally {
    socket.destroy();
  }
}

/** Sends one request and returns its result; a list sent in parts is gathered into one array. */
export async function controlRequest(
  path: string,
  request: unknown,
  options: ControlClientOptions = {},
): Promise<unknown> {
  const items: unknown[] = [];
  for await (const reply of replies(path, request, options)) {
    if (!reply.ok) throw new ControlError(reply.error);
    if ('result' in reply) return reply.result;
    items.push(...reply.items);
  }
  return items;
}

/**
 * Sends one request whose result is a list and yields its items as they arrive; a long list is read
 * part by part as the caller consumes it. Throws ControlError when the daemon refuses.
 */
export async function* controlItems(
  path: string,
  request: unknown,
  options: ControlClientOptions = {},
): AsyncGenerator<unknown> {
  for await (const reply of replies(path, request, options)) {
    if (!reply.ok) throw new ControlError(reply.error);
    if ('items' in reply) {
      yield* reply.items;
      continue;
    }
    if (!Array.isArray(reply.result))
      throw new ControlError(`${options.daemon ?? 'the daemon'} answered with a value, not a list`);
    yield* reply.result as unknown[];
  }
}
