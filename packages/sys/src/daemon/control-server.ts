// The control socket every Cairn daemon serves (protocol in control-protocol.ts). Hostile clients are
// the normal case: the socket is 0600 (0660 with a group) whatever the umask, every connection's
// SO_PEERCRED is checked, a request line is bounded, only so many clients are read at once (the rest
// wait unread, costing the daemon no buffer), and the event loop is yielded between requests and
// between the parts of a long reply so protocol timers (BGP keepalives, BFD) never starve.
import { chmodSync, chownSync, statSync, unlinkSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type ControlReply, MAX_REQUEST_BYTES, ResultStream } from './control-protocol.js';
import { type PeerCredentials, peerCredentials, supplementaryGroups } from './peer-credentials.js';
import { claimSocketPath } from './socket-claim.js';

/** Answers one request (already parsed JSON); what it throws is sent back as the error. */
export type ControlHandler = (request: unknown, client: PeerCredentials) => unknown;

/** The few logger methods used (pino's Logger fits). */
export interface ControlLogger {
  warn(details: object, message: string): void;
  debug(details: object, message: string): void;
}

export interface ControlServerOptions {
  path: string;
  /** The daemon's name, for messages ("cairn-bgp"). */
  daemon: string;
  handle: ControlHandler;
  logger?: ControlLogger;
  /** A group id: the socket becomes 0660 owned by it, and its members may control the daemon. */
  group?: number;
  /** Users allowed (default root and the daemon's own user). */
  allowedUids?: number[];
  /** Longest request line (default MAX_REQUEST_BYTES, 1 MiB). */
  maxRequestBytes?: number;
  /** Clients read at the same time (default 64); later ones wait, unread, for a free slot. */
  maxActiveClients?: number;
  /** Connections held at all (default 4096); past it a connection gets an error and is closed. */
  maxConnections?: number;
  /** Items per reply line of a long list (default 1000). */
  itemsPerLine?: number;
  /** A connection that sends nothing for this long is closed (default 30 s). */
  idleTimeoutMs?: number;
}

const line = (reply: ControlReply) => `${JSON.stringify(reply)}\n`;
/** Says why and closes once the client has closed too (what it sends meanwhile is discarded), within 5 s. */
function refuse(socket: Socket, error: string): void {
  socket.setTimeout(5000, () => socket.destroy());
  socket.on('data', () => undefined);
  socket.on('end', () => socket.destroy());
  socket.end(line({ ok: false, error }));
  socket.resume();
}

const silent: ControlLogger = { warn: () => undefined, debug: () => undefined };

export class ControlServer {
  private server: Server | undefined;
  private inode: number | undefined;
  private readonly connections = new Set<Socket>();
  private readonly waiting: Socket[] = [];
  private readonly peers = new WeakMap<Socket, PeerCredentials>();
  private active = 0;
  private readonly logger: ControlLogger;
  private readonly allowedUids: Set<number>;

  constructor(readonly options: ControlServerOptions) {
    this.logger = options.logger ?? silent;
    this.allowedUids = new Set(options.allowedUids ?? [0, process.getuid?.() ?? 0]);
  }

  get path(): string {
    return this.options.path;
  }

  /** Refuses (AlreadyRunningError) when another instance answers on the path; call before opening protocol sockets. */
  async listen(): Promise<void> {
    const { path, daemon, group } = this.options;
    await claimSocketPath(path, daemon);
    const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) => this.onConnection(socket));
    server.on('error', (error) => this.logger.warn({ error: error.message }, 'control socket error'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(new Error(`cannot listen on the control socket ${path}: ${error.message}`)),
      );
      // bind(2) of a unix socket creates the file with the process umask: bind under 0177 so it is never
      // reachable by others, not even between bind and chmod.
      const umask = process.umask(0o177);
      try {
        // A deep backlog: a burst of clients connecting at once waits in the kernel rather than failing (EAGAIN).
        server.listen({ path, backlog: 4096 }, () => resolve());
      } finally {
        process.umask(umask);
      }
    });
    if (group !== undefined) {
      chownSync(path, -1, group);
      chmodSync(path, 0o660);
    } else {
      chmodSync(path, 0o600);
    }
    this.inode = statSync(path).ino;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.connections) socket.destroy();
    await closed;
    // Only our own socket: a second instance that took the path over keeps it.
    try {
      if (statSync(this.options.path).ino === this.inode) unlinkSync(this.options.path);
    } catch {
      // already gone
    }
  }

  private onConnection(socket: Socket): void {
    socket.on('error', () => undefined);
    if (this.connections.size >= (this.options.maxConnections ?? 4096)) {
      return refuse(socket, `${this.options.daemon} has too many control connections; try again`);
    }
    let peer: PeerCredentials;
    try {
      peer = peerCredentials(socket);
    } catch (error) {
      return refuse(socket, `cannot identify the client: ${(error as Error).message}`);
    }
    const refusal = this.refusal(peer);
    if (refusal) {
      this.logger.warn({ refusal }, 'control connection refused');
      return refuse(socket, refusal);
    }
    this.connections.add(socket);
    socket.once('close', () => {
      this.connections.delete(socket);
      const at = this.waiting.indexOf(socket);
      if (at >= 0) this.waiting.splice(at, 1);
    });
    this.peers.set(socket, peer);
    if (this.active < (this.options.maxActiveClients ?? 64)) this.admit(socket);
    else this.waiting.push(socket);
  }

  /** Why this peer may not control the daemon (SO_PEERCRED), or undefined. */
  private refusal(peer: PeerCredentials): string | undefined {
    if (this.allowedUids.has(peer.uid)) return undefined;
    const group = this.options.group;
    if (group !== undefined && (peer.gid === group || supplementaryGroups(peer.pid).includes(group))) return undefined;
    return `uid ${peer.uid} (gid ${peer.gid}) may not control ${this.options.daemon}`;
  }

  private admit(socket: Socket): void {
    this.active++;
    socket.once('close', () => {
      this.active--;
      const next = this.waiting.shift();
      if (next) this.admit(next);
    });
    new ControlConnection(socket, this.peers.get(socket)!, this.options, this.logger).start();
  }
}

/** One admitted client: reads request lines one at a time and writes their replies. */
class ControlConnection {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly lines: string[] = [];
  private busy = false;
  private readonly maxBytes: number;

  constructor(
    private readonly socket: Socket,
    private readonly peer: PeerCredentials,
    private readonly options: ControlServerOptions,
    private readonly logger: ControlLogger,
  ) {
    this.maxBytes = options.maxRequestBytes ?? MAX_REQUEST_BYTES;
  }

  start(): void {
    const socket = this.socket;
    socket.setTimeout(this.options.idleTimeoutMs ?? 30_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      if (!this.busy && this.lines.length === 0) socket.end();
    });
    socket.resume();
  }

  private onData(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10, start); newline >= 0; newline = chunk.indexOf(10, start)) {
      if (this.pendingBytes + newline - start > this.maxBytes) return this.tooLong();
      this.pending.push(chunk.subarray(start, newline));
      this.lines.push(Buffer.concat(this.pending).toString('utf8'));
      this.pending = [];
      this.pendingBytes = 0;
      start = newline + 1;
    }
    if (start < chunk.length) {
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > this.maxBytes) return this.tooLong();
      this.pending.push(chunk.subarray(start));
    }
    if (this.lines.length > 0 && !this.busy) void this.drain();
  }

  private tooLong(): void {
    const socket = this.socket;
    socket.removeAllListeners('data');
    socket.pause();
    this.pending = [];
    this.lines.length = 0;
    this.logger.warn({ limit: this.maxBytes }, 'control request too long; connection closed');
    const error = `request longer than ${this.maxBytes} bytes without a newline: connection closed`;
    socket.end(line({ ok: false, error }), () => socket.destroy());
  }

  /** Answers the queued lines in order, one at a time, reading nothing more meanwhile. */
  private async drain(): Promise<void> {
    this.busy = true;
    this.socket.pause();
    try {
      for (let request = this.lines.shift(); request !== undefined; request = this.lines.shift()) {
        if (request.trim() === '') continue;
        await this.answer(request);
        if (this.socket.destroyed) return;
        await nextTurn(); // let timers and other clients run between requests
      }
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'control reply failed');
      this.socket.destroy();
      return;
    } finally {
      this.busy = false;
    }
    if (this.socket.readableEnded) this.socket.end();
    else this.socket.resume();
  }

  private async answer(request: string): Promise<void> {
    let result: unknown;
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(request);
      } catch (error) {
        throw new Error(`malformed JSON request: ${(error as Error).message}`, { cause: error });
      }
      result = await this.options.handle(parsed, this.peer);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.debug({ error: message }, 'control request failed');
      return this.write(line({ ok: false, error: message }));
    }
    const perLine = this.options.itemsPerLine ?? 1000;
    if (result instanceof ResultStream) return this.stream(result.items, perLine);
    if (Array.isArray(result) && result.length > perLine) return this.stream(result, perLine);
    return this.write(line({ ok: true, result: result ?? null }));
  }

  /** A list as several reply lines, yielding to the event loop and waiting for the client between them. */
  private async stream(items: Iterable<unknown> | AsyncIterable<unknown>, perLine: number): Promise<void> {
    let part: unknown[] = [];
    for await (const item of items) {
      part.push(item);
      if (part.length < perLine) continue;
      await this.write(line({ ok: true, items: part, more: true }));
      if (this.socket.destroyed) return;
      part = [];
      await nextTurn();
    }
    await this.write(line({ ok: true, items: part }));
  }

  /** Writes, then waits while the client has not read what it was sent. */
  private async write(text: string): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed) return;
    if (socket.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }
}
